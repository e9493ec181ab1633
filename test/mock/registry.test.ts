import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MockExistsError, UnknownMockError, UnknownRouteError } from '../../src/mock/errors.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockFaultSchema, mockSchema } from '../../src/mock/schema.js';
import { curl, startMock } from './helpers.js';

const registries: MockRegistry[] = [];
const servers: Server[] = [];

function registry(options?: ConstructorParameters<typeof MockRegistry>[0]): MockRegistry {
  const mocks = new MockRegistry(options);
  registries.push(mocks);
  return mocks;
}

afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.closeAll()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const provider = {
  name: 'pay',
  routes: [
    { name: 'charge', request: { method: 'POST', path: '/v1/charges' }, respond: { status: 201, json: { id: 'ch_1' } } },
    { name: 'refund', request: { method: 'POST', path: '/v1/refunds' }, respond: { status: 201 } },
  ],
};

const fault = (input: unknown) => mockFaultSchema.parse(input);
const post = (url: string) => fetch(url, { method: 'POST' }).then((r) => r.status);

describe('MockRegistry', () => {
  it('rejects with the OS error when the port is taken, and keeps no half-made mock', async () => {
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const mocks = registry();
    const error = await mocks.create(mockSchema('.').parse({ ...provider, listen: `127.0.0.1:${port}` })).catch((e: NodeJS.ErrnoException) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
    expect(mocks.list()).toEqual([]);
  });

  it('refuses a second mock of the same name; gets and lists by name; names unknown mocks', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, provider);
    await expect(startMock(mocks, provider)).rejects.toBeInstanceOf(MockExistsError);
    expect(mocks.get('pay')).toBe(mock);
    expect(mocks.list().map((m) => m.name)).toEqual(['pay']);
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(() => mocks.addFault('nope', fault({ status: 503 }))).toThrow(UnknownMockError);
    expect(() => mocks.addFault('pay', fault({ route: 'void', status: 503 }))).toThrow(new UnknownRouteError('pay', 'void', ['charge', 'refund']));
  });

  it('injects a fault into one route and reverts it, by name or index', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, provider);
    const id = mocks.addFault('pay', fault({ route: 'charge', status: 503, json: { error: 'overloaded' } }));
    const response = await fetch(`${mock.url}/v1/charges`, { method: 'POST' });
    expect([response.status, await response.json()]).toEqual([503, { error: 'overloaded' }]);
    expect(await post(`${mock.url}/v1/refunds`)).toBe(201);
    expect(mocks.removeFault('pay', id)).toBe(true);
    expect(mocks.removeFault('pay', id)).toBe(false);
    expect(await post(`${mock.url}/v1/charges`)).toBe(201);

    mocks.addFault('pay', fault({ route: 1, fault: 'reset' }));
    expect((await curl(['-X', 'POST', `${mock.url}/v1/refunds`])).code).toBe(56);
    expect(await post(`${mock.url}/v1/charges`)).toBe(201);
  });

  it('a whole-mock fault takes every request, unmatched ones too: the provider is down', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, provider);
    mocks.addFault('pay', fault({ fault: 'empty' }));
    expect((await curl(['-X', 'POST', `${mock.url}/v1/charges`])).code).toBe(52);
    expect((await curl([`${mock.url}/unknown`])).code).toBe(52);
    expect(mock.journal.list().map((e) => [e.route ?? null, e.fault])).toEqual([
      ['charge', 'empty'],
      [null, 'empty'],
    ]);
  });

  it('a fault with `times` takes that many requests; the route’s sequence waits for it', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, { name: 'llm', routes: [{ name: 'chat', respond: [{ body: 'first' }, { body: 'second' }] }] });
    mocks.addFault('llm', fault({ route: 'chat', status: 429, times: 2 }));
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(mock.url);
      bodies.push(`${response.status} ${await response.text()}`);
    }
    expect(bodies).toEqual(['429 ', '429 ', '200 first', '200 second']);
    expect(mock.faults[0]).toMatchObject({ applied: 2, remaining: 0 });
  });

  it('a behaviour-only fault changes how the route answers: a delay on top of its body', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, provider);
    mocks.addFault('pay', fault({ route: 'charge', delay: '150ms' }));
    const started = performance.now();
    const response = await fetch(`${mock.url}/v1/charges`, { method: 'POST' });
    expect([response.status, await response.json()]).toEqual([201, { id: 'ch_1' }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('a rate-limit fault answers 429 past the rate and passes the rest to the route', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, provider);
    mocks.addFault('pay', fault({ rate_limit: { rps: 1 } }));
    expect([await post(`${mock.url}/v1/charges`), await post(`${mock.url}/v1/charges`)]).toEqual([201, 429]);
  });

  it('reset removes injected faults and rewinds sequences and the journal', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, { name: 'seq', routes: [{ respond: [{ status: 503, times: 1 }, { status: 200 }] }] });
    await post(mock.url);
    mocks.addFault('seq', fault({ status: 418 }));
    expect(await post(mock.url)).toBe(418);
    mocks.reset();
    expect(mock.faults).toEqual([]);
    expect(mock.journal.total).toBe(0);
    expect(await post(mock.url)).toBe(503);
  });

  it('removes a runtime fault after the fault TTL (safety.fault_ttl)', async () => {
    const mocks = registry({ faultTtlMs: 100 });
    const mock = await startMock(mocks, provider);
    mocks.addFault('pay', fault({ status: 503 }));
    expect(mock.faults).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(mock.faults).toEqual([]);
    expect(await post(`${mock.url}/v1/charges`)).toBe(201);
  });

  it('closeAll ends hanging requests, delayed ones and open streams, and frees the port', async () => {
    const mocks = registry();
    const mock = await startMock(mocks, {
      name: 'stuck',
      routes: [
        { request: { path: '/hang' }, respond: { fault: 'hang' } },
        { request: { path: '/slow' }, respond: { delay: '30s' } },
        { request: { path: '/stream' }, respond: { sse: { events: ['a', 'b'], interval: '30s' } } },
      ],
    });
    const hanging = fetch(`${mock.url}/hang`).catch((e: Error) => e);
    const slow = fetch(`${mock.url}/slow`).catch((e: Error) => e);
    const stream = await fetch(`${mock.url}/stream`);
    const reading = stream.text().catch((e: Error) => e);
    await mock.journal.waitFor(3, {}, 5000);
    const started = performance.now();
    await mocks.closeAll();
    expect(await hanging).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
    expect(await reading).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(1000);
    const { port } = new URL(mock.url);
    const again = registry();
    await expect(again.create(mockSchema('.').parse({ ...provider, listen: `127.0.0.1:${port}` }))).resolves.toBeDefined();
  });
});
