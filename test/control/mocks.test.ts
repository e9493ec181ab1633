import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiHttp, ChaosGateApiError } from '../../src/client/http.js';
import { MockClient, type MockInfo } from '../../src/client/mock.js';
import { mockRoutes } from '../../src/control/mocks.js';
import { Router } from '../../src/control/router.js';
import { ControlServer } from '../../src/control/server.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockSchema } from '../../src/mock/schema.js';
import type { MockServer } from '../../src/mock/server.js';

const mocks = new MockRegistry();
let control: ControlServer;
let llm: MockServer;
let client: MockClient;

const llmDefinition = {
  name: 'llm',
  listen: '127.0.0.1:0',
  routes: [
    { name: 'chat', request: { method: 'POST', path: '/v1/chat/completions' }, respond: [{ status: 503, times: 1 }, { json: { ok: true } }] },
    { name: 'models', request: { method: 'GET', path: '/v1/models' }, respond: { json: { data: [] } } },
  ],
};

beforeAll(async () => {
  llm = await mocks.create(mockSchema('.').parse(llmDefinition));
  const router = new Router();
  mockRoutes(router, mocks);
  control = new ControlServer({ listen: '127.0.0.1:0', router });
  await control.start();
  client = new MockClient(new ApiHttp({ url: control.url }), 'llm');
});
afterAll(async () => {
  await control.stop();
  await mocks.closeAll();
});
afterEach(async () => {
  for (const mock of mocks.list()) if (mock.name !== 'llm') await mocks.remove(mock.name);
  mocks.reset();
});

/** Calls the API raw: status and parsed JSON body. */
/** The control API's error body. */
type ErrorBody = { error: string; status: number };

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: MockInfo & ErrorBody }> {
  const response = await fetch(control.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('POST /mocks and reading mocks', () => {
  it('creates a mock (201) that answers at its URL, and shows it by name', async () => {
    const created = await api('POST', '/mocks', { ...llmDefinition, name: 'created' });
    expect(created.status).toBe(201);
    const mock = mocks.get('created')!;
    expect(created.json).toMatchObject({ name: 'created', url: mock.url, listen: mock.address, seed: 1, faults: [], requests: 0 });
    expect(created.json.routes).toEqual([
      { index: 0, name: 'chat', request: 'POST /v1/chat/completions', responses: 2, next: 0, matched: 0 },
      { index: 1, name: 'models', request: 'GET /v1/models', responses: 1, next: 0, matched: 0 },
    ]);
    expect((await fetch(`${mock.url}/v1/models`)).status).toBe(200);
    expect(Object.keys((await api('GET', '/mocks')).json)).toEqual(['llm', 'created']);
    expect((await new MockClient(new ApiHttp({ url: control.url }), 'created').info()).routes[1].matched).toBe(1);
  });

  it('409 for a name taken or a port taken; 400 naming the field for a bad definition', async () => {
    expect(await api('POST', '/mocks', llmDefinition)).toEqual({ status: 409, json: { error: 'mock "llm" already exists', status: 409 } });

    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const listen = `127.0.0.1:${(blocker.address() as { port: number }).port}`;
    const taken = await api('POST', '/mocks', { ...llmDefinition, name: 'other', listen });
    await new Promise((resolve) => blocker.close(resolve));
    expect(taken.status).toBe(409);
    expect(taken.json.error).toBe(`listen: ${listen} is already in use`); // as for a proxy
    expect(mocks.get('other')).toBeUndefined();

    const noResponse = await api('POST', '/mocks', { name: 'x', listen: '127.0.0.1:0', routes: [{ request: { path: '/a' } }] });
    expect(noResponse).toEqual({ status: 400, json: { error: 'routes[0].respond: expected a response ({ status, json }) or a list of them', status: 400 } });
    const badRegex = await api('POST', '/mocks', { name: 'x', listen: '127.0.0.1:0', routes: [{ request: { path: { regex: '(' } }, respond: {} }] });
    expect(badRegex.json.error).toMatch(/^routes\[0\]\.request\.path\.regex: expected a valid regular expression/);
    const badFault = await api('POST', '/mocks', { name: 'x', listen: '127.0.0.1:0', routes: [{ respond: [{ fault: 'boom' }] }] });
    expect(badFault.json.error).toBe('routes[0].respond[0].fault: expected a fault: reset, empty, malformed, random_then_close, hang');
    const missingFile = await api('POST', '/mocks', { name: 'x', listen: '127.0.0.1:0', routes: [{ respond: { body_file: 'no/such.json' } }] });
    expect(missingFile.json.error).toMatch(/^routes\[0\]\.respond\.body_file: expected an existing file; .*no\/such\.json does not exist$/);
    expect((await api('POST', '/mocks', 'not an object')).status).toBe(400);
  });

  it('404 for a mock that does not exist, naming the ones that do', async () => {
    expect(await api('GET', '/mocks/nope')).toEqual({ status: 404, json: { error: 'mock "nope" not found (have: llm)', status: 404 } });
    expect((await api('POST', '/mocks/nope/faults', { status: 503 })).status).toBe(404);
  });

  it('DELETE /mocks/{name} closes the mock', async () => {
    const created = await api('POST', '/mocks', { ...llmDefinition, name: 'temp' });
    expect((await api('DELETE', '/mocks/temp')).status).toBe(204);
    await expect(fetch(`${created.json.url}/v1/models`)).rejects.toThrow();
    expect((await api('DELETE', '/mocks/temp')).status).toBe(404);
  });
});

describe('faults over the API', () => {
  it('switches a fault on (with an id) and off again', async () => {
    const fault = await client.addFault({ route: 'models', status: 500, json: { error: 'boom' }, delay: '10ms' });
    expect(fault).toEqual({
      id: expect.stringMatching(/^fault-\d+$/),
      route: 'models',
      status: 500,
      json: { error: 'boom' },
      delay: 10,
      applied: 0,
      remaining: null,
    });
    expect((await fetch(`${llm.url}/v1/models`)).status).toBe(500);
    expect((await client.faults())[0]).toMatchObject({ id: fault.id, applied: 1 });
    await client.removeFault(fault.id);
    expect((await fetch(`${llm.url}/v1/models`)).status).toBe(200);
    await expect(client.removeFault(fault.id)).rejects.toEqual(
      new ChaosGateApiError(404, `DELETE /mocks/llm/faults/${fault.id}: fault "${fault.id}" of mock "llm" not found`, {
        error: `fault "${fault.id}" of mock "llm" not found`,
        status: 404,
      }),
    );
  });

  it('clears every fault with DELETE /mocks/{name}/faults', async () => {
    await client.addFault({ status: 503 });
    await client.addFault({ route: 'chat', fault: 'reset', probability: 0.5, seed: 3 });
    expect(await client.faults()).toHaveLength(2);
    await client.clearFaults();
    expect(await client.faults()).toEqual([]);
  });

  it('400 naming the field for a bad fault or an unknown route', async () => {
    expect(await api('POST', '/mocks/llm/faults', { fault: 'explode' })).toEqual({
      status: 400,
      json: { error: 'fault: expected a fault: reset, empty, malformed, random_then_close, hang', status: 400 },
    });
    expect((await api('POST', '/mocks/llm/faults', { status: 503, color: 'red' })).json.error).toBe('color: unknown key');
    expect((await api('POST', '/mocks/llm/faults', { probability: 2, status: 503 })).json.error).toBe('probability: expected a number from 0 to 1');
    expect((await api('POST', '/mocks/llm/faults', { route: 'chats', status: 503 })).json.error).toBe(
      'route: mock "llm" has no route named "chats" (routes: chat, models)',
    );
    expect((await api('POST', '/mocks/llm/faults', {})).json.error).toMatch(/^expected an effect/);
    expect((await api('POST', '/mocks/llm/faults', { delay: 'soon' })).json.error).toMatch(/^delay: expected a duration like 250ms/);
  });
});

describe('the journal over the API', () => {
  const chat = () => fetch(`${llm.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"m"}' });

  it('lists and counts with filters, so a test can assert the retries', async () => {
    await chat();
    await chat();
    await fetch(`${llm.url}/v1/nothing`);
    expect(await client.count()).toBe(3);
    expect(await client.count({ method: 'post', path: '/v1/chat/completions' })).toBe(2);
    expect(await client.count({ route: 'chat', status: 503 })).toBe(1);
    expect(await client.count({ matched: false })).toBe(1);
    const [first] = await client.requests({ route: 'chat' });
    expect(first).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v1/chat/completions',
      query: {},
      body: '{"model":"m"}',
      route: 'chat',
      status: 503,
      fault: null,
    });
    expect(new Date(first.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await api('GET', '/mocks/llm/requests?status=abc')).json.error).toBe('status: expected a whole number, got "abc"');
    expect((await api('GET', '/mocks/llm/requests?matched=maybe')).json.error).toBe('matched: expected true or false');
  });

  it('waits for requests that have not arrived yet, and says how many came when they do not', async () => {
    const waiting = client.waitForRequests(2, { route: 'models' }, 5000);
    await fetch(`${llm.url}/v1/models`);
    await fetch(`${llm.url}/v1/models`);
    expect((await waiting).map((r) => r.route)).toEqual(['models', 'models']);
    await expect(client.waitForRequests(3, { route: 'chat' }, 100)).rejects.toThrow('mock llm: 0 of 3 requests with route=chat after 100ms');
  });

  it('DELETE /requests clears the journal; POST /reset also rewinds sequences and removes faults', async () => {
    await chat();
    await client.clearRequests();
    expect(await client.count()).toBe(0);
    expect((await chat()).status).toBe(200);

    await client.addFault({ status: 418 });
    await client.reset();
    expect((await client.info()).faults).toEqual([]);
    expect((await chat()).status).toBe(503);
    expect(await client.count()).toBe(1);
  });
});

it('the definition the API accepts is the config file’s (mockSchema)', () => {
  expect(mockSchema('.').safeParse(llmDefinition).success).toBe(true);
});
