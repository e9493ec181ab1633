/**
 * The control API is not a door: a control address beyond loopback needs control.token (exit 2,
 * naming the line, without it), and what the API creates (proxies, mocks) listens on loopback
 * unless safety.allow_remote, checked over real HTTP.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema } from '../../src/proxy/schema.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'chaos-gate.yml');
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    return (error as ConfigError).problems;
  }
}

describe('control.listen beyond loopback needs control.token', () => {
  it.each(['0.0.0.0:8474', '10.0.0.5:8474', '[::]:8474', 'example.com:8474'])('%s without a token: exit 2 naming the line', (listen) => {
    expect(problems(`version: 1\ncontrol:\n  listen: "${listen}"\n`)).toEqual([
      `chaos-gate.yml:3:11: control.listen: ${listen} is reachable from other machines: set control.token (every call then needs it), or listen on 127.0.0.1`,
    ]);
  });

  it('with a token, or on loopback, it is accepted', () => {
    expect(problems('version: 1\ncontrol:\n  listen: "0.0.0.0:8474"\n  token: s3cret\n')).toEqual([]);
    for (const listen of ['127.0.0.1:8474', '127.0.0.2:8474', 'localhost:8474', '[::1]:8474'])
      expect(problems(`version: 1\ncontrol:\n  listen: "${listen}"\n`), listen).toEqual([]);
  });
});

describe('what the API creates listens on loopback unless safety.allow_remote', () => {
  let control: ControlServer | undefined;
  let proxies: ProxyRegistry;
  let mocks: MockRegistry;
  afterEach(async () => {
    await control?.stop();
    await mocks.closeAll();
    await proxies.closeAll();
  });

  async function start(allowRemoteListen?: boolean): Promise<number> {
    proxies = new ProxyRegistry();
    mocks = new MockRegistry();
    await proxies.create(proxySchema.parse({ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:5432' }));
    const metrics = new MetricSet();
    control = new ControlServer({ listen: '127.0.0.1:0', router: controlRouter({ proxies, mocks, currentMetrics: () => metrics, allowRemoteListen }) });
    await control.start();
    return Number(new URL(control.url).port);
  }

  function call(port: number, method: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { 'content-length': String(Buffer.byteLength(text)) } }, (res) => {
        let out = '';
        res.setEncoding('utf8').on('data', (c: string) => (out += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: out ? JSON.parse(out) : undefined }));
      });
      req.on('error', reject);
      req.end(text);
    });
  }

  const mock = (listen: string) => ({ name: 'llm', listen, routes: [] });
  const hint = 'is not a loopback address; what the API creates listens on 127.0.0.1 unless safety.allow_remote: true';

  it('refuses 0.0.0.0 with 403 naming the field, and changes nothing', async () => {
    const port = await start();
    const before = JSON.stringify(proxies.list().map((p) => p.toJSON()));
    expect(await call(port, 'POST', '/proxies', { name: 'open', listen: '0.0.0.0:0', upstream: '127.0.0.1:6379' })).toEqual({
      status: 403,
      json: { error: `listen: 0.0.0.0:0 ${hint}`, status: 403 },
    });
    expect(
      await call(port, 'POST', '/populate', [
        { name: 'ok', upstream: '127.0.0.1:1' },
        { name: 'open', listen: '10.0.0.1:0', upstream: '127.0.0.1:6379' },
      ]),
    ).toEqual({
      status: 403,
      json: { error: `[1].listen: 10.0.0.1:0 ${hint}`, status: 403, proxies: null },
    });
    expect(await call(port, 'POST', '/proxies/db', { listen: '[::]:0' })).toEqual({ status: 403, json: { error: `listen: [::]:0 ${hint}`, status: 403 } });
    expect(await call(port, 'POST', '/mocks', mock('0.0.0.0:0'))).toEqual({ status: 403, json: { error: `listen: 0.0.0.0:0 ${hint}`, status: 403 } });
    expect(JSON.stringify(proxies.list().map((p) => p.toJSON()))).toBe(before);
    expect(mocks.list()).toEqual([]);
    expect((await call(port, 'POST', '/proxies', { name: 'local', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379' })).status).toBe(201);
    expect((await call(port, 'POST', '/mocks', mock('127.0.0.1:0'))).status).toBe(201);
  });

  it('allows it with safety.allow_remote', async () => {
    const port = await start(true);
    expect((await call(port, 'POST', '/proxies', { name: 'open', listen: '0.0.0.0:0', upstream: '127.0.0.1:6379' })).status).toBe(201);
    expect((await call(port, 'POST', '/mocks', mock('0.0.0.0:0'))).status).toBe(201);
  });
});
