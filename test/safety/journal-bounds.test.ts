/**
 * The mock journal is bounded by bytes as well as entries: of each body it keeps a prefix, the
 * length and the SHA-256; the oldest entries go once the byte budget is spent; and
 * GET /mocks/{name}/requests answers in pages (`after`, `limit`, `next`) that the typed client
 * follows. Sizes are small (1 MB bodies, a 300 kB budget) but the code path is the one 80 bodies
 * of 10 MB take.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosGate } from '../../src/client/index.js';
import type { JournalEntry } from '../../src/client/mock.js';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { JOURNAL_LIMITS, Journal } from '../../src/mock/journal.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { MockRequest } from '../../src/mock/request.js';
import { mockSchema } from '../../src/mock/schema.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A body of `bytes` ASCII characters, distinct per `i`. */
const bodyOf = (i: number, bytes: number) => `${i}:`.padEnd(bytes, String.fromCharCode(97 + (i % 26)));

let mocks: MockRegistry;
let proxies: ProxyRegistry;
let control: ControlServer;
let mockUrl: URL;

beforeAll(async () => {
  mocks = new MockRegistry();
  proxies = new ProxyRegistry();
  const mock = await mocks.create(
    mockSchema(process.cwd()).parse({
      name: 'm',
      listen: '127.0.0.1:0',
      routes: [{ request: { method: 'POST', path: '/upload' }, respond: [{ status: 204 }] }],
    }),
  );
  mockUrl = new URL(mock.url);
  const metrics = new MetricSet();
  control = new ControlServer({ listen: '127.0.0.1:0', router: controlRouter({ proxies, mocks, currentMetrics: () => metrics }) });
  await control.start();
});

afterAll(async () => {
  await control.stop();
  await mocks.closeAll();
  await proxies.closeAll();
});

function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: mockUrl.hostname, port: mockUrl.port, method: 'POST', path: '/upload', headers: { 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume().on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

type JournalPage = { requests: JournalEntry[]; count: number; total: number; dropped: number; next: number | null };

async function get(path: string): Promise<JournalPage> {
  const response = await fetch(control.url + path);
  expect(response.status).toBe(200);
  return (await response.json()) as JournalPage;
}

describe('the journal keeps a prefix, the length and the hash of each body', () => {
  it('20 bodies of 1 MB are kept as 64 KiB prefixes: memory held is the prefixes, not the bodies', async () => {
    const mock = mocks.require('m');
    mock.journal.clear();
    const bodies = Array.from({ length: 20 }, (_, i) => bodyOf(i, 1 << 20));
    for (const body of bodies) expect(await post(body)).toBe(204);
    const prefix = JOURNAL_LIMITS.bodyPrefixBytes;
    expect(mock.journal.bytes).toBeLessThan(20 * (2 * prefix + 4096));
    const { requests, count, total, dropped, next } = await get('/mocks/m/requests');
    expect([count, total, dropped, next]).toEqual([20, 20, 0, null]);
    requests.forEach((entry, i) => {
      expect(entry.body).toBe(bodies[i].slice(0, prefix));
      expect(entry.body_bytes).toBe(1 << 20);
      expect(entry.body_sha256).toBe(sha256(bodies[i]));
    });
  });

  it('a small body is kept whole, without a hash', async () => {
    mocks.require('m').journal.clear();
    await post('{"small":true}');
    const [entry] = (await get('/mocks/m/requests')).requests;
    expect([entry.body, entry.body_bytes, entry.body_sha256]).toEqual(['{"small":true}', 14, null]);
  });

  it('a multi-byte character at the cut is dropped, not split', () => {
    const journal = new Journal({ maxEntries: 10, maxBytes: 1 << 20, bodyPrefixBytes: 4 });
    journal.record(0, new MockRequest('POST', '/', '', {}, 'abcé-and-more'), undefined, 404, undefined);
    const [entry] = journal.list();
    expect([entry.request.body, entry.request.bodyBytes]).toEqual(['abc', 14]);
  });
});

describe('the journal is bounded by bytes as well as entries', () => {
  it('the oldest entries go once the byte budget is spent; total and dropped say how many', () => {
    const limits = { maxEntries: 1000, maxBytes: 300_000, bodyPrefixBytes: 10_000 };
    const journal = new Journal(limits);
    for (let i = 0; i < 200; i++) {
      journal.record(i, new MockRequest('POST', '/upload', '', { 'content-type': 'text/plain' }, bodyOf(i, 50_000)), 'upload', 204, undefined);
      expect(journal.bytes).toBeLessThanOrEqual(limits.maxBytes);
    }
    const kept = journal.list();
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(20);
    expect(journal.total).toBe(200);
    expect(journal.dropped).toBe(200 - kept.length);
    expect(kept.at(-1)!.seq).toBe(200);
    expect(kept.map((e) => e.seq)).toEqual(Array.from({ length: kept.length }, (_, i) => 201 - kept.length + i));
  });

  it('the entry limit still holds, and one entry larger than the budget is kept alone', () => {
    const journal = new Journal({ maxEntries: 3, maxBytes: 1000, bodyPrefixBytes: 10_000 });
    for (let i = 0; i < 5; i++) journal.record(i, new MockRequest('GET', `/${i}`, '', {}, ''), undefined, 404, undefined);
    expect(journal.list().map((e) => e.request.path)).toEqual(['/2', '/3', '/4']);
    journal.record(5, new MockRequest('POST', '/big', '', {}, 'x'.repeat(5000)), undefined, 404, undefined);
    expect(journal.list().map((e) => e.request.path)).toEqual(['/big']);
  });
});

describe('GET /mocks/{name}/requests is paged', () => {
  it('limit and after walk the journal; next is null on the last page', async () => {
    mocks.require('m').journal.clear();
    for (let i = 0; i < 5; i++) await post(`b${i}`);
    const first = await get('/mocks/m/requests?limit=2');
    expect([first.count, first.requests.map((e) => e.seq), first.next]).toEqual([5, [1, 2], 2]);
    const second = await get(`/mocks/m/requests?limit=2&after=${first.next}`);
    expect([second.requests.map((e) => e.seq), second.next]).toEqual([[3, 4], 4]);
    const last = await get(`/mocks/m/requests?limit=2&after=${second.next}`);
    expect([last.requests.map((e) => e.body), last.next]).toEqual([['b4'], null]);
    const bad = await fetch(`${control.url}/mocks/m/requests?limit=0`);
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, 'limit: expected a whole number ≥ 1']);
  });

  it('a page stops at about 8 MB of bodies; the typed client follows the pages to the end', async () => {
    mocks.require('m').journal.clear();
    for (let i = 0; i < 150; i++) await post(bodyOf(i, 100_000));
    const first = await get('/mocks/m/requests');
    expect(first.count).toBe(150);
    expect(first.requests.length).toBeLessThan(150);
    expect(first.next).toBe(first.requests.at(-1)?.seq);
    const all = await new ChaosGate({ url: control.url }).mock('m').requests();
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(all.every((e) => e.body_bytes === 100_000 && e.body.length === JOURNAL_LIMITS.bodyPrefixBytes)).toBe(true);
  });
});
