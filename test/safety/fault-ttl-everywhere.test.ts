/**
 * safety.fault_ttl covers every way a fault is switched on at run time, through the real control
 * API: POST /proxies with `toxics`, POST /populate (a new proxy, and toxics replaced on one that is
 * kept), POST /proxies/{name} {"enabled": false} or {"accepting": false}, and a mock's fault. What
 * chaos-gate.yml declares stays for the whole run.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockSchema } from '../../src/mock/schema.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema } from '../../src/proxy/schema.js';
import { connectResult } from '../helpers/live.js';

const TTL = 60_000;
const lag = { name: 'lag', type: 'latency', attributes: { latency: 1000 } };

let proxies: ProxyRegistry;
let mocks: MockRegistry;
let control: ControlServer;
let port: number;

beforeEach(async () => {
  proxies = new ProxyRegistry({ faultTtlMs: TTL });
  mocks = new MockRegistry({ faultTtlMs: TTL });
  await mocks.create(
    mockSchema(process.cwd()).parse({ name: 'llm', listen: '127.0.0.1:0', routes: [{ request: { path: '/ping' }, respond: [{ status: 200 }] }] }),
  );
  const metrics = new MetricSet();
  control = new ControlServer({ listen: '127.0.0.1:0', router: controlRouter({ proxies, mocks, currentMetrics: () => metrics }) });
  await control.start();
  port = Number(new URL(control.url).port);
  // Only the expiry timers are faked: sockets and HTTP run for real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  vi.useRealTimers();
  await control.stop();
  await mocks.closeAll();
  await proxies.closeAll();
});

function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: { enabled: boolean } }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: text === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) } },
      (res) => {
        let out = '';
        res.setEncoding('utf8').on('data', (c: string) => (out += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: out ? JSON.parse(out) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const toxicNames = (name: string) =>
  proxies
    .get(name)
    .toxicList()
    .map((t) => t.name);

describe('every run-time fault expires after safety.fault_ttl', () => {
  it('POST /proxies with toxics', async () => {
    expect((await call('POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', toxics: [lag] })).status).toBe(201);
    expect(toxicNames('db')).toEqual(['lag']);
    vi.advanceTimersByTime(TTL - 1);
    expect(toxicNames('db')).toEqual(['lag']);
    vi.advanceTimersByTime(1);
    expect(toxicNames('db')).toEqual([]);
  });

  it('POST /populate: toxics of a new proxy, and toxics replaced on a proxy that is kept', async () => {
    const db = { name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' };
    expect((await call('POST', '/populate', [{ ...db, toxics: [lag] }])).status).toBe(201);
    expect(toxicNames('db')).toEqual(['lag']);
    vi.advanceTimersByTime(TTL);
    expect(toxicNames('db')).toEqual([]);

    const listen = proxies.get('db').listen; // same listen and upstream: the proxy is kept
    expect((await call('POST', '/populate', [{ ...db, listen, toxics: [{ ...lag, name: 'again' }] }])).status).toBe(201);
    expect(toxicNames('db')).toEqual(['again']);
    vi.advanceTimersByTime(TTL);
    expect(toxicNames('db')).toEqual([]);
  });

  it('POST /proxies/{name} {"enabled": false}: the proxy listens again after the TTL', async () => {
    await call('POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    const listenPort = Number(proxies.get('db').listen.split(':').at(-1));
    expect((await call('POST', '/proxies/db', { enabled: false })).json.enabled).toBe(false);
    expect(await connectResult(listenPort)).toBe('ECONNREFUSED');
    vi.advanceTimersByTime(TTL);
    await vi.waitFor(() => expect(proxies.get('db').enabled).toBe(true));
    expect(await connectResult(listenPort)).toBe('connected');
  });

  it('POST /proxies/{name} {"accepting": false}: accepting again after the TTL; enabling by hand first cancels the expiry', async () => {
    await call('POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
    await call('POST', '/proxies/db', { accepting: false });
    vi.advanceTimersByTime(TTL);
    expect(proxies.get('db').accepting).toBe(true);

    await call('POST', '/proxies/db', { enabled: false });
    await call('POST', '/proxies/db', { enabled: true });
    await call('POST', '/proxies/db', { enabled: false });
    vi.advanceTimersByTime(TTL / 2);
    expect(proxies.get('db').enabled).toBe(false);
  });

  it('a mock fault switched on through the API', async () => {
    const added = await call('POST', '/mocks/llm/faults', { status: 503 });
    expect(added.status).toBe(200);
    expect(mocks.require('llm').faults).toHaveLength(1);
    vi.advanceTimersByTime(TTL);
    expect(mocks.require('llm').faults).toHaveLength(0);
  });

  it('toxics declared in chaos-gate.yml stay for the whole run', async () => {
    const declared = await proxies.create(proxySchema.parse({ name: 'cfg', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', toxics: [lag] }), {
      declared: true,
    });
    vi.advanceTimersByTime(TTL * 10);
    expect(declared.toxicList().map((t) => t.name)).toEqual(['lag']);
  });
});
