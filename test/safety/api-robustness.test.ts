/**
 * What the API fuzzer found, pinned: bad input is a 4xx naming the problem (never a 500), and
 * POST /reset reverts every fault even when one proxy cannot listen again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema } from '../../src/proxy/schema.js';

let proxies: ProxyRegistry;
let mocks: MockRegistry;
let control: ControlServer;

beforeEach(async () => {
  proxies = new ProxyRegistry();
  mocks = new MockRegistry();
  await proxies.create(proxySchema.parse({ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }));
  await proxies.create(proxySchema.parse({ name: 'cache', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }));
  const metrics = new MetricSet();
  // allow_remote: these cases are about addresses that cannot be bound, past the loopback rule (test/safety/remote-access.test.ts).
  control = new ControlServer({ listen: '127.0.0.1:0', router: controlRouter({ proxies, mocks, currentMetrics: () => metrics, allowRemoteListen: true }) });
  await control.start();
});

afterEach(async () => {
  await control.stop();
  await mocks.closeAll();
  await proxies.closeAll();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: { error: string } }> {
  const response = await fetch(control.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('bad input is the client’s mistake (4xx), never a 500', () => {
  it('a malformed percent-encoding in a path', async () => {
    expect(await call('GET', '/proxies/%zz')).toEqual({ status: 400, json: { error: 'malformed percent-encoding in path segment "%zz"', status: 400 } });
    expect((await call('DELETE', '/mocks/%E0%A4%A/faults')).status).toBe(400);
  });

  it('a request target starting with // (a path, not a host)', async () => {
    expect((await call('GET', '//%zz')).status).toBe(404);
    // Not routed as "/proxies" on a host named "x".
    expect((await call('GET', '//x/proxies')).status).toBe(404);
  });

  it('an upstream that is not host:port', async () => {
    // An empty one is missing, in Toxiproxy's words.
    expect((await call('POST', '/proxies', { name: 'new', upstream: '' })).json).toEqual({ error: 'missing required field: upstream', status: 400 });
    for (const upstream of [':', 'x:y', '127.0.0.1']) {
      const answer = await call('POST', '/proxies', { name: 'new', upstream });
      expect(answer.status, upstream).toBe(400);
      expect(answer.json.error, upstream).toMatch(/^upstream: expected host:port/);
    }
    expect((await call('POST', '/populate', [{ name: 'new', upstream: '' }])).status).toBe(400);
  });

  it('a listen address whose host does not resolve, on create, update and populate; on a mock too', async () => {
    const bad = '256.1.1.1:0';
    const created = await call('POST', '/proxies', { name: 'new', listen: bad, upstream: '127.0.0.1:1' });
    expect(created).toEqual({ status: 400, json: { error: `listen: host of ${bad} does not resolve`, status: 400 } });
    expect((await call('POST', '/proxies/db', { listen: bad })).status).toBe(400);
    expect((await call('POST', '/populate', [{ name: 'other', listen: bad, upstream: '127.0.0.1:1' }])).status).toBe(400);
    const mock = await call('POST', '/mocks', { name: 'm', listen: bad, routes: [] });
    expect(mock.status).toBe(400);
    expect(mock.json.error).toMatch(/does not resolve/);
  });
});

describe('POST /reset', () => {
  it('reverts every fault even when a proxy cannot listen again, and says which', async () => {
    expect((await call('POST', '/proxies/cache/toxics', { name: 'lag', type: 'latency', attributes: { latency: 1000 } })).status).toBe(200);
    expect((await call('POST', '/proxies/cache', { accepting: false })).status).toBe(200);
    // db is left unable to listen (its update to an address that does not resolve failed).
    expect((await call('POST', '/proxies/db', { listen: '256.1.1.1:0' })).status).toBe(400);
    const reset = await call('POST', '/reset');
    expect(reset.status).toBe(400);
    expect(reset.json.error).toMatch(/^db: listen: host of 256\.1\.1\.1:0 does not resolve/);
    // Everything else reverted all the same.
    expect(proxies.get('cache').toJSON()).toMatchObject({ enabled: true, accepting: true, toxics: [] });
  });
});
