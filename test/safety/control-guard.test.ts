/**
 * The control API's guards: it listens on loopback by default; with `control.token` every call
 * needs `Authorization: Bearer …`; a browser's cross-site request is refused (Toxiproxy refuses
 * `User-Agent: Mozilla/`; we also refuse `Origin` and `Sec-Fetch-Site: cross-site`), checked with
 * raw HTTP and with a real headless Chromium on another origin.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { parseConfig } from '../../src/config/load.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockFaultSchema, mockSchema } from '../../src/mock/schema.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema, toxicSchema } from '../../src/proxy/schema.js';
import { listeningOf } from '../helpers/leftovers.js';
import { connectResult } from '../helpers/live.js';

const TOKEN = 's3cret-control-token';

interface World {
  control: ControlServer;
  proxies: ProxyRegistry;
  mocks: MockRegistry;
  port: number;
}

async function world(options: { token?: string; listen?: string } = {}): Promise<World> {
  const proxies = new ProxyRegistry();
  const mocks = new MockRegistry();
  await proxies.create(proxySchema.parse({ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:5432' }));
  await mocks.create(
    mockSchema(process.cwd()).parse({ name: 'llm', listen: '127.0.0.1:0', routes: [{ request: { path: '/ping' }, respond: [{ status: 200 }] }] }),
  );
  const metrics = new MetricSet();
  const control = new ControlServer({
    listen: options.listen ?? '127.0.0.1:0',
    token: options.token,
    router: controlRouter({ proxies, mocks, currentMetrics: () => metrics }),
  });
  await control.start();
  return { control, proxies, mocks, port: Number(new URL(control.url).port) };
}

async function close(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.control.stop();
  await w.mocks.closeAll();
  await w.proxies.closeAll();
}

/** One raw HTTP call with exactly these headers (no client adds its own). */
function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; json: { error: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every endpoint of the API (DESIGN.md), each with a body that would change something. */
const ENDPOINTS: [string, string, unknown?][] = [
  ['GET', '/version'],
  ['GET', '/metrics'],
  ['POST', '/metrics', [{ name: 'x', type: 'counter', value: 1 }]],
  ['POST', '/reset'],
  ['POST', '/populate', [{ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }]],
  ['GET', '/proxies'],
  ['POST', '/proxies', { name: 'new', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }],
  ['GET', '/proxies/db'],
  ['POST', '/proxies/db', { enabled: false }],
  ['PATCH', '/proxies/db', { enabled: false }],
  ['DELETE', '/proxies/db'],
  ['POST', '/proxies/db/close'],
  ['GET', '/proxies/db/connections'],
  ['GET', '/proxies/db/toxics'],
  ['POST', '/proxies/db/toxics', { name: 'lag', type: 'latency', attributes: { latency: 1000 } }],
  ['GET', '/proxies/db/toxics/lag'],
  ['POST', '/proxies/db/toxics/lag', { attributes: { latency: 1 } }],
  ['DELETE', '/proxies/db/toxics/lag'],
  ['GET', '/mocks'],
  ['POST', '/mocks', { name: 'new', listen: '127.0.0.1:0', routes: [] }],
  ['GET', '/mocks/llm'],
  ['DELETE', '/mocks/llm'],
  ['POST', '/mocks/llm/reset'],
  ['GET', '/mocks/llm/faults'],
  ['POST', '/mocks/llm/faults', { status: 503 }],
  ['DELETE', '/mocks/llm/faults'],
  ['GET', '/mocks/llm/requests'],
  ['DELETE', '/mocks/llm/requests'],
  ['GET', '/nothing/here'],
];

const json = (body: unknown) => (body === undefined ? undefined : JSON.stringify(body));

/** What the API's state looks like, to prove a refused call changed nothing. */
function snapshot(w: World): string {
  return JSON.stringify({ proxies: w.proxies.list().map((p) => p.toJSON()), mocks: w.mocks.list().map((m) => ({ name: m.name, faults: m.faults.length })) });
}

describe('the control API listens on loopback by default', () => {
  let w: World | undefined;
  afterEach(() => close(w));

  it('the config default is 127.0.0.1:8474', () => {
    expect(parseConfig('version: 1\n', 'chaos-gate.yml').config.control.listen).toBe('127.0.0.1:8474');
  });

  it('bound to 127.0.0.1 only: no other interface of this machine reaches it', async () => {
    // The default host, on a free port (8474 itself may be taken by another run on this machine).
    const host = parseConfig('version: 1\n', 'chaos-gate.yml').config.control.listen.split(':')[0];
    w = await world({ listen: `${host}:0` });
    expect(listeningOf(process.pid).filter((a) => a.endsWith(`:${w!.port}`))).toEqual([`127.0.0.1:${w.port}`]);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of external) expect(await connectResult(w.port, address), address).toBe('ECONNREFUSED');
  });
});

describe('control.token', () => {
  let w: World;
  beforeEach(async () => {
    w = await world({ token: TOKEN });
  });
  afterEach(() => close(w));

  it('every endpoint refuses a call without the token, or with a wrong one, and changes nothing', async () => {
    const before = snapshot(w);
    const wrong = [
      undefined,
      'Bearer',
      'Bearer ',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `bearer${TOKEN}`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
      TOKEN,
      `Token ${TOKEN}`,
    ];
    for (const [method, path, body] of ENDPOINTS) {
      for (const authorization of wrong) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (authorization !== undefined) headers.authorization = authorization;
        const answer = await call(w.port, method, path, headers, json(body));
        expect(answer, `${method} ${path} with ${authorization ?? 'no authorization'}`).toEqual({
          status: 401,
          json: { error: 'missing or wrong bearer token', status: 401 },
        });
      }
    }
    expect(snapshot(w)).toBe(before);
    expect(w.proxies.get('db').enabled).toBe(true);
  });

  it('the right token is let through', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    expect(await call(w.port, 'GET', '/version', auth)).toEqual({ status: 200, json: { version: expect.any(String) } });
    expect((await call(w.port, 'POST', '/proxies/db/toxics', auth, json({ name: 'lag', type: 'latency', attributes: { latency: 10 } }))).status).toBe(200);
    expect(
      w.proxies
        .get('db')
        .toxicList()
        .map((t) => t.name),
    ).toEqual(['lag']);
  });
});

describe('cross-site requests from browsers are refused', () => {
  let w: World;
  beforeEach(async () => {
    w = await world({ token: TOKEN });
  });
  afterEach(() => close(w));

  const browserish: [string, Record<string, string>][] = [
    [
      'a browser user agent (as Toxiproxy)',
      { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36' },
    ],
    ['an Origin header', { origin: 'https://evil.example' }],
    ['an Origin of null (a sandboxed frame, a file: page)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }],
  ];

  for (const [what, headers] of browserish) {
    it(`with ${what}, on every endpoint, even with the right token`, async () => {
      const before = snapshot(w);
      for (const [method, path, body] of ENDPOINTS) {
        const answer = await call(w.port, method, path, { ...headers, authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' }, json(body));
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.json.error).toMatch(/User agent not allowed|cross-site requests are not allowed/);
      }
      expect(snapshot(w)).toBe(before);
    });
  }
});

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('a real browser page on another origin cannot drive the API', () => {
  let browser: Browser;
  let w: World;
  let site: Server;
  let sitePort: number;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
    // The attacker's page: another origin (another port) on this very machine.
    site = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    sitePort = (site.address() as { port: number }).port;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
  });
  beforeEach(async () => {
    w = await world(); // no token: the browser guard alone must hold
  });
  afterEach(() => close(w));

  it('simple requests (no preflight), form posts and beacons change nothing', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${sitePort}/`);
      const api = `http://127.0.0.1:${w.port}`;
      // State the page's POST /reset would wipe.
      w.proxies.addToxic('db', toxicSchema.parse({ name: 'existing', type: 'latency', attributes: { latency: 1 } }));
      w.mocks.addFault('llm', mockFaultSchema.parse({ status: 500 }));
      const before = snapshot(w);
      const answers = await page.evaluate(async (base: string) => {
        const toxic = JSON.stringify({ name: 'pwned', type: 'latency', attributes: { latency: 5000 } });
        const tries = [
          fetch(`${base}/proxies/db/toxics`, { method: 'POST', mode: 'no-cors', body: toxic, headers: { 'content-type': 'text/plain' } }).then((r) => r.type),
          fetch(`${base}/mocks/llm/faults`, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ status: 503 }) }).then((r) => r.type),
          fetch(`${base}/proxies/db`, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ enabled: false }) }).then((r) => r.type),
          fetch(`${base}/proxies/db`, { method: 'DELETE' }).then(
            (r) => r.status,
            (e: Error) => e.name,
          ),
          fetch(`${base}/proxies`).then(
            (r) => r.status,
            (e: Error) => e.name,
          ),
        ];
        (navigator as unknown as { sendBeacon(url: string, body: string): boolean }).sendBeacon(`${base}/proxies/db/toxics`, toxic);
        // The page's DOM, typed by hand: tsconfig has no DOM lib (the rest of the project is Node).
        const { document } = globalThis as unknown as {
          document: { createElement(tag: string): { submit(): void }; body: { append(...nodes: object[]): void } };
        };
        const form = Object.assign(document.createElement('form'), { method: 'POST', action: `${base}/reset`, enctype: 'text/plain', target: 'sink' });
        document.body.append(Object.assign(document.createElement('iframe'), { name: 'sink' }), form);
        form.submit();
        return Promise.all(tries);
      }, api);
      // Opaque answers to no-cors posts, CORS failures for the rest: the page learns nothing either.
      expect(answers).toEqual(['opaque', 'opaque', 'opaque', 'TypeError', 'TypeError']);
      await page.waitForTimeout(300); // the beacon and the form post land
      expect(snapshot(w)).toBe(before);
      expect(
        w.proxies
          .get('db')
          .toxicList()
          .map((t) => t.name),
      ).toEqual(['existing']);
      expect(w.proxies.get('db').enabled).toBe(true);
    } finally {
      await page.close();
    }
  });
});
