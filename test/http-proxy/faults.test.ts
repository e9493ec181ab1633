/**
 * Faults on the HTTP proxy, against a real node:http upstream: each kind taken by its seeded
 * share of 2,000 requests (within ±3 points), matched and excluded like mock routes, reverted by
 * reset and by fault_ttl.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Agent, request } from 'undici';
import { HttpProxyRegistry } from '../../src/http-proxy/registry.js';
import type { HttpProxy } from '../../src/http-proxy/server.js';
import { echo, fault, startHttpProxy, upstream } from './helpers.js';

const registries: HttpProxyRegistry[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.closeAll()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

let upstreamCalls = 0;

async function setup(options?: ConstructorParameters<typeof HttpProxyRegistry>[0]): Promise<{ registry: HttpProxyRegistry; proxy: HttpProxy }> {
  upstreamCalls = 0;
  const up = await upstream((req, res) => {
    upstreamCalls++;
    if (req.url?.startsWith('/big')) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.end('x'.repeat(1000));
      return;
    }
    echo(req, res);
  });
  closers.push(up.close);
  const registry = new HttpProxyRegistry(options);
  registries.push(registry);
  return { registry, proxy: await startHttpProxy(registry, up.url) };
}

/** What a client saw of one request: its status and headers, or the error that ended it. */
interface Seen {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  error?: string;
}

/** Sends `count` requests, 16 at a time, in order of index; undici, with a fresh connection after a failure. */
async function send(url: string, count: number, path = '/x'): Promise<Seen[]> {
  const dispatcher = new Agent({ connections: 16 });
  const seen: Seen[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const answer = await request(`${url}${path}`, { dispatcher, headersTimeout: 5000, bodyTimeout: 5000 });
        const body = await answer.body.text();
        seen[i] = { status: answer.statusCode, headers: answer.headers, body };
      } catch (error) {
        seen[i] = { error: (error as { code?: string }).code ?? String(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await dispatcher.close();
  return seen;
}

const share = (seen: Seen[], test: (s: Seen) => boolean) => seen.filter(test).length / seen.length;

describe('HTTP proxy faults, 30% of 2,000 requests each', () => {
  it('status: 503 without calling the upstream', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ status: 503, json: { error: 'unavailable' }, probability: 0.3, seed: 42 }));
    const seen = await send(proxy.url, 2000);
    const faulted = share(seen, (s) => s.status === 503);
    expect(faulted).toBeGreaterThan(0.27);
    expect(faulted).toBeLessThan(0.33);
    expect(seen.find((s) => s.status === 503)!.body).toBe('{"error":"unavailable"}');
    expect(upstreamCalls).toBe(seen.filter((s) => s.status === 200).length);
    expect(proxy.journal.list({ status: 503 }).every((e) => e.fault === 'status' && e.exchange!.upstreamMs === undefined)).toBe(true);
  });

  it('status when: response: the upstream is called, its answer thrown away', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ status: 500, when: 'response', probability: 0.3, seed: 3 }));
    const seen = await send(proxy.url, 2000);
    const faulted = share(seen, (s) => s.status === 500);
    expect(faulted).toBeGreaterThan(0.27);
    expect(faulted).toBeLessThan(0.33);
    expect(upstreamCalls).toBe(2000);
  });

  it('abort: reset and empty end the connection with no answer', async () => {
    for (const abort of ['reset', 'empty'] as const) {
      const { registry, proxy } = await setup();
      registry.addFault('dep', fault({ abort, probability: 0.3, seed: 5 }));
      const seen = await send(proxy.url, 2000);
      const failed = share(seen, (s) => s.error !== undefined);
      expect(failed, abort).toBeGreaterThan(0.27);
      expect(failed, abort).toBeLessThan(0.33);
      expect(share(seen, (s) => s.status === 200) + failed).toBe(1);
    }
  });

  it('abort: hang holds the request until the client gives up', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ abort: 'hang', times: 1 }));
    const error = await request(`${proxy.url}/x`, { headersTimeout: 200 }).catch((e: { code: string }) => e.code);
    expect(error).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect((await request(`${proxy.url}/x`)).statusCode).toBe(200);
  });

  it('truncate: the body is cut after N bytes and the connection dropped', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ truncate: 100, probability: 0.3, seed: 9 }));
    const seen = await send(proxy.url, 2000, '/big');
    const cut = share(seen, (s) => s.error !== undefined);
    expect(cut).toBeGreaterThan(0.27);
    expect(cut).toBeLessThan(0.33);
    expect(seen.filter((s) => s.status === 200).every((s) => s.body!.length === 1000)).toBe(true);
    expect(
      proxy.journal
        .list()
        .filter((e) => e.fault === 'truncate')
        .every((e) => e.exchange!.error === 'the response was cut short'),
    ).toBe(true);
  });

  it('header: a response header set and another removed', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ header: { set: { 'content-type': 'text/html' }, remove: ['date'] }, probability: 0.3, seed: 11 }));
    const seen = await send(proxy.url, 2000);
    const changed = share(seen, (s) => s.headers?.['content-type'] === 'text/html');
    expect(changed).toBeGreaterThan(0.27);
    expect(changed).toBeLessThan(0.33);
    expect(seen.filter((s) => s.headers?.['content-type'] === 'text/html').every((s) => s.headers!.date === undefined)).toBe(true);
    expect(seen.filter((s) => s.headers?.['content-type'] === 'application/json').every((s) => s.headers!.date !== undefined)).toBe(true);
  });

  it('delay: the chosen requests wait before the upstream is called', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ delay: '20ms', probability: 0.3, seed: 13 }));
    await send(proxy.url, 2000);
    const entries = proxy.journal.list();
    const delayed = entries.filter((e) => e.fault === 'delay');
    expect(delayed.length / entries.length).toBeGreaterThan(0.27);
    expect(delayed.length / entries.length).toBeLessThan(0.33);
    // Never early: every delayed exchange took at least the delay.
    expect(Math.min(...delayed.map((e) => e.exchange!.durationMs))).toBeGreaterThanOrEqual(19.5);
  });

  it('throttle: the chosen responses are paced at the given rate', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ throttle: 10_000, probability: 0.3, seed: 17 }));
    const seen = await send(proxy.url, 2000, '/big');
    expect(seen.every((s) => s.body?.length === 1000)).toBe(true);
    const entries = proxy.journal.list();
    const throttled = entries.filter((e) => e.fault === 'throttle');
    expect(throttled.length / entries.length).toBeGreaterThan(0.27);
    expect(throttled.length / entries.length).toBeLessThan(0.33);
    // 1,000 bytes at 10,000 bytes/s: at least 100 ms, sent in pieces of 500.
    expect(Math.min(...throttled.map((e) => e.exchange!.durationMs))).toBeGreaterThanOrEqual(99);
  });

  it('rate_limit: 429 with Retry-After past the rate', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ rate_limit: { rps: 50 } }));
    const seen = await send(proxy.url, 300);
    const limited = seen.filter((s) => s.status === 429);
    // A burst of 300 far faster than 50/s: the bucket's 50, plus what refilled meanwhile.
    expect(seen.filter((s) => s.status === 200).length).toBeGreaterThanOrEqual(50);
    expect(limited.length).toBeGreaterThan(150);
    expect(limited[0].headers!['retry-after']).toBe('1');
    expect(proxy.journal.list({ status: 429 }).every((e) => e.fault === 'rate_limit')).toBe(true);
  });
});

describe('which requests a fault takes', () => {
  it('matches method, path template, query and headers like a mock route, and never takes an excluded path', async () => {
    const { registry, proxy } = await setup();
    registry.addFault(
      'dep',
      fault({ request: { method: 'POST', path: '/charges/{id}', query: { mode: 'live' }, headers: { 'x-tenant': { regex: 'a.*' } } }, status: 503 }),
    );
    const post = (path: string, tenant = 'acme') =>
      request(`${proxy.url}${path}`, { method: 'POST', headers: { 'x-tenant': tenant } }).then((r) => r.statusCode);
    expect(await post('/charges/7?mode=live')).toBe(503);
    expect(await post('/charges/7?mode=test')).toBe(200);
    expect(await post('/charges/7/refunds?mode=live')).toBe(200);
    expect(await post('/charges/7?mode=live', 'zeta')).toBe(200);
    expect((await request(`${proxy.url}/charges/7?mode=live`, { headers: { 'x-tenant': 'acme' } })).statusCode).toBe(200);

    registry.addFault('dep', fault({ status: 500, exclude: ['/health', { regex: '^/internal/.*' }] }));
    const health = await send(proxy.url, 50, '/health');
    const internal = await send(proxy.url, 50, '/internal/metrics');
    const other = await send(proxy.url, 50, '/orders');
    expect(health.every((s) => s.status === 200)).toBe(true);
    expect(internal.every((s) => s.status === 200)).toBe(true);
    expect(other.every((s) => s.status === 500)).toBe(true);
  });

  it('takes `times` requests at most, and the same seed fails the same requests', async () => {
    const { registry, proxy } = await setup();
    registry.addFault('dep', fault({ status: 502, times: 3 }));
    const seen = await send(proxy.url, 10);
    expect(seen.filter((s) => s.status === 502)).toHaveLength(3);

    const picks: number[][] = [];
    for (let round = 0; round < 2; round++) {
      const { registry: other, proxy: target } = await setup();
      other.addFault('dep', fault({ status: 503, probability: 0.5, seed: 99 }));
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push(await request(`${target.url}/x`).then(async (r) => (await r.body.text(), r.statusCode)));
      picks.push(statuses.flatMap((status, i) => (status === 503 ? [i] : [])));
    }
    expect(picks[0].length).toBeGreaterThan(5);
    expect(picks[1]).toEqual(picks[0]);
  });

  it('is reverted by reset (declared faults stay, rewound) and removes itself after fault_ttl', async () => {
    const up = await upstream(echo);
    closers.push(up.close);
    const registry = new HttpProxyRegistry({ faultTtlMs: 150 });
    registries.push(registry);
    const proxy = await startHttpProxy(registry, up.url, { faults: [{ request: { path: '/declared' }, status: 418 }] });
    registry.addFault('dep', fault({ status: 503 }));
    expect((await request(`${proxy.url}/x`)).statusCode).toBe(503);
    registry.reset();
    expect((await request(`${proxy.url}/x`)).statusCode).toBe(200);
    expect((await request(`${proxy.url}/declared`)).statusCode).toBe(418);
    expect(proxy.faults).toHaveLength(1);
    expect(proxy.faults[0].applied).toBe(1);

    registry.addFault('dep', fault({ status: 503 }));
    expect((await request(`${proxy.url}/x`)).statusCode).toBe(503);
    // The expiry is a timer: wait for its effect, not a fixed time.
    await vi.waitFor(() => expect(proxy.faults).toHaveLength(1), { timeout: 5000, interval: 20 });
    expect((await request(`${proxy.url}/x`)).statusCode).toBe(200);
    expect((await request(`${proxy.url}/declared`)).statusCode).toBe(418);
  });
});
