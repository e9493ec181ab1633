/**
 * Recording real exchanges into a mock: what a real upstream answered through the proxy is written
 * as a mock file, which loads back as a `mocks:` entry and answers the same requests the same way.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRecordedMock } from '../../src/http-proxy/recording-file.js';
import { template } from '../../src/http-proxy/recording.js';
import { HttpProxyRegistry } from '../../src/http-proxy/registry.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockSchema } from '../../src/mock/schema.js';
import { fault, pattern, sha256, startHttpProxy, upstream } from './helpers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const logo = pattern(3000, 21);
let stock = 5;

/** A small real service: JSON items, a search with a query, a POST that changes state, a binary file, text. */
const service = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': String(Math.random()), 'x-api-version': '3' });
    res.end(JSON.stringify(body));
  };
  req.resume();
  req.on('end', () => {
    const item = /^\/items\/(\d+)$/.exec(url.pathname);
    if (item && req.method === 'GET') return json(200, { id: Number(item[1]), name: `item ${item[1]}`, stock });
    if (url.pathname === '/search') return json(200, { q: url.searchParams.get('q'), hits: url.searchParams.get('q') === 'a' ? 2 : 0 });
    if (url.pathname === '/orders' && req.method === 'POST') {
      stock--;
      return json(201, { ok: true, stock });
    }
    if (url.pathname === '/logo.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(logo);
    }
    if (url.pathname === '/readme') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('plain {{request.path}} text');
    }
    json(404, { error: 'no such thing' });
  });
};

/** The requests a test makes, in order; each answer as status, content type and body hash. */
const script: [import('undici').Dispatcher.HttpMethod, string][] = [
  ['GET', '/items/1'],
  ['GET', '/items/2'],
  ['GET', '/search?q=a'],
  ['GET', '/search?q=b'],
  ['POST', '/orders'],
  ['GET', '/items/1'],
  ['POST', '/orders'],
  ['GET', '/logo.png'],
  ['GET', '/readme'],
  ['GET', '/missing'],
];

async function play(base: string): Promise<string[]> {
  const out: string[] = [];
  for (const [method, path] of script) {
    const answer = await request(`${base}${path}`, {
      method,
      body: method === 'POST' ? '{"sku":"x"}' : undefined,
      headers: { 'content-type': 'application/json' },
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    out.push(`${method} ${path} → ${answer.statusCode} ${answer.headers['content-type']} ${sha256(body)}`);
  }
  return out;
}

describe('recording into a mock', () => {
  it('writes a mock file that answers the same requests the same way, with faulted exchanges left out', async () => {
    const up = await upstream(service);
    closers.push(up.close);
    const proxies = new HttpProxyRegistry();
    closers.push(() => proxies.closeAll());
    const proxy = await startHttpProxy(proxies, up.url, { name: 'shop' });

    proxy.startRecording();
    stock = 5;
    const real = await play(proxy.url);
    // A faulted exchange is the proxy's answer, not the upstream's: never recorded.
    const outage = proxies.addFault('shop', fault({ status: 503 }));
    expect((await request(`${proxy.url}/items/9`)).statusCode).toBe(503);
    proxies.removeFault('shop', outage);
    const recording = proxy.stopRecording()!;
    expect(recording.size).toBe(script.length);

    const dir = mkdtempSync(join(tmpdir(), 'cg-rec-'));
    const recorded = recording.toMock('shop', '127.0.0.1:0', 'shop.bodies');
    await writeRecordedMock(recorded, join(dir, 'mocks', 'shop.yml'), 'http proxy "shop"');
    const text = readFileSync(join(dir, 'mocks', 'shop.yml'), 'utf8');
    expect(text).toMatch(/^# Recorded by chaos-gate from http proxy "shop": 10 exchanges/);
    // Volatile headers are dropped, stable ones kept; JSON stays JSON.
    expect(text).not.toContain('x-request-id');
    expect(text).toContain('x-api-version');
    expect(text).toContain('json:');

    // Loaded back as a `mocks:` entry from the config's folder, with the listen address overridden.
    const mocks = new MockRegistry();
    closers.push(() => mocks.closeAll());
    const mock = await mocks.create(mockSchema(dir).parse({ file: 'mocks/shop.yml', listen: '127.0.0.1:0' }));
    stock = 5;
    expect(await play(mock.url)).toEqual(real);

    // An id not recorded gets the path template's route: the last item answer.
    const unseen = await request(`${mock.url}/items/77`);
    expect(unseen.statusCode).toBe(200);
    expect(await unseen.body.json()).toMatchObject({ id: 1 });
  });

  it('turns id-like path segments into parameters', () => {
    expect(template('/v1/items/42/parts/9f86d081884c7d65')).toBe('/v1/items/{id}/parts/{id2}');
    expect(template('/v1/users/550e8400-e29b-41d4-a716-446655440000')).toBe('/v1/users/{id}');
    expect(template('/v1/users/me/settings')).toBe('/v1/users/me/settings');
  });

  it('says why a mock file cannot be used, at the entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-rec-'));
    const missing = mockSchema(dir).safeParse({ file: 'nope.yml' });
    expect(missing.success).toBe(false);
    expect(missing.error!.issues[0]).toMatchObject({ path: ['file'], message: expect.stringContaining('cannot read the mock file') });
  });
});
