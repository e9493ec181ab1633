// Chaos tests drive faults through the control API (Toxiproxy's API: any Toxiproxy client works).
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';

const api = process.env.CHAOS_GATE_API;
const service = 'http://127.0.0.1:18090';

async function call(method, path, body) {
  const response = await fetch(api + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Reports an invariant to the gate (thresholds: `quotes_lost: count==0`). */
function metric(name, type, value) {
  appendFileSync(process.env.CHAOS_GATE_METRICS, `${JSON.stringify({ name, type, value })}\n`);
}

afterEach(() => call('POST', '/reset'));

test('a provider that answers 503 once is retried', async () => {
  await call('POST', '/mocks/provider/faults', { status: 503, times: 1 });
  const response = await fetch(`${service}/quote`);
  assert.equal(response.status, 200);
  metric('quotes_lost', 'counter', response.ok ? 0 : 1);
});

test('200 ms of latency on the provider link still answers within the retry budget', async () => {
  await call('POST', '/proxies/provider/toxics', { name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 200 } });
  const started = performance.now();
  const response = await fetch(`${service}/quote`);
  assert.equal(response.status, 200);
  assert.ok(performance.now() - started >= 200, 'the latency was applied');
});
