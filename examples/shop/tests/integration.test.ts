// The running shop with its real dependencies, everything healthy: PostgreSQL and Redis through
// the proxies, the LLM mocks answering. Runs inside `chaos-gate run` (or next to `chaos-gate serve`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ChaosGate } from 'chaos-gate/client';
import { descriptionKey } from '../src/catalogue.ts';
import { healed, redis, runId, shop } from './support.ts';

const gate = new ChaosGate(); // CHAOS_GATE_API
const direct = redis();
before(() => healed());
after(() => direct.disconnect());

test('an order is stored in PostgreSQL through the proxy, then read from the Redis cache', async () => {
  const created = await shop('POST', '/orders', { sku: 3, qty: 2, customer: `integration-${runId}` });
  assert.equal(created.status, 201);
  assert.equal(created.body.order.qty, 2);
  assert.ok((await gate.proxy('postgres').connectionsCount()) > 0, 'the shop reaches PostgreSQL through the proxy');

  const first = await shop('GET', `/orders/${created.body.order.id}`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('x-cache'), 'miss');
  const second = await shop('GET', `/orders/${created.body.order.id}`);
  assert.equal(second.headers.get('x-cache'), 'hit');
  assert.deepEqual(second.body.order, first.body.order);
});

test('the same Idempotency-Key gives the same order, once', async () => {
  const key = `integration-${runId}-key`;
  const first = await shop('POST', '/orders', { sku: 4 }, { 'idempotency-key': key });
  const again = await shop('POST', '/orders', { sku: 4 }, { 'idempotency-key': key });
  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.equal(again.body.replayed, true);
  assert.equal(again.body.order.id, first.body.order.id);
});

test('a bad order is refused with 400, not retried', async () => {
  const answer = await shop('POST', '/orders', { sku: 'boots' });
  assert.equal(answer.status, 400);
});

test('the assistant asks the primary provider, in the OpenAI request shape', async () => {
  const primary = gate.mock('llm-primary');
  await primary.clearRequests();
  const answer = await shop('POST', '/assist', { question: 'Which size fits me?' });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { answer: 'Primary says: a fine choice.', provider: 'primary', attempts: 1 });
  const [request] = await primary.requests({ route: 'chat' });
  assert.deepEqual(JSON.parse(request.body), { model: 'shop-assistant', messages: [{ role: 'user', content: 'Which size fits me?' }] });
});

test('a product description is written once by the LLM, then served from the cache', async () => {
  const sku = 100_000 + (process.pid % 100_000);
  await direct.del(descriptionKey(sku));
  const primary = gate.mock('llm-primary');
  await primary.clearRequests();
  const first = await shop('GET', `/products/${sku}`);
  assert.equal(first.status, 200);
  assert.equal(first.body.source, 'llm');
  const second = await shop('GET', `/products/${sku}`);
  assert.equal(second.body.source, 'cache');
  assert.equal(second.body.text, first.body.text);
  assert.equal(await primary.count({ route: 'chat' }), 1);
});
