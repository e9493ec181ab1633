// Faults injected through chaos-gate's control API (CHAOS_GATE_API) with the typed client, one
// pattern per test; invariants go to the gate as metrics (thresholds: orders_lost count==0, …).
// The tests run in order: the last one leaves the primary's circuit open, which heals by itself.
import assert from 'node:assert/strict';
import { after, beforeEach, test } from 'node:test';
import { ChaosGate } from 'chaos-gate/client';
import { descriptionKey } from '../src/catalogue.ts';
import { database, healed, redis, runId, shop, until, type Answer } from './support.ts';

const gate = new ChaosGate();
const primary = gate.mock('llm-primary');
const fallback = gate.mock('llm-fallback');
const direct = redis();

beforeEach(async () => {
  await gate.reset(); // every fault off
  await healed(); // the shop's circuits and cache are back
  await gate.reset(); // journals count from here
});
after(async () => {
  await gate.reset();
  direct.disconnect();
});

test('retry with backoff: a primary that answers 503 twice is asked a third time, waits doubling', async () => {
  await primary.addFault({ route: 'chat', status: 503, times: 2 });
  const answer = await shop('POST', '/assist', { question: 'Does it come in red?' });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.provider, 'primary');
  const calls = (await primary.requests({ route: 'chat' })).map((r) => Date.parse(r.at));
  assert.equal(calls.length, 3);
  const [first, second] = [calls[1] - calls[0], calls[2] - calls[1]];
  assert.ok(second > first, `the second wait (${second} ms) is longer than the first (${first} ms)`);
});

test('rate-limit backoff: after a 429 the primary is left alone for Retry-After; the fallback answers', async () => {
  // One request per second passes; the next is refused with 429 and Retry-After: 1.
  await primary.addFault({ route: 'chat', rate_limit: { rps: 1 } });
  const providers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const answer = await shop('POST', '/assist', { question: `Question ${i}` });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    providers.push(answer.body.provider);
  }
  assert.deepEqual(providers, ['primary', 'fallback', 'fallback']);
  assert.equal(await primary.count({ route: 'chat' }), 2, 'no call to the primary while its Retry-After runs');
  assert.equal(await primary.count({ status: 429 }), 1);
});

test('orders survive connection resets after the commit: every acknowledged order is stored exactly once', async () => {
  // Half the connections are reset as PostgreSQL answers: the order is committed, the acknowledgement lost.
  await gate.proxy('postgres').addToxic({ name: 'resets', type: 'reset_peer', stream: 'downstream', toxicity: 0.5, seed: 3, attributes: { timeout: 0 } });
  const customers = Array.from({ length: 24 }, (_, i) => `chaos-${runId}-${i}`);
  const answers: Answer[] = [];
  for (let i = 0; i < customers.length; i += 4) {
    answers.push(...(await Promise.all(customers.slice(i, i + 4).map((customer) => shop('POST', '/orders', { sku: 5, customer })))));
  }
  await gate.proxy('postgres').removeToxic('resets');

  const db = await database();
  const { rows } = await db.query<{ customer: string; n: number }>(
    'SELECT customer, count(*)::int AS n FROM shop_orders WHERE customer LIKE $1 GROUP BY customer',
    [`chaos-${runId}-%`],
  );
  await db.end();
  const stored = new Map(rows.map((row) => [row.customer, row.n]));
  const acknowledged = customers.filter((_, i) => answers[i].status === 201 || answers[i].status === 200);
  const lost = acknowledged.filter((customer) => !stored.has(customer)).length;
  const duplicated = [...stored.values()].filter((n) => n > 1).length;
  await gate.metric({ name: 'orders_lost', type: 'counter', value: lost }, { name: 'orders_duplicated', type: 'counter', value: duplicated });

  assert.equal(lost, 0, 'acknowledged orders missing from PostgreSQL');
  assert.equal(duplicated, 0, 'orders written twice');
  assert.ok(
    answers.some((a) => a.body?.attempts > 1),
    'some orders needed another try: the resets happened',
  );
  assert.equal(acknowledged.length, customers.length, `statuses: ${answers.map((a) => a.status).join(' ')}`);
});

test('database timeout: PostgreSQL slower than the query timeout gets a fast 503 with Retry-After, then the pool recovers', async () => {
  const postgres = gate.proxy('postgres');
  await postgres.toClientDelay(3000);
  const slow = await shop('POST', '/orders', { sku: 6 });
  await gate.metric({ name: 'db_timeout_answer_ms', type: 'trend', value: Math.round(slow.ms) });
  assert.equal(slow.status, 503);
  assert.equal(slow.headers.get('retry-after'), '1');
  assert.ok(slow.ms < 2000, `answered in ${Math.round(slow.ms)} ms, not after the database's 3 s`);

  await postgres.toClientPass();
  const healed = await shop('POST', '/orders', { sku: 6 });
  assert.equal(healed.status, 201, 'no connection of the pool is left stuck');
});

test('stale-cache serving: with both providers down, an old description is served, marked stale', async () => {
  const sku = 200_000 + (process.pid % 100_000);
  const fresh = await shop('GET', `/products/${sku}`);
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  // The copy is an hour old now.
  await direct.set(descriptionKey(sku), JSON.stringify({ text: 'A sturdy boot.', at: Date.now() - 3_600_000 }));
  await primary.addFault({ route: 'chat', status: 503 });
  await fallback.addFault({ route: 'chat', status: 503 });

  const stale = await shop('GET', `/products/${sku}`);
  assert.equal(stale.status, 200);
  assert.deepEqual([stale.body.source, stale.body.stale, stale.body.text], ['stale', true, 'A sturdy boot.']);

  await direct.del(descriptionKey(sku + 1));
  const never = await shop('GET', `/products/${sku + 1}`);
  assert.equal(never.status, 503, 'nothing cached, nothing to serve');
});

test('redis blackout: reads fall back to PostgreSQL within the cache timeout', async () => {
  const { body } = await shop('POST', '/orders', { sku: 7 });
  await shop('GET', `/orders/${body.order.id}`); // now cached

  await gate.proxy('redis').toServerBlackhole();
  const during = await shop('GET', `/orders/${body.order.id}`);
  assert.equal(during.status, 200);
  assert.equal(during.headers.get('x-cache'), 'miss');
  assert.equal(during.body.order.id, body.order.id);
  assert.ok(during.ms < 500, `answered in ${Math.round(during.ms)} ms`);

  await gate.proxy('redis').toServerPass();
  assert.equal((await shop('GET', `/orders/${body.order.id}`)).status, 200);
  // The connection opened during the blackout never finished its handshake: the shop replaces it.
  await until(async () => (await shop('GET', '/health')).body.cache.connection === 'ready', 5000, 'the cache connection is back');
});

test('provider failover and circuit breaker: the primary down, the fallback answers, the primary is soon left alone', async () => {
  await primary.addFault({ route: 'chat', status: 503 });
  const answers: Answer[] = [];
  for (let i = 0; i < 10; i++) answers.push(await shop('POST', '/assist', { question: `Question ${i}` }));
  await gate.metric({ name: 'assist_failed', type: 'counter', value: answers.filter((a) => a.status !== 200).length });
  assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.body.provider}`)), new Set(['200 fallback']));
  // 10 requests with 3 retries each would be 40 calls; the breaker opens after 5 failures in a row.
  const calls = await primary.count({ route: 'chat' });
  assert.ok(calls <= 6, `${calls} calls reached the dead primary`);
});
