import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRetry } from '../retry.mjs';

test('returns the first success', async () => {
  let calls = 0;
  assert.equal(await withRetry(async () => (++calls === 2 ? 'ok' : Promise.reject(new Error('503'))), { baseMs: 1 }), 'ok');
  assert.equal(calls, 2);
});

test('gives up after the last try with the last error', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(async () => Promise.reject(new Error(`fail ${++calls}`)), { tries: 3, baseMs: 1 }),
    /fail 3/,
  );
  assert.equal(calls, 3);
});

test('times out a slow try', async () => {
  const slow = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  await assert.rejects(withRetry(slow, { tries: 1, timeoutMs: 20 }), { name: 'TimeoutError' });
});
