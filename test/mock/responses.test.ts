import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { registry, startMock } from './helpers.js';

const mocks = registry();
const dir = mkdtempSync(join(tmpdir(), 'mock-responses-'));
afterEach(() => mocks.closeAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('responses', () => {
  it('answers a sequence: each entry `times` requests, then the last forever', async () => {
    const mock = await startMock(mocks, {
      name: 'llm',
      routes: [
        {
          request: { method: 'POST', path: '/v1/chat/completions' },
          respond: [{ status: 503, times: 2 }, { status: 429 }, { status: 200, json: { ok: true } }],
        },
      ],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST' })).status);
    expect(statuses).toEqual([503, 503, 429, 200, 200, 200]);
    expect(mock.routes[0].matched).toBe(6);

    mock.reset();
    expect((await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST' })).status).toBe(503);
  });

  it('sends JSON, text and file bodies with their content types, user headers winning', async () => {
    writeFileSync(join(dir, 'page.html'), '<h1>hi</h1>');
    const mock = await startMock(
      mocks,
      {
        name: 'bodies',
        routes: [
          { request: { path: '/json' }, respond: { json: [1, 'two', null], headers: { 'x-request-id': 'abc', 'x-count': 3 } } },
          { request: { path: '/text' }, respond: { body: 'plain', headers: { 'Content-Type': 'text/csv' } } },
          { request: { path: '/file' }, respond: { body_file: 'page.html' } },
          { request: { path: '/none' }, respond: { status: 204 } },
        ],
      },
      dir,
    );
    const json = await fetch(`${mock.url}/json`);
    expect([json.headers.get('content-type'), json.headers.get('x-request-id'), json.headers.get('x-count'), await json.text()]).toEqual([
      'application/json',
      'abc',
      '3',
      '[1,"two",null]',
    ]);
    const text = await fetch(`${mock.url}/text`);
    expect([text.headers.get('content-type'), await text.text()]).toEqual(['text/csv', 'plain']);
    const file = await fetch(`${mock.url}/file`);
    expect([file.headers.get('content-type'), await file.text()]).toEqual(['text/html; charset=utf-8', '<h1>hi</h1>']);
    const none = await fetch(`${mock.url}/none`);
    expect([none.status, await none.text()]).toEqual([204, '']);
  });

  it('templates bodies and headers from the request, escaping inside JSON', async () => {
    const mock = await startMock(mocks, {
      name: 'echo',
      routes: [
        {
          request: { method: 'POST', path: '/v1/users/{user}/echo' },
          respond: {
            status: 201,
            headers: { 'x-echo': '{{request.headers.x-request-id}}' },
            json: {
              user: '{{request.params.user}}',
              model: '{{request.json.model}}',
              page: '{{request.query.page}}',
              said: '{{request.json.text}}',
              how: '{{request.method}} {{request.path}}',
            },
          },
        },
      ],
    });
    const response = await fetch(`${mock.url}/v1/users/ada/echo?page=2`, {
      method: 'POST',
      headers: { 'x-request-id': 'r-1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4', text: 'say "hi"\n' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('r-1');
    expect(await response.json()).toEqual({ user: 'ada', model: 'gpt-4', page: '2', said: 'say "hi"\n', how: 'POST /v1/users/ada/echo' });
  });

  it('journals method, path, query, headers, body, route and status', async () => {
    const mock = await startMock(mocks, { name: 'j', routes: [{ name: 'pay', request: { method: 'POST', path: '/pay' }, respond: { status: 202 } }] });
    await fetch(`${mock.url}/pay?x=1`, { method: 'POST', body: '{"amount":5}', headers: { 'idempotency-key': 'k1' } });
    const [entry] = mock.journal.list();
    expect(entry.seq).toBe(1);
    expect([entry.request.method, entry.request.path, entry.request.rawQuery, entry.request.headers['idempotency-key'], entry.request.body]).toEqual([
      'POST',
      '/pay',
      'x=1',
      'k1',
      '{"amount":5}',
    ]);
    expect([entry.route, entry.status, entry.fault]).toEqual(['pay', 202, undefined]);
    expect(mock.journal.list({ route: 'pay', status: 202, method: 'POST' })).toHaveLength(1);
    expect(mock.journal.list({ status: 500 })).toHaveLength(0);
  });
});
