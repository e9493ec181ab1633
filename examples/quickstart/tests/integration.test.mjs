import assert from 'node:assert/strict';
import { test } from 'node:test';

const service = 'http://127.0.0.1:18090';

test('the service answers a quote from the provider, through the proxy', async () => {
  const response = await fetch(`${service}/quote`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { price: 42, currency: 'EUR' });
});
