import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/server.js';
import { curl, registry, startMock } from './helpers.js';

const mocks = registry();
let mock: MockServer;

beforeAll(async () => {
  mock = await startMock(mocks, {
    name: 'faulty',
    seed: 42,
    routes: [
      { name: 'reset', request: { path: '/reset' }, respond: { fault: 'reset' } },
      { name: 'empty', request: { path: '/empty' }, respond: { fault: 'empty' } },
      { name: 'malformed', request: { path: '/malformed' }, respond: { status: 200, json: { a: 1 }, fault: 'malformed' } },
      { name: 'random', request: { path: '/random' }, respond: { fault: 'random_then_close' } },
      { name: 'hang', request: { path: '/hang' }, respond: { fault: 'hang' } },
      { name: 'flaky', request: { path: '/flaky' }, respond: { json: { ok: true } }, fault: 'reset', probability: 0.3 },
      { name: 'then-ok', request: { path: '/then-ok' }, respond: [{ fault: 'empty', times: 1 }, { body: 'ok' }] },
    ],
  });
});
afterAll(() => mocks.closeAll());

describe('connection faults', () => {
  it('reset: curl exits 56 (connection reset by peer) and fetch sees ECONNRESET', async () => {
    const { code, stderr } = await curl([`${mock.url}/reset`]);
    expect(code).toBe(56);
    expect(stderr).toMatch(/reset by peer/i);
    const error = await fetch(`${mock.url}/reset`).catch((e: Error) => e);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
  });

  it('empty: curl exits 52 (empty reply from server)', async () => {
    const { code, stderr } = await curl([`${mock.url}/empty`]);
    expect([code, stderr.trim()]).toEqual([52, 'curl: (52) Empty reply from server']);
  });

  it('malformed: a status line, then a chunk that is not one; curl exits 56 on the chunk', async () => {
    const { code, stderr } = await curl(['-i', `${mock.url}/malformed`]);
    expect(code).toBe(56);
    expect(stderr).toMatch(/chunk/i);
    const response = await fetch(`${mock.url}/malformed`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('random_then_close: garbage instead of HTTP fails the client', async () => {
    const { code } = await curl([`${mock.url}/random`]);
    expect(code).not.toBe(0);
    await expect(fetch(`${mock.url}/random`)).rejects.toThrow();
  });

  it('hang: journaled at once, never answered; a client timeout fires', async () => {
    const started = Date.now();
    const error = await fetch(`${mock.url}/hang`, { signal: AbortSignal.timeout(300) }).catch((e: Error) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const [entry] = mock.journal.list({ route: 'hang' });
    expect([entry.fault, entry.status]).toEqual(['hang', undefined]);
  });

  it('probability with a seed: the same requests fail in every run', async () => {
    const run = async () => {
      mock.reset();
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) {
        outcomes.push(
          await fetch(`${mock.url}/flaky`, { headers: { connection: 'close' } }).then(
            (r) => String(r.status),
            () => 'reset',
          ),
        );
      }
      return outcomes;
    };
    const first = await run();
    const resets = first.filter((o) => o === 'reset').length;
    expect(resets).toBeGreaterThan(3);
    expect(resets).toBeLessThan(18);
    expect(await run()).toEqual(first);
    expect(mock.journal.list({ route: 'flaky' }).filter((e) => e.fault === 'reset')).toHaveLength(resets);
  });

  it('a fault in a sequence: the first request fails, the retry succeeds', async () => {
    expect((await curl([`${mock.url}/then-ok`])).code).toBe(52);
    expect(await curl([`${mock.url}/then-ok`])).toMatchObject({ code: 0, stdout: 'ok' });
  });
});
