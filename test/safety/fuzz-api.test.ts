/**
 * Fuzzing the control API over real HTTP (fast-check, fixed seed): random methods, paths, queries
 * and bodies against a running ControlServer with proxies and mocks. Every answer is 2xx or 4xx
 * (never a 500), JSON with an `error` naming the problem when 4xx, within a bound (never a hang),
 * and the server keeps serving afterwards — garbage on the socket included.
 */
import fc from 'fast-check';
import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockSchema } from '../../src/mock/schema.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema } from '../../src/proxy/schema.js';

const SEED = 20261123;
/** No call may take longer; waits the fuzzer asks for are at most 200 ms. */
const ANSWER_WITHIN_MS = 3000;

let echoAddress: string;
let control: ControlServer;
let proxies: ProxyRegistry;
let mocks: MockRegistry;
let echo: Server;
let port: number;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoAddress = `127.0.0.1:${(echo.address() as { port: number }).port}`;
  proxies = new ProxyRegistry({ faultTtlMs: 60_000 });
  mocks = new MockRegistry({ faultTtlMs: 60_000 });
  await restore();
  const metrics = new MetricSet();
  control = new ControlServer({ listen: '127.0.0.1:0', router: controlRouter({ proxies, mocks, currentMetrics: () => metrics }) });
  await control.start();
  port = Number(new URL(control.url).port);
});

afterAll(async () => {
  await control?.stop();
  await mocks?.closeAll();
  await proxies?.closeAll();
  await new Promise((resolve) => echo?.close(resolve));
});

/** The proxies and the mock every run starts with, fresh: whatever the run before deleted, moved or broke. */
async function restore(): Promise<void> {
  await proxies.closeAll();
  await mocks.closeAll();
  await proxies.create(proxySchema.parse({ name: 'db', listen: '127.0.0.1:0', upstream: echoAddress }));
  await proxies.create(
    proxySchema.parse({ name: 'cache', listen: '127.0.0.1:0', upstream: echoAddress, toxics: [{ name: 'slow', type: 'latency', attributes: { latency: 1 } }] }),
  );
  await mocks.create(
    mockSchema(process.cwd()).parse({
      name: 'llm',
      listen: '127.0.0.1:0',
      routes: [
        {
          name: 'chat',
          request: { method: 'POST', path: '/v1/chat' },
          respond: [
            { status: 503, times: 1 },
            { status: 200, json: { ok: true } },
          ],
        },
      ],
    }),
  );
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

function call(method: string, path: string, body: string | undefined): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Framed by content-length: Node sends a GET's body unframed otherwise, which no server can parse.
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type'] ?? ''), text, ms: performance.now() - started }));
    });
    req.setTimeout(ANSWER_WITHIN_MS, () => req.destroy(new Error(`${method} ${path} did not answer within ${ANSWER_WITHIN_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

// ── what the fuzzer sends ─────────────────────────────────────────────────────────────────────
const names = fc.constantFrom(
  'db',
  'cache',
  'llm',
  'slow',
  'new',
  'chat',
  '0',
  'latency_downstream',
  '',
  '..',
  '%2F',
  '%zz',
  '%00',
  'ü',
  'a b',
  'x'.repeat(300),
);
const segment = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('proxies', 'toxics', 'mocks', 'faults', 'requests', 'reset', 'populate', 'version', 'metrics', 'close', 'connections'),
  },
  { weight: 2, arbitrary: names },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) },
);
// Mostly the API's own endpoints with names filled in (so calls get past routing), sometimes anything.
const ENDPOINTS = [
  'GET /version',
  'GET /metrics',
  'POST /metrics',
  'POST /reset',
  'POST /populate',
  'GET /proxies',
  'POST /proxies',
  'GET /proxies/P',
  'POST /proxies/P',
  'PATCH /proxies/P',
  'DELETE /proxies/P',
  'GET /proxies/P/toxics',
  'POST /proxies/P/toxics',
  'GET /proxies/P/toxics/T',
  'POST /proxies/P/toxics/T',
  'PATCH /proxies/P/toxics/T',
  'DELETE /proxies/P/toxics/T',
  'POST /proxies/P/close',
  'GET /proxies/P/connections',
  'GET /mocks',
  'POST /mocks',
  'GET /mocks/M',
  'DELETE /mocks/M',
  'POST /mocks/M/reset',
  'GET /mocks/M/faults',
  'POST /mocks/M/faults',
  'DELETE /mocks/M/faults',
  'DELETE /mocks/M/faults/T',
  'GET /mocks/M/requests',
  'DELETE /mocks/M/requests',
];
const endpoint = fc
  .record({
    endpoint: fc.constantFrom(...ENDPOINTS),
    p: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('db', 'cache') }, { weight: 1, arbitrary: names }),
    m: fc.oneof({ weight: 4, arbitrary: fc.constant('llm') }, { weight: 1, arbitrary: names }),
    t: fc.oneof(fc.constantFrom('slow', 'latency_downstream', '1', '2', '3'), names),
  })
  .map(({ endpoint, p, m, t }) => {
    const [method, route] = endpoint.split(' ');
    return { method, path: route.replace('P', p).replace('M', m).replace('T', t) };
  });
const anything = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'),
  path: fc.array(segment, { minLength: 0, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
});
// Spaces and non-ASCII are escaped as a client must; %zz, %00 and .. stay as they are.
const target = fc
  .oneof({ weight: 4, arbitrary: endpoint }, { weight: 1, arbitrary: anything })
  .map((t) => ({ ...t, path: t.path.replace(/[^\x21-\x7e]/g, encodeURIComponent) }));

// Waits are the API's feature, so they are asked for briefly: a `wait` always comes with a short `timeout`.
const query = fc.oneof(
  fc.constant(''),
  fc
    .record({ wait: fc.oneof(fc.nat(3).map(String), fc.string({ maxLength: 4 })), timeout: fc.nat(200).map(String) })
    .map((q) => `?wait=${encodeURIComponent(q.wait)}&timeout=${q.timeout}`),
  fc
    .record({
      method: fc.string({ maxLength: 5 }),
      status: fc.oneof(fc.nat(600).map(String), fc.string({ maxLength: 3 })),
      matched: fc.constantFrom('true', 'false', 'maybe'),
    })
    .map((q) => `?${new URLSearchParams(q)}`),
  fc.string({ maxLength: 20 }).map((s) => `?${encodeURIComponent(s)}`),
);

// Listen addresses are chosen, not random: the fuzzer must not take ports other tests on this machine use.
const listen = fc.constantFrom('127.0.0.1:0', 'localhost:0', '[::1]:0', '', 'nope', '127.0.0.1:99999', '256.1.1.1:0', '8.8.8.8:0', '127.0.0.1:-1', 42);
// Upstreams are addresses or reserved names: a random name would wait on DNS.
const upstream = fc.constantFrom('127.0.0.1:1', 'localhost:5432', 'db.invalid:5432', '[::1]:9', ':', '127.0.0.1', 'x:y', '', null);
const number = fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double(), fc.constantFrom(1e308, -0, 0.5), fc.string({ maxLength: 4 }));
const toxicType = fc.constantFrom(
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
  'stall',
  'blackhole',
  'close_on_data',
  'corrupt',
  'limit_time',
  'nope',
  '',
  7,
);
const attributes = fc.dictionary(
  fc.constantFrom('latency', 'jitter', 'rate', 'delay', 'timeout', 'bytes', 'average_size', 'size_variation', 'probability', 'time', 'extra'),
  number,
  { maxKeys: 4 },
);
const toxic = fc.record(
  {
    name: fc.oneof(names, fc.string({ maxLength: 8 })),
    type: toxicType,
    stream: fc.constantFrom('upstream', 'downstream', 'sideways'),
    toxicity: fc.oneof(fc.double({ min: -1, max: 2 }), fc.string({ maxLength: 3 })),
    attributes: fc.oneof(attributes, fc.constant(null), fc.string({ maxLength: 3 })),
    seed: number,
  },
  { requiredKeys: [] },
);
const proxy = fc.record(
  {
    name: names,
    listen,
    upstream,
    enabled: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
    accepting: fc.boolean(),
    toxics: fc.array(toxic, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const mockFault = fc.record(
  {
    route: fc.oneof(names, fc.nat(3)),
    status: fc.oneof(fc.integer({ min: 0, max: 700 }), fc.string({ maxLength: 3 })),
    json: fc.jsonValue({ maxDepth: 2 }),
    delay: number,
    times: number,
    probability: number,
    fault: fc.constantFrom('reset', 'empty', 'hang', 'malformed', 'nope'),
  },
  { requiredKeys: [] },
);
const mock = fc.record(
  {
    name: names,
    listen,
    routes: fc.array(
      fc.record(
        {
          request: fc.record({ method: fc.constantFrom('GET', 'POST', 7), path: fc.constantFrom('/a', '', 'x') }, { requiredKeys: [] }),
          respond: fc.array(mockFault, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const metricLine = fc.record(
  {
    name: fc.oneof(fc.constantFrom('deadlocks', 'x'), fc.string({ maxLength: 6 })),
    type: fc.constantFrom('counter', 'gauge', 'rate', 'trend', 'histogram'),
    value: fc.oneof(number, fc.boolean()),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc.oneof(toxic, proxy, mockFault, mock, fc.array(proxy, { maxLength: 3 }), fc.array(metricLine, { maxLength: 3 })).map((v) => JSON.stringify(v)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(metricLine, { maxLength: 3 }).map((lines) => lines.map((l) => JSON.stringify(l)).join('\n')) },
);
const callArb = fc.record({ target, query, body }).map(({ target, query, body }) => ({ ...target, query, body }));

/** The API's contract for one answer. */
function expectContract(c: { method: string; path: string; query: string; body?: string }, answer: Answer): void {
  const what = `${c.method} ${c.path}${c.query} ${c.body ?? ''}`.slice(0, 300);
  expect(answer.status >= 200 && answer.status < 500, `${what} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(true);
  expect(answer.status >= 300 && answer.status < 400, what).toBe(false);
  if (c.method === 'HEAD' || answer.status === 204) return;
  if (answer.status >= 400) {
    expect(answer.contentType, `${what} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe('application/json');
    const json = JSON.parse(answer.text);
    expect(json.status, what).toBe(answer.status);
    expect(typeof json.error === 'string' && json.error.length > 0, `${what}: error names the problem`).toBe(true);
  } else if (answer.contentType === 'application/json') {
    JSON.parse(answer.text);
  } else {
    // Only the Prometheus text is not JSON.
    expect(`${c.method} ${new URL(c.path, 'http://x').pathname.replace(/\/+$/, '')}`, what).toBe('GET /metrics');
  }
}

describe('fuzzing the control API over HTTP', () => {
  it('answers every call 2xx or 4xx with a named error, within the bound, and keeps serving', async () => {
    let slowest = 0;
    let calls = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc
        .asyncProperty(fc.array(callArb, { minLength: 1, maxLength: 6 }), async (sequence) => {
          for (const c of sequence) {
            const answer = await call(c.method, c.path + c.query, c.body);
            calls++;
            slowest = Math.max(slowest, answer.ms);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            expectContract(c, answer);
          }
        })
        .beforeEach(restore),
      { seed: SEED, numRuns: 500 },
    );
    console.log(`control API fuzz: ${calls} calls, slowest ${Math.round(slowest)} ms, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    // Still serving (how fast is bench/proxy.bench.ts's business).
    const version = await call('GET', '/version', undefined);
    expect(version.status).toBe(200);
    // 500 sequences: 8 s on an idle machine, over 60 s with both cores busy.
  }, 240_000);

  it('survives garbage on the socket and still answers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.string({ maxLength: 200 }).map((s) => Buffer.from(`${s}\r\n\r\n`)),
          fc.constantFrom(
            Buffer.from('GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n'),
            Buffer.from('POST /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
            Buffer.from(`GET /${'a'.repeat(20_000)} HTTP/1.1\r\n\r\n`),
          ),
        ),
        async (bytes) => {
          await new Promise<void>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port });
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
            socket.setTimeout(500, () => socket.destroy());
            socket.on('data', () => undefined);
            socket.end(bytes);
          });
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
    const version = await call('GET', '/version', undefined);
    expect(version.status).toBe(200);
  }, 60_000);
});
