/**
 * The seeds' failover scenario with real sockets: two mocks stand in for two LLM providers, a
 * small client retries and then fails over, and the journals prove what it did.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiHttp } from '../../src/client/http.js';
import { MockClient } from '../../src/client/mock.js';
import { mockRoutes } from '../../src/control/mocks.js';
import { Router } from '../../src/control/router.js';
import { ControlServer } from '../../src/control/server.js';
import type { MockServer } from '../../src/mock/server.js';
import { registry, startMock } from './helpers.js';

const mocks = registry();
let control: ControlServer;
let primary: MockServer;
let secondary: MockServer;
let primaryApi: MockClient;
let secondaryApi: MockClient;

const provider = (name: string, content: string) => ({
  name,
  routes: [
    {
      name: 'chat',
      request: { method: 'POST', path: '/v1/chat/completions', json: { model: 'gpt-4' } },
      respond: { json: { choices: [{ message: { content } }] } },
    },
  ],
});

beforeAll(async () => {
  primary = await startMock(mocks, provider('openai', 'from primary'));
  secondary = await startMock(mocks, provider('anthropic', 'from secondary'));
  const router = new Router();
  mockRoutes(router, mocks);
  control = new ControlServer({ listen: '127.0.0.1:0', router });
  await control.start();
  const http = new ApiHttp({ url: control.url });
  primaryApi = new MockClient(http, 'openai');
  secondaryApi = new MockClient(http, 'anthropic');
});
afterEach(() => mocks.reset());
afterAll(async () => {
  await control.stop();
  await mocks.closeAll();
});

/** The system under test: up to 1 + `retries` attempts per provider, on 5xx, 429, network errors and timeouts; then the next provider. */
async function complete(providers: string[], prompt: string, retries = 2, timeoutMs = 2000): Promise<{ provider: string; content: string }> {
  const errors: string[] = [];
  for (const base of providers) {
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        const response = await fetch(`${base}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4', messages: [{ role: 'user', content: prompt }] }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (response.ok) {
          const body = (await response.json()) as { choices: { message: { content: string } }[] };
          return { provider: base, content: body.choices[0].message.content };
        }
        await response.arrayBuffer();
        errors.push(`HTTP ${response.status}`);
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        errors.push((error as Error).name);
      }
    }
  }
  throw new Error(`every provider failed: ${errors.join(', ')}`);
}

describe('failover between two mock providers', () => {
  it('primary answers 503: the client retries exactly twice, then fails over once', async () => {
    await primaryApi.addFault({ route: 'chat', status: 503, json: { error: 'overloaded' } });
    const result = await complete([primary.url, secondary.url], 'hi');
    expect(result).toEqual({ provider: secondary.url, content: 'from secondary' });
    expect(await primaryApi.count({ route: 'chat', status: 503 })).toBe(3);
    expect(await secondaryApi.count({ method: 'POST', path: '/v1/chat/completions' })).toBe(1);
    const [request] = await secondaryApi.requests();
    expect(JSON.parse(request.body)).toEqual({ model: 'gpt-4', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('primary resets every connection (provider down): the journal shows three resets, then the secondary', async () => {
    await primaryApi.addFault({ fault: 'reset' });
    expect((await complete([primary.url, secondary.url], 'hi')).content).toBe('from secondary');
    expect((await primaryApi.requests()).map((r) => [r.fault, r.status])).toEqual([
      ['reset', null],
      ['reset', null],
      ['reset', null],
    ]);
    expect(await secondaryApi.count()).toBe(1);
  });

  it('primary hangs: client timeouts, then the secondary', async () => {
    await primaryApi.addFault({ route: 'chat', fault: 'hang' });
    expect((await complete([primary.url, secondary.url], 'hi', 1, 250)).content).toBe('from secondary');
    expect(await primaryApi.count({ route: 'chat' })).toBe(2);
    expect(await secondaryApi.count({ route: 'chat' })).toBe(1);
  });

  it('one 503, then success: a single retry stays on the primary; the secondary is never called', async () => {
    await primaryApi.addFault({ route: 'chat', status: 503, times: 1 });
    expect((await complete([primary.url, secondary.url], 'hi')).provider).toBe(primary.url);
    expect((await primaryApi.requests()).map((r) => r.status)).toEqual([503, 200]);
    expect(await secondaryApi.count()).toBe(0);
  });

  it('fault switched off mid-run: traffic returns to the primary', async () => {
    const { id } = await primaryApi.addFault({ status: 500 });
    expect((await complete([primary.url, secondary.url], 'a')).provider).toBe(secondary.url);
    await primaryApi.removeFault(id);
    expect((await complete([primary.url, secondary.url], 'b')).provider).toBe(primary.url);
    expect((await primaryApi.info()).routes[0].matched).toBe(4);
  });
});
