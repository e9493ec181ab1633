import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delaySampler } from '../../src/mock/delays.js';
import { Random } from '../../src/random.js';
import type { MockServer } from '../../src/mock/server.js';
import { registry, startMock } from './helpers.js';

const mocks = registry();
let mock: MockServer;

beforeAll(async () => {
  mock = await startMock(mocks, {
    name: 'slow',
    routes: [
      { request: { path: '/fixed' }, respond: { body: 'late', delay: '200ms' } },
      {
        request: { path: '/route-delay' },
        delay: '150ms',
        respond: [
          { body: 'a', times: 1 },
          { body: 'b', delay: 0 },
        ],
      },
      { request: { path: '/dribble' }, respond: { body: 'abcdefghij', dribble: { chunks: 5, duration: '400ms' } } },
      { request: { path: '/limited' }, rate_limit: { rps: 1 }, respond: { json: { ok: true } } },
    ],
  });
});
afterAll(() => mocks.closeAll());

/** Milliseconds until the status line, and until the whole body. */
function timed(path: string): Promise<{ status: number; body: string; headersMs: number; bodyMs: number; chunks: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(mock.url + path, (res) => {
      const headersMs = performance.now() - started;
      let body = '';
      let chunks = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        chunks++;
      });
      res.on('end', () => resolve({ status: res.statusCode!, body, headersMs, bodyMs: performance.now() - started, chunks }));
    })
      .on('error', reject)
      .end();
  });
}

describe('delays', () => {
  it('holds a response for a fixed delay', async () => {
    const { body, headersMs } = await timed('/fixed');
    expect(body).toBe('late');
    expect(headersMs).toBeGreaterThanOrEqual(195);
  });

  it('applies a route delay to its entries unless an entry sets its own', async () => {
    expect((await timed('/route-delay')).headersMs).toBeGreaterThanOrEqual(145);
    const second = await timed('/route-delay');
    expect(second.body).toBe('b');
    expect(second.headersMs).toBeLessThan(145);
  });

  it('draws uniform delays inside the range and lognormal ones around the median, reproducibly', () => {
    const uniform = delaySampler({ min: 100, max: 200 }, new Random(7));
    const draws = Array.from({ length: 1000 }, uniform);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...draws)).toBeLessThan(200);

    const lognormal = delaySampler({ median: 50, sigma: 0.5 }, new Random(7));
    const sorted = Array.from({ length: 2001 }, lognormal).sort((a, b) => a - b);
    expect(sorted[1000]).toBeGreaterThan(45);
    expect(sorted[1000]).toBeLessThan(55);
    expect(sorted[1980]).toBeGreaterThan(120); // p99 ≈ 50·e^(2.33·0.5) ≈ 160: a long tail
    const [a, b] = [delaySampler({ median: 50, sigma: 0.5 }, new Random(3)), delaySampler({ median: 50, sigma: 0.5 }, new Random(3))];
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('dribbles a body: headers at once, the last byte after the duration', async () => {
    const { body, headersMs, bodyMs, chunks } = await timed('/dribble');
    expect(body).toBe('abcdefghij');
    expect(headersMs).toBeLessThan(bodyMs - 250);
    expect(bodyMs).toBeGreaterThanOrEqual(395);
    expect(chunks).toBeGreaterThanOrEqual(3);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the rate, and lets requests through again once it refills', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${mock.url}/limited`);
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get('retry-after');
        expect(await response.json()).toEqual({ error: 'rate limit of 1 req/s exceeded', status: 429 });
      } else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 429, 429]);
    expect(retryAfter).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1050)); // one token back at 1 rps
    expect((await fetch(`${mock.url}/limited`)).status).toBe(200);
    expect(mock.journal.list({ path: '/limited', status: 429 })).toHaveLength(2);
  });
});
