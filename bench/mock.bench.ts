/**
 * Mock speed against its ceiling and its peer, measured in one run with one load tool:
 *
 *   autocannon (this process, 50 connections) ──► child process: bare Node http | chaos-gate mock | WireMock
 *
 * - throughput: a small static JSON. The mock serves it from a route that matches a method, a
 *   path template and a header among 8 routes, with its journal on. Target ≥ 0.7× bare Node.
 * - server CPU per request (from /proc), which holds even when the load tool is the limit.
 * - startup to first answer: in a running process `MockRegistry.create()` until the route first
 *   answers 200 (target < 100 ms); and process spawn until then (Node boot and zod included).
 * - WireMock (npm `wiremock`, its jar on Java 17), installed into .tmp/ at bench time, with
 *   the same stubs; printed beside, or the reason it could not be.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockRegistry } from '../src/mock/registry.js';
import { mockSchema } from '../src/mock/schema.js';
import { freePort } from './free-port.js';

const CONNECTIONS = 50;
const WARMUP_S = 1;
const MEASURE_S = 5;
const ROUNDS = 2;
const STARTUPS = 5;
/** Node's on-disk bytecode cache (module.enableCompileCache), as a CLI can turn on. */
const COMPILE_CACHE = { NODE_COMPILE_CACHE: resolve('.tmp/node-compile-cache') };
/** The JVM reaches its speed late on 2 cores; it gets this long first. */
const WIREMOCK_WARMUP_S = 15;

const ITEM = { id: 'sku-123', name: 'Walking shoe', price: 42.5, currency: 'EUR', in_stock: true };
const PATH = '/v1/items/sku-123';
const HEADERS = { accept: 'application/json' };

/** A payment-like API: the measured route sits among others, as in a real mock. */
const MOCK = {
  name: 'shop',
  routes: [
    { request: { method: 'POST', path: '/v1/charges' }, respond: { status: 201, json: { id: 'ch_1' } } },
    { request: { method: 'POST', path: '/v1/refunds' }, respond: { status: 201, json: { id: 're_1' } } },
    { request: { method: 'GET', path: '/v1/customers/{id}' }, respond: { json: { id: 'cus_1' } } },
    { request: { method: 'GET', path: '/v1/items' }, respond: { json: { data: [] } } },
    { request: { method: 'GET', path: '/v1/items/{id}', headers: { accept: { regex: 'application/json.*' } } }, respond: { json: ITEM } },
    { request: { method: 'DELETE', path: '/v1/items/{id}' }, respond: { status: 204 } },
    { request: { method: 'GET', path: '/health' }, respond: { body: 'ok' } },
    { request: { path: { regex: '/v1/admin/.*' } }, respond: { status: 403 } },
  ],
};

interface LoadResult {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Server CPU (user + system) per answered request, in µs: a cost that does not hang on the load tool keeping up. */
  cpuUs: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
}>;

/** Linux clock ticks per second, for /proc/<pid>/stat. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** The ceiling: Node's http answering the same bytes, as a script of its own (it loads nothing else). */
const BARE_SERVER = `
const body = Buffer.from(${JSON.stringify(JSON.stringify(ITEM))});
require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  })
  .listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === 'serve') await serveMock(Number(process.argv[3]));
else await main();

/** Child mode: the mock validated from its definition and listening on `port`; "ready" on stdout. */
async function serveMock(port: number): Promise<void> {
  await new MockRegistry().create(mockSchema(process.cwd()).parse({ ...MOCK, listen: `127.0.0.1:${port}` }));
  console.log('ready');
}

/** Loaded in the parent only: autocannon takes ~180 ms to load, which must not count in a child's startup. */
function autocannon(options: Record<string, unknown>): ReturnType<Autocannon> {
  return (createRequire(import.meta.url)('autocannon') as Autocannon)(options);
}

/** The command that starts a server child on `port`. */
function serverCommand(kind: 'bare' | 'mock', port: number): string[] {
  return kind === 'bare' ? ['-e', BARE_SERVER, String(port)] : [here, 'serve', String(port)];
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${CONNECTIONS} connections, ${WARMUP_S}s warm-up + ${MEASURE_S}s per run, ${ROUNDS} rounds; GET ${PATH}`);

  const startup = { bare: [] as number[], mock: [] as number[], cached: [] as number[], inProcess: [] as number[] };
  await spawnStartup('mock', COMPILE_CACHE); // fills the cache
  for (let i = 0; i < STARTUPS; i++) {
    startup.bare.push(await spawnStartup('bare'));
    startup.mock.push(await spawnStartup('mock'));
    startup.cached.push(await spawnStartup('mock', COMPILE_CACHE));
    startup.inProcess.push(await inProcessStartup());
  }
  console.log(`\nstartup to first answer (median of ${STARTUPS})`);
  console.log(`  mock, in a running process: create() → first 200   ${median(startup.inProcess).toFixed(1)} ms   (target < 100 ms)`);
  console.log(`  process spawn → first 200, bare node http           ${median(startup.bare).toFixed(1)} ms   (node boot)`);
  console.log(`  process spawn → first 200, chaos-gate mock          ${median(startup.mock).toFixed(1)} ms   (node boot + zod + validate + compile + listen)`);
  console.log(`    the same with NODE_COMPILE_CACHE                  ${median(startup.cached).toFixed(1)} ms`);

  const runs: Record<'bare' | 'mock', LoadResult[]> = { bare: [], mock: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of ['bare', 'mock'] as const) {
      const port = await freePort();
      const child = await startChild(kind, port);
      try {
        runs[kind].push(await load(`http://127.0.0.1:${port}${PATH}`, child.pid!));
      } finally {
        child.kill();
      }
    }
  }
  const bare = mean(runs.bare);
  const mock = mean(runs.mock);
  console.log('\nthroughput (mean of rounds)');
  console.log(row('bare node http', bare));
  console.log(row('chaos-gate mock', mock));
  console.log(
    `  ratio mock / bare node: ${(mock.rps / bare.rps).toFixed(2)}× req/s   (target ≥ 0.70×); ${(bare.cpuUs / mock.cpuUs).toFixed(2)}× by server CPU per request`,
  );

  const wiremock = await benchWiremock().catch((error: Error) => error);
  if (wiremock instanceof Error) console.log(`\nWireMock: not measured: ${wiremock.message}`);
  else {
    console.log(`\nWireMock ${wiremock.version} (Java 17, same stubs; its best case: journal off, ${WIREMOCK_WARMUP_S}s JIT warm-up)`);
    console.log(`  process startup to first answer  ${wiremock.startupMs.toFixed(0)} ms`);
    console.log(row('WireMock', wiremock.load));
    console.log(
      `  chaos-gate mock / WireMock: ${(mock.rps / wiremock.load.rps).toFixed(2)}× req/s, ${(wiremock.load.cpuUs / mock.cpuUs).toFixed(1)}× less CPU per request, process startup ${(wiremock.startupMs / median(startup.mock)).toFixed(0)}× faster`,
    );
  }
}

function row(name: string, result: LoadResult): string {
  const cpu = `${result.cpuUs.toFixed(1)} µs CPU/req`;
  return `  ${name.padEnd(18)} ${result.rps.toFixed(0).padStart(7)} req/s   ${cpu.padStart(17)}   p99 ${result.p99.toFixed(1)} ms   non-2xx ${result.non2xx}   errors ${result.errors}`;
}

/** Warms up, then measures `url` while reading the server process's CPU time. */
async function load(url: string, serverPid: number): Promise<LoadResult> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, headers: HEADERS });
  const cpuBefore = cpuMs(serverPid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: MEASURE_S, headers: HEADERS });
  const cpuUs = ((cpuMs(serverPid) - cpuBefore) * 1000) / Math.max(1, result.requests.total);
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, cpuUs };
}

/** User + system CPU of a process so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function mean(results: LoadResult[]): LoadResult {
  const avg = (pick: (r: LoadResult) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return { rps: avg((r) => r.rps), p99: avg((r) => r.p99), non2xx: avg((r) => r.non2xx), errors: avg((r) => r.errors), cpuUs: avg((r) => r.cpuUs) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Spawn → first 200 of a server child, in ms; `env` adds variables (the compile cache). */
async function spawnStartup(kind: 'bare' | 'mock', env: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, serverCommand(kind, port), { stdio: 'ignore', env: { ...process.env, ...env } });
  try {
    await firstAnswer(`http://127.0.0.1:${port}${PATH}`, 5000);
    return performance.now() - started;
  } finally {
    child.kill();
  }
}

async function inProcessStartup(): Promise<number> {
  const mocks = new MockRegistry();
  const started = performance.now();
  const mock = await mocks.create(mockSchema(process.cwd()).parse({ ...MOCK, listen: '127.0.0.1:0' }));
  const response = await fetch(mock.url + PATH, { headers: HEADERS });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  await mocks.closeAll();
  return elapsed;
}

async function startChild(kind: 'bare' | 'mock', port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, serverCommand(kind, port), { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((done, fail) => {
    child.stdout!.once('data', () => done());
    child.once('exit', (code) => fail(new Error(`${kind} server exited with ${code}`)));
  });
  return child;
}

/** Polls every 2 ms until the URL answers 200 (connection refused until the server listens). */
async function firstAnswer(url: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const status = await fetch(url, { headers: HEADERS }).then(
      async (r) => (await r.arrayBuffer(), r.status),
      () => 0,
    );
    if (status === 200) return;
    await new Promise((done) => setTimeout(done, 2));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Installs npm `wiremock` into .tmp/wiremock (once), runs its jar with the same stubs, and loads it. */
async function benchWiremock(): Promise<{ version: string; startupMs: number; load: LoadResult }> {
  const prefix = resolve('.tmp/wiremock');
  // The devDependency's jar when it is installed; else one installed into .tmp/ once.
  const devDependency = resolve('node_modules/wiremock/build');
  const build = existsSync(devDependency) ? devDependency : join(prefix, 'node_modules/wiremock/build');
  if (!existsSync(build)) {
    mkdirSync(prefix, { recursive: true });
    try {
      execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'wiremock@3'], { stdio: 'ignore', timeout: 180_000 });
    } catch (error) {
      throw new Error(`npm install wiremock failed (${(error as Error).message.split('\n')[0]})`, { cause: error });
    }
  }
  const jar = readdirSync(build).find((f) => f.endsWith('.jar'));
  if (!jar) throw new Error(`no jar in ${build}`);
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('java is not installed (WireMock needs Java 11+)');
  }
  const root = resolve('.tmp/wiremock/root');
  mkdirSync(join(root, 'mappings'), { recursive: true });
  writeFileSync(join(root, 'mappings/shop.json'), JSON.stringify({ mappings: wiremockStubs() }));
  const port = await freePort();
  const started = performance.now();
  const java = spawn(
    'java',
    // Its journal off: capped, it walks the whole queue per request and falls well below 1000 req/s here.
    ['-jar', join(build, jar), '--port', String(port), '--bind-address', '127.0.0.1', '--root-dir', root, '--disable-banner', '--no-request-journal'],
    { stdio: 'ignore' },
  );
  try {
    await firstAnswer(`http://127.0.0.1:${port}${PATH}`, 60_000);
    const startupMs = performance.now() - started;
    await autocannon({ url: `http://127.0.0.1:${port}${PATH}`, connections: CONNECTIONS, duration: WIREMOCK_WARMUP_S, headers: HEADERS });
    return { version: jar.replace(/^wiremock-standalone-|\.jar$/g, ''), startupMs, load: await load(`http://127.0.0.1:${port}${PATH}`, java.pid!) };
  } finally {
    java.kill();
  }
}

/** The same routes as MOCK, in WireMock's mapping format. */
function wiremockStubs(): unknown[] {
  const json = (status: number, body: unknown) => ({ status, jsonBody: body, headers: { 'Content-Type': 'application/json' } });
  return [
    { request: { method: 'POST', urlPath: '/v1/charges' }, response: json(201, { id: 'ch_1' }) },
    { request: { method: 'POST', urlPath: '/v1/refunds' }, response: json(201, { id: 're_1' }) },
    { request: { method: 'GET', urlPathTemplate: '/v1/customers/{id}' }, response: json(200, { id: 'cus_1' }) },
    { request: { method: 'GET', urlPath: '/v1/items' }, response: json(200, { data: [] }) },
    { request: { method: 'GET', urlPathTemplate: '/v1/items/{id}', headers: { Accept: { matches: 'application/json.*' } } }, response: json(200, ITEM) },
    { request: { method: 'DELETE', urlPathTemplate: '/v1/items/{id}' }, response: { status: 204 } },
    { request: { method: 'GET', urlPath: '/health' }, response: { status: 200, body: 'ok' } },
    { request: { urlPathPattern: '/v1/admin/.*' }, response: { status: 403 } },
  ];
}
