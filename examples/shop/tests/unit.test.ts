// The resilience patterns one at a time, with fake clocks and fake providers: no network, no waiting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitBreaker, CircuitOpenError } from '../src/breaker.ts';
import type { CacheStore } from '../src/cache.ts';
import { Catalogue, descriptionKey } from '../src/catalogue.ts';
import { LlmUnavailableError, ProviderError, ResilientLlm, type Provider } from '../src/llm.ts';
import { backoffDelay, parseRetryAfter, withRetry } from '../src/retry.ts';

/** A clock that only moves when someone sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => (now += ms),
    sleeps,
  };
}

/** A provider that plays a script: a string answers, a number is an HTTP error status. */
function scripted(name: string, script: (string | number)[], retryAfterMs?: number): Provider & { calls: number } {
  const provider = {
    name,
    calls: 0,
    async complete() {
      const step = script[Math.min(provider.calls++, script.length - 1)];
      if (typeof step === 'number') throw new ProviderError(name, `answered ${step}`, { status: step, retryAfterMs });
      return step;
    },
  };
  return provider;
}

describe('retry with exponential backoff', () => {
  test('retries a transient failure and returns the first success', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await withRetry(async () => (++calls < 3 ? Promise.reject(new Error('timeout')) : 'ok'), { retries: 3, baseMs: 100, ...time });
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
  });

  test('waits grow exponentially: base, 2×base, 4×base', async () => {
    const time = fakeTime();
    await assert.rejects(
      withRetry(async () => Promise.reject(new Error('fail')), { retries: 3, baseMs: 1000, ...time }),
      /fail/,
    );
    assert.deepEqual(time.sleeps, [1000, 2000, 4000]);
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => backoffDelay(n, 50, 300)),
      [50, 100, 200, 300],
    );
  });

  test('after the last retry the last error is thrown: 1 try + 2 retries', async () => {
    const time = fakeTime();
    let calls = 0;
    await assert.rejects(
      withRetry(async () => Promise.reject(new Error(`always fails ${++calls}`)), { retries: 2, baseMs: 1, ...time }),
      /always fails 3/,
    );
    assert.equal(calls, 3);
  });

  test('does not retry what is not retryable, nor past the deadline', async () => {
    const time = fakeTime();
    let calls = 0;
    const bad = () => withRetry(async () => Promise.reject(new Error(`bad request ${++calls}`)), { retries: 5, baseMs: 1, retryable: () => false, ...time });
    await assert.rejects(bad(), /bad request 1/);
    calls = 0;
    await assert.rejects(
      withRetry(async () => Promise.reject(new Error(`slow ${++calls}`)), { retries: 5, baseMs: 100, deadline: 250, ...time }),
      /slow 2/,
    );
    assert.deepEqual(time.sleeps, [100]);
  });

  test('waits at least what Retry-After asks', async () => {
    const time = fakeTime();
    let calls = 0;
    await withRetry(async () => (++calls === 1 ? Promise.reject(new Error('429')) : 'ok'), { retries: 1, baseMs: 10, waitHint: () => 1000, ...time });
    assert.deepEqual(time.sleeps, [1000]);
    assert.equal(parseRetryAfter('2'), 2000);
    assert.equal(parseRetryAfter(new Date(61_000).toUTCString(), 1_000), 60_000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

describe('circuit breaker', () => {
  test('opens after the threshold and then fails fast without calling', async () => {
    const time = fakeTime();
    const breaker = new CircuitBreaker('llm', { failureThreshold: 3, cooldownMs: 1000, now: time.now });
    let calls = 0;
    const fail = async () => {
      calls += 1;
      throw new Error('fail');
    };
    for (let i = 0; i < 3; i++) await assert.rejects(breaker.call(fail), /fail/);
    assert.equal(breaker.state, 'open');
    await assert.rejects(breaker.call(fail), CircuitOpenError);
    assert.equal(calls, 3);
  });

  test('half-open after the cooldown: a success closes it, a failure opens it again', async () => {
    const time = fakeTime();
    const breaker = new CircuitBreaker('llm', { failureThreshold: 2, cooldownMs: 100, now: time.now });
    const fail = async () => Promise.reject(new Error('fail'));
    for (let i = 0; i < 2; i++) await assert.rejects(breaker.call(fail));
    time.advance(100);
    assert.equal(breaker.state, 'half_open');
    await assert.rejects(breaker.call(fail), /fail/);
    assert.equal(breaker.state, 'open');
    time.advance(100);
    assert.equal(await breaker.call(async () => 'success'), 'success');
    assert.equal(breaker.state, 'closed');
  });

  test('failures that say nothing about health (a 429) do not count', async () => {
    const breaker = new CircuitBreaker('llm', { failureThreshold: 1, cooldownMs: 100, isFailure: () => false });
    await assert.rejects(breaker.call(async () => Promise.reject(new Error('429'))));
    assert.equal(breaker.state, 'closed');
  });
});

describe('provider failover', () => {
  const options = (time: ReturnType<typeof fakeTime>) => ({ retries: 2, failover: true, baseMs: 10, random: () => 0, now: time.now, sleep: time.sleep });

  test('a primary that answers 503 once is retried', async () => {
    const time = fakeTime();
    const primary = scripted('primary', [503, 'from primary']);
    const llm = new ResilientLlm([primary, scripted('fallback', ['from fallback'])], options(time));
    assert.deepEqual(await llm.complete('hi'), { text: 'from primary', provider: 'primary', attempts: 2 });
  });

  test('a primary that is down fails over to the fallback', async () => {
    const time = fakeTime();
    const primary = scripted('primary', [503]);
    const llm = new ResilientLlm([primary, scripted('fallback', ['from fallback'])], options(time));
    const answer = await llm.complete('hi');
    assert.equal(answer.provider, 'fallback');
    assert.equal(primary.calls, 3);
    assert.deepEqual(time.sleeps, [10, 20]);
  });

  test('the breaker stops calling a dead primary', async () => {
    const time = fakeTime();
    const primary = scripted('primary', [503]);
    const llm = new ResilientLlm([primary, scripted('fallback', ['ok'])], { ...options(time), breaker: { failureThreshold: 3, cooldownMs: 10_000 } });
    for (let i = 0; i < 5; i++) assert.equal((await llm.complete('hi')).provider, 'fallback');
    assert.equal(primary.calls, 3);
    assert.equal(llm.circuits().primary, 'open');
  });

  test('a 429 goes to the fallback at once, and the primary is left alone for Retry-After', async () => {
    const time = fakeTime();
    const primary = scripted('primary', [429, 'from primary'], 1000);
    const llm = new ResilientLlm([primary, scripted('fallback', ['from fallback'])], options(time));
    assert.equal((await llm.complete('hi')).provider, 'fallback');
    assert.equal((await llm.complete('hi')).provider, 'fallback');
    assert.equal(primary.calls, 1);
    time.advance(1000);
    assert.equal((await llm.complete('hi')).provider, 'primary');
  });

  test('without failover and retries a 503 is the answer', async () => {
    const time = fakeTime();
    const llm = new ResilientLlm([scripted('primary', [503, 'late']), scripted('fallback', ['ok'])], { ...options(time), retries: 0, failover: false });
    await assert.rejects(llm.complete('hi'), LlmUnavailableError);
  });
});

describe('stale-cache serving', () => {
  class MapCache implements CacheStore {
    readonly map = new Map<string, string>();
    async get(key: string) {
      return this.map.get(key);
    }
    async set(key: string, value: string) {
      this.map.set(key, value);
    }
  }
  const down = { complete: async () => Promise.reject(new LlmUnavailableError(['primary: answered 503'])) };
  const up = { complete: async () => ({ text: 'A sturdy boot.', provider: 'primary', attempts: 1 }) };

  test('a fresh copy is served from the cache, an old one is refreshed', async () => {
    const cache = new MapCache();
    let now = 0;
    const catalogue = new Catalogue(up, cache, { freshMs: 1000, now: () => now });
    assert.equal((await catalogue.describe(1)).source, 'llm');
    now = 999;
    assert.equal((await catalogue.describe(1)).source, 'cache');
    now = 1000;
    assert.equal((await catalogue.describe(1)).source, 'llm');
  });

  test('when no provider answers, an old copy is served, marked stale', async () => {
    const cache = new MapCache();
    cache.map.set(descriptionKey(1), JSON.stringify({ text: 'A sturdy boot.', at: 0 }));
    const catalogue = new Catalogue(down, cache, { freshMs: 1000, now: () => 60_000 });
    assert.deepEqual(await catalogue.describe(1), { sku: 1, text: 'A sturdy boot.', source: 'stale', stale: true, age_ms: 60_000 });
    await assert.rejects(catalogue.describe(2), LlmUnavailableError);
  });
});
