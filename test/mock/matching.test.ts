import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/server.js';
import { registry, startMock } from './helpers.js';

const mocks = registry();
let mock: MockServer;

beforeAll(async () => {
  mock = await startMock(mocks, {
    name: 'shop',
    routes: [
      { name: 'premium', request: { method: 'GET', path: '/v1/items/{id}', headers: { 'X-Plan': 'premium' } }, respond: { json: { plan: 'premium' } } },
      { name: 'item', request: { method: 'GET', path: '/v1/items/{id}' }, respond: { json: { id: '{{request.params.id}}' } } },
      { name: 'search', request: { method: 'GET', path: '/v1/search', query: { q: { regex: 'shoe.*' }, limit: 10 } }, respond: { body: 'found' } },
      {
        name: 'order-gpt4',
        request: { method: 'POST', path: '/v1/orders', json: { model: 'gpt-4', options: { stream: true } } },
        respond: { status: 201, body: 'gpt-4 order' },
      },
      { name: 'order', request: { method: 'POST', path: '/v1/orders' }, respond: { status: 201, body: 'order' } },
      { name: 'report', request: { path: { regex: '/v1/reports/(?<year>\\d{4})' } }, respond: { body: 'year {{request.params.year}}' } },
      { name: 'auth', request: { path: '/v1/me', headers: { authorization: { regex: 'Bearer .+' } } }, respond: { body: 'me' } },
    ],
  });
});
afterAll(() => mocks.closeAll());

async function get(path: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(mock.url + path, init);
  return { status: response.status, text: await response.text() };
}

describe('route matching', () => {
  it('matches a path template and hands its parameters to the template', async () => {
    expect(await get('/v1/items/a%20b')).toEqual({ status: 200, text: '{"id":"a b"}' });
  });

  it('takes the first route in declaration order that matches, headers included', async () => {
    expect((await get('/v1/items/7', { headers: { 'x-plan': 'premium' } })).text).toBe('{"plan":"premium"}');
    expect((await get('/v1/items/7', { headers: { 'x-plan': 'free' } })).text).toBe('{"id":"7"}');
  });

  it('matches query values exactly or by a whole-value regex', async () => {
    expect(await get('/v1/search?q=shoes&limit=10')).toEqual({ status: 200, text: 'found' });
    expect((await get('/v1/search?q=red-shoes&limit=10')).status).toBe(404);
    expect((await get('/v1/search?q=shoes&limit=11')).status).toBe(404);
  });

  it('matches JSON body fields as a subset (extra fields allowed, values exact)', async () => {
    const post = (json: unknown) => get('/v1/orders', { method: 'POST', body: JSON.stringify(json), headers: { 'content-type': 'application/json' } });
    expect((await post({ model: 'gpt-4', options: { stream: true, n: 2 }, extra: 1 })).text).toBe('gpt-4 order');
    expect((await post({ model: 'gpt-4', options: { stream: false } })).text).toBe('order');
    expect((await get('/v1/orders', { method: 'POST', body: 'not json' })).text).toBe('order');
  });

  it('matches a path regex and exposes its named groups', async () => {
    expect(await get('/v1/reports/2024')).toEqual({ status: 200, text: 'year 2024' });
    expect((await get('/v1/reports/24')).status).toBe(404);
  });

  it('matches a header regex and any method when none is given', async () => {
    expect((await get('/v1/me', { method: 'DELETE', headers: { authorization: 'Bearer abc' } })).text).toBe('me');
    expect((await get('/v1/me', { headers: { authorization: 'Basic abc' } })).status).toBe(404);
  });

  it('answers an unmatched request 404 with the closest routes and what differs, and journals it', async () => {
    mock.journal.clear();
    const { status, text } = await get('/v1/item/42');
    expect(status).toBe(404);
    const body = JSON.parse(text) as { error: string; closest: { route: string; mismatches: string[] }[] };
    expect(body.error).toBe('no route of mock "shop" matches GET /v1/item/42');
    expect(body.closest.slice(0, 2)).toEqual([
      { route: 'item', mismatches: ['path: expected /v1/items/{id}, got /v1/item/42'] },
      { route: 'premium', mismatches: ['path: expected /v1/items/{id}, got /v1/item/42', 'headers.x-plan: expected "premium", got none'] },
    ]);

    const wrongBody = JSON.parse((await get('/v1/orders', { method: 'PUT' })).text) as typeof body;
    expect(wrongBody.closest.slice(0, 2)).toEqual([
      { route: 'order', mismatches: ['method: expected POST, got PUT'] },
      { route: 'order-gpt4', mismatches: ['method: expected POST, got PUT', 'json: expected a JSON body'] },
    ]);

    const [entry] = mock.journal.list({ matched: false, path: '/v1/item/42' });
    expect([entry.route, entry.status, entry.request.method]).toEqual([undefined, 404, 'GET']);
  });
});
