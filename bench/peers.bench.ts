/**
 * chaos-gate as users run it: the built CLI (dist/cli.js) as its own process, beside each peer as
 * its own process, in one run on this machine. Rounds alternate (chaos-gate, peer, chaos-gate,
 * peer…, the order reversed every other round) so that load elsewhere on the machine falls on
 * each alike; each figure is a median with its min–max, and its ratio is against the peer
 * measured in the same run.
 *
 *   this process (the client, the load tool's caller)
 *     ──► [ direct | pipe proxy | chaos-gate serve | toxiproxy-server ] ──► targets process (sink, echo, http)
 *     ──► [ chaos-gate run (load stage) | autocannon | wrk ] ──► targets process (bare node:http)
 *     ──► wrk ──► [ bare node:http | chaos-gate serve (mock) | WireMock | mountebank ]
 *
 * Peers that are not on the machine are named and skipped: Toxiproxy through TOXIPROXY_BIN (a
 * toxiproxy-server binary or the folder holding it) or /tmp/toxiproxy-bin; WireMock from the
 * `wiremock` devDependency (its jar) on `java`; mountebank installed into .tmp/ at bench time.
 * Sanity checks are asserted here: the sink must receive every byte sent, and echoes must match.
 *
 * `npm run bench -- peers`; about 6 minutes. CHAOS_GATE_BENCH_QUICK=1 runs fewer and shorter rounds,
 * CHAOS_GATE_BENCH_VERBOSE=1 prints each round's duration.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

const QUICK = process.env.CHAOS_GATE_BENCH_QUICK === '1';
const VERBOSE = process.env.CHAOS_GATE_BENCH_VERBOSE === '1';
const MIB = 1024 * 1024;
const TRANSFER = 512 * MIB;
const THROUGHPUT_ROUNDS = QUICK ? 3 : 5;
const RTT_MESSAGES = 20_000;
const RTT_ROUNDS = 5;
const CONNECTS = 500;
const LATENCY_MS = 100;
const LATENCY_CONNECTIONS = 8;
const LATENCY_ROUNDS = 40;
const LOAD_SECONDS = QUICK ? 4 : 8;
const LOAD_ROUNDS = 3;
const MOCK_SECONDS = QUICK ? 3 : 5;
const MOCK_ROUNDS = 3;
const START_ROUNDS = 21;
const RUN_ROUNDS = 7;
const WIREMOCK_WARMUP_S = 15;
const WORK = resolve('.tmp/bench/peers');
/** CHAOS_GATE_BENCH_CLI: another build's cli.js (a base ref's dist/, for before and after). */
const CLI = resolve(process.env.CHAOS_GATE_BENCH_CLI ?? 'dist/cli.js');
const NODE = process.execPath;

const ITEM = { id: 'sku-123', name: 'Walking shoe', price: 42.5, currency: 'EUR', in_stock: true };
const MOCK_PATH = '/v1/items/sku-123';

// ─── statistics and printing ───────────────────────────────────────────────────────────────────

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
};
/** "median (min–max)" of per-round figures, with `digits` decimals. */
const spread = (xs: number[], digits = 0) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

interface Row {
  figure: string;
  chaosGate: string;
  peers: string;
  ratio: string;
  goal: string;
  met?: boolean;
}
const rows: Row[] = [];
const notes: string[] = [];
const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? ' ✓' : ' ✗');

function printTable(): void {
  console.log('\n| figure | chaos-gate | peers (same run) | ratio | goal |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.figure} | ${r.chaosGate} | ${r.peers} | ${r.ratio} | ${r.goal}${mark(r.met)} |`);
  console.log('\nmedians of alternating rounds, (min–max) across rounds; ✓/✗: goal met or not in this run');
  for (const n of notes) console.log(`note: ${n}`);
}

/** Runs `subjects` in alternating order for `rounds` rounds; returns each one's per-round results. */
async function alternate<T>(subjects: string[], rounds: number, measure: (subject: string, round: number) => Promise<T>): Promise<Map<string, T[]>> {
  const results = new Map<string, T[]>(subjects.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
      const t0 = performance.now();
      results.get(subject)!.push(await measure(subject, round));
      if (VERBOSE) process.stderr.write(`  ${subject} round ${round + 1}/${rounds}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  }
  return results;
}

// ─── processes ─────────────────────────────────────────────────────────────────────────────────

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function start(command: string, args: string[], options: { ipc?: boolean; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    env: { ...process.env, ...options.env },
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Always drained: a peer that logs every connection (Toxiproxy) blocks once a pipe fills.
  child.stdout!.on('data', () => {});
  child.stderr!.on('data', () => {});
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Resolves with the output once `pattern` shows in stdout or stderr; rejects on exit or timeout. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output: ${text.slice(-500)}`)), timeoutMs);
    const onData = (data: Buffer) => {
      text += data.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${pattern}; output: ${text.slice(-500)}`));
    });
  });
}

async function http(method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.text();
      if (response.status < 500) return;
    } catch {
      if (performance.now() > until) throw new Error(`${url} did not answer in ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ─── TCP clients ───────────────────────────────────────────────────────────────────────────────

function split(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

async function open(address: string): Promise<Socket> {
  const [host, port] = split(address);
  const socket = connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Sends TRANSFER bytes to the sink through `address`; MiB/s until the sink's count comes back. Asserts the count. */
async function throughput(address: string): Promise<number> {
  const socket = await open(address);
  const chunk = Buffer.alloc(MIB, 7);
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(TRANSFER));
  let answer = '';
  const answered = new Promise<void>((resolve, reject) => {
    socket.on('data', (data: Buffer) => {
      answer += data.toString();
      if (answer.length >= 16) resolve();
    });
    socket.once('error', reject);
    socket.once('end', () => reject(new Error(`sanity: ${address} closed before the sink answered (${answer})`)));
  });
  const t0 = performance.now();
  socket.write(header);
  for (let sent = 0; sent < TRANSFER; sent += chunk.length) {
    if (!socket.write(chunk)) await once(socket, 'drain');
  }
  await answered;
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  if (Number(answer) !== TRANSFER) throw new Error(`sanity: sent ${TRANSFER} bytes through ${address}, the sink received ${answer || 'nothing'}`);
  return TRANSFER / MIB / seconds;
}

/** Round-trip times (µs) of `rounds` 64-byte messages in turn on one connection. Asserts each echo. */
async function pingPong(address: string, rounds: number): Promise<number[]> {
  const socket = await open(address);
  const message = Buffer.alloc(64);
  const samples: number[] = [];
  let got = 0;
  let t0 = 0;
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte !== samples.length % 251) reject(new Error(`sanity: echo through ${address} returned a wrong byte`));
      got += chunk.length;
      if (got < message.length) return;
      if (got > message.length) return reject(new Error(`sanity: echo through ${address} returned ${got} bytes for 64`));
      got = 0;
      samples.push((performance.now() - t0) * 1000);
      if (samples.length === rounds) return resolve();
      message.fill(samples.length % 251);
      t0 = performance.now();
      socket.write(message);
    });
    message.fill(0);
    t0 = performance.now();
    socket.write(message);
  });
  socket.destroy();
  return samples;
}

/** Times (µs) from connect() to the first 64-byte echo back, over `count` fresh connections in turn. */
async function connectAndFirstRoundTrip(address: string, count: number): Promise<number[]> {
  const [host, port] = split(address);
  const message = Buffer.alloc(64, 3);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const socket = connect({ host, port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      let got = 0;
      socket.once('error', reject);
      socket.once('connect', () => socket.write(message));
      socket.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= 64) resolve();
      });
    });
    samples.push((performance.now() - t0) * 1000);
    socket.destroy();
  }
  return samples;
}

// ─── proxies under test ────────────────────────────────────────────────────────────────────────

interface ProxySubject {
  name: string;
  /** Listening addresses in front of the sink and the echo. */
  sink: string;
  echo: string;
  /** Control API (Toxiproxy's), when it has one: toxics are added through it. */
  api?: string;
  child?: ChildProcess;
}

function toxiproxyBinary(): string | undefined {
  const given = process.env.TOXIPROXY_BIN;
  for (const candidate of [given, '/tmp/toxiproxy-bin']) {
    if (!candidate || !existsSync(candidate)) continue;
    return statSync(candidate).isDirectory() ? join(candidate, 'toxiproxy-server') : candidate;
  }
  return undefined;
}

async function startPipe(targets: Targets): Promise<ProxySubject> {
  const child = start(NODE, [resolve('bench/pipe-proxy.mjs'), targets.sink, targets.echo]);
  const out = await waitForOutput(child, /\n.*\n/);
  const [sink, echo] = out.trim().split('\n');
  return { name: 'pipe', sink, echo, child };
}

async function startChaosGateProxy(targets: Targets): Promise<ProxySubject> {
  const [control, sink, echo] = [await freePort(), await freePort(), await freePort()];
  const config = join(WORK, 'proxy.yml');
  writeFileSync(
    config,
    [
      'version: 1',
      `control: { listen: 127.0.0.1:${control} }`,
      'proxies:',
      `  - { name: sink, listen: 127.0.0.1:${sink}, upstream: ${targets.sink} }`,
      `  - { name: echo, listen: 127.0.0.1:${echo}, upstream: ${targets.echo} }`,
      '',
    ].join('\n'),
  );
  const child = start(NODE, [CLI, 'serve', '--config', config, '--report-dir', join(WORK, 'serve-report')]);
  await waitForOutput(child, /serving; Ctrl-C/);
  return { name: 'chaos-gate', sink: `127.0.0.1:${sink}`, echo: `127.0.0.1:${echo}`, api: `http://127.0.0.1:${control}`, child };
}

async function startToxiproxy(binary: string, targets: Targets): Promise<ProxySubject> {
  const [control, sink, echo] = [await freePort(), await freePort(), await freePort()];
  const child = start(binary, ['-host', '127.0.0.1', '-port', String(control)]);
  const api = `http://127.0.0.1:${control}`;
  await waitForHttp(`${api}/version`, 10_000);
  await http('POST', `${api}/proxies`, { name: 'sink', listen: `127.0.0.1:${sink}`, upstream: targets.sink });
  await http('POST', `${api}/proxies`, { name: 'echo', listen: `127.0.0.1:${echo}`, upstream: targets.echo });
  return { name: 'Toxiproxy', sink: `127.0.0.1:${sink}`, echo: `127.0.0.1:${echo}`, api, child };
}

interface Targets {
  sink: string;
  echo: string;
  http: string;
  child: ChildProcess;
}

async function startTargets(): Promise<Targets> {
  const child = start(NODE, [resolve('bench/targets.mjs')], { ipc: true });
  const out = await waitForOutput(child, /\}\n/);
  return { ...(JSON.parse(out) as Omit<Targets, 'child'>), child };
}

async function targetCount(targets: Targets): Promise<{ count: number; spanMs: number }> {
  const reply = once(targets.child, 'message');
  targets.child.send('count');
  return (await reply)[0] as { count: number; spanMs: number };
}

async function proxyFigures(targets: Targets): Promise<void> {
  const subjects: ProxySubject[] = [await startPipe(targets), await startChaosGateProxy(targets)];
  const toxiproxy = toxiproxyBinary();
  if (toxiproxy) {
    const subject = await startToxiproxy(toxiproxy, targets);
    subjects.push(subject);
    const version = await fetch(`${subject.api}/version`).then((r) => r.text());
    notes.push(`Toxiproxy: ${toxiproxy}, version ${version.trim()}`);
  } else {
    notes.push('Toxiproxy: not measured: no binary at $TOXIPROXY_BIN or /tmp/toxiproxy-bin (see build-toxiproxy.sh)');
  }
  const by = new Map(subjects.map((s) => [s.name, s]));
  const names = subjects.map((s) => s.name);
  const tp = by.has('Toxiproxy');

  // Throughput, 512 MiB each.
  const mibs = await alternate(names, THROUGHPUT_ROUNDS, (name) => throughput(by.get(name)!.sink));
  const t = (name: string) => median(mibs.get(name)!);
  const tRatioPipe = t('chaos-gate') / t('pipe');
  const tRatioTp = tp ? t('chaos-gate') / t('Toxiproxy') : undefined;
  rows.push({
    figure: `proxy throughput, ${TRANSFER / MIB} MiB (MiB/s)`,
    chaosGate: spread(mibs.get('chaos-gate')!),
    peers: `pipe ${spread(mibs.get('pipe')!)}${tp ? `; Toxiproxy ${spread(mibs.get('Toxiproxy')!)}` : ''}`,
    ratio: `${tRatioPipe.toFixed(2)}× pipe${tRatioTp ? `, ${tRatioTp.toFixed(2)}× Toxiproxy` : ''}`,
    goal: '≥ 0.95× pipe, ≥ 1.4× Toxiproxy',
    met: tRatioPipe >= 0.95 && (tRatioTp === undefined || tRatioTp >= 1.4),
  });

  // 64-byte round trips, with direct (no proxy) as the floor.
  const rttSubjects = ['direct', ...names];
  const echoOf = (name: string) => (name === 'direct' ? targets.echo : by.get(name)!.echo);
  const rtts = await alternate(rttSubjects, RTT_ROUNDS, (name) => pingPong(echoOf(name), RTT_MESSAGES));
  const p = (name: string, q: number) => median(rtts.get(name)!.map((samples) => percentile(samples, q)));
  const p50s = (name: string) => rtts.get(name)!.map((samples) => percentile(samples, 50));
  const added = (name: string) => p(name, 50) - p('direct', 50);
  const addedRatio = added('chaos-gate') / added('pipe');
  const rttCell = (name: string) => `${spread(p50s(name))} / ${p(name, 99).toFixed(0)}`;
  rows.push({
    figure: `64 B round trip p50 / p99 (µs), ${RTT_MESSAGES.toLocaleString('en-US')} in turn`,
    chaosGate: rttCell('chaos-gate'),
    peers: `direct ${rttCell('direct')}; pipe ${rttCell('pipe')}${tp ? `; Toxiproxy ${rttCell('Toxiproxy')}` : ''}`,
    ratio: `added p50 ${added('chaos-gate').toFixed(0)} µs = ${addedRatio.toFixed(2)}× pipe's ${added('pipe').toFixed(0)}${tp ? ` (Toxiproxy's ${added('Toxiproxy').toFixed(0)})` : ''}`,
    goal: "added p50 ≤ 1.1× pipe's",
    met: addedRatio <= 1.1,
  });

  // New connection + first round trip.
  const connects = await alternate(rttSubjects, RTT_ROUNDS, async (name) => median(await connectAndFirstRoundTrip(echoOf(name), CONNECTS)));
  const c = (name: string) => median(connects.get(name)!);
  const cRatio = c('chaos-gate') / c('pipe');
  rows.push({
    figure: `new connection + first round trip p50 (µs), ${CONNECTS} in turn`,
    chaosGate: spread(connects.get('chaos-gate')!),
    peers: `direct ${spread(connects.get('direct')!)}; pipe ${spread(connects.get('pipe')!)}${tp ? `; Toxiproxy ${spread(connects.get('Toxiproxy')!)}` : ''}`,
    ratio: `${cRatio.toFixed(2)}× pipe${tp ? `, ${(c('chaos-gate') / c('Toxiproxy')).toFixed(2)}× Toxiproxy` : ''}`,
    goal: '≤ 1.05× pipe',
    met: cRatio <= 1.05,
  });

  // Injected latency: round trips through a 100 ms downstream latency, less the subject's own p50 round trip.
  const toxicNames = names.filter((n) => by.get(n)!.api);
  for (const name of toxicNames) {
    await http('POST', `${by.get(name)!.api}/proxies/echo/toxics`, { name: 'lat', type: 'latency', stream: 'downstream', attributes: { latency: LATENCY_MS } });
  }
  const errors = await alternate(toxicNames, 2, async (name) => {
    const all = await Promise.all(Array.from({ length: LATENCY_CONNECTIONS }, () => pingPong(by.get(name)!.echo, LATENCY_ROUNDS)));
    return all.flat().map((us) => (us - p(name, 50)) / 1000 - LATENCY_MS);
  });
  const e = (name: string) => {
    const all = errors.get(name)!.flat();
    return { p50: percentile(all, 50), p99: percentile(all, 99), min: Math.min(...all), n: all.length };
  };
  const ms = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const eg = e('chaos-gate');
  rows.push({
    figure: `injected ${LATENCY_MS} ms latency, error p50 / p99 (ms), min; ${eg.n} round trips on ${LATENCY_CONNECTIONS} connections`,
    chaosGate: `${ms(eg.p50)} / ${ms(eg.p99)}, min ${ms(eg.min)}`,
    peers: tp ? `Toxiproxy ${ms(e('Toxiproxy').p50)} / ${ms(e('Toxiproxy').p99)}, min ${ms(e('Toxiproxy').min)}` : '—',
    ratio: '—',
    goal: 'p99 within ±2 ms, never early',
    met: Math.abs(eg.p99) <= 2 && eg.min >= -0.05,
  });

  for (const s of subjects) if (s.child) await stop(s.child);
}

// ─── load generators ───────────────────────────────────────────────────────────────────────────

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

async function runTool(command: string, args: string[]): Promise<void> {
  const child = start(command, args);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${output.slice(-800)}`);
}

async function loadFigures(targets: Targets): Promise<void> {
  const url = `http://${targets.http}/`;
  const config = join(WORK, 'load.yml');
  writeFileSync(config, ['version: 1', 'stages:', `  load: { target: { url: "${url}" }, connections: 50, duration: ${LOAD_SECONDS}s }`, ''].join('\n'));
  const tools: Record<string, () => Promise<void>> = {
    'chaos-gate': () => runTool(NODE, [CLI, 'run', '--config', config, '--report-dir', join(WORK, 'load-report')]),
    autocannon: () => runTool(NODE, [resolve('node_modules/autocannon/autocannon.js'), '-c', '50', '-d', String(LOAD_SECONDS), url]),
  };
  if (hasWrk()) tools['wrk (1 thread)'] = () => runTool('wrk', ['-t1', '-c50', `-d${LOAD_SECONDS}s`, url]);
  else notes.push('wrk: not measured (apt-get install wrk)');
  await targetCount(targets);
  const rps = await alternate(Object.keys(tools), LOAD_ROUNDS, async (tool) => {
    await tools[tool]();
    const { count, spanMs } = await targetCount(targets);
    return count / (spanMs / 1000) / 1000;
  });
  const r = (tool: string) => median(rps.get(tool)!);
  const ratio = r('chaos-gate') / r('autocannon');
  rows.push({
    figure: `load generator, closed model, 50 connections, ${LOAD_SECONDS} s (k req/s, counted by the target)`,
    chaosGate: spread(rps.get('chaos-gate')!, 1),
    peers: Object.keys(tools)
      .filter((t) => t !== 'chaos-gate')
      .map((t) => `${t} ${spread(rps.get(t)!, 1)}`)
      .join('; '),
    ratio: `${ratio.toFixed(2)}× autocannon${rps.has('wrk (1 thread)') ? `, ${(r('chaos-gate') / r('wrk (1 thread)')).toFixed(2)}× wrk` : ''}`,
    goal: '≥ 1.05× autocannon',
    met: ratio >= 1.05,
  });
}

// ─── mock servers ──────────────────────────────────────────────────────────────────────────────

interface MockSubject {
  name: string;
  url: string;
  child?: ChildProcess;
}

async function startChaosGateMock(): Promise<MockSubject> {
  const [control, port] = [await freePort(), await freePort()];
  const config = join(WORK, 'mock.yml');
  // The measured route sits among others, as in a real mock (the same routes as mock.bench.ts).
  writeFileSync(
    config,
    [
      'version: 1',
      `control: { listen: 127.0.0.1:${control} }`,
      'mocks:',
      '  - name: shop',
      `    listen: 127.0.0.1:${port}`,
      '    routes:',
      '      - { request: { method: POST, path: /v1/charges }, respond: { status: 201, json: { id: ch_1 } } }',
      '      - { request: { method: POST, path: /v1/refunds }, respond: { status: 201, json: { id: re_1 } } }',
      '      - { request: { method: GET, path: "/v1/customers/{id}" }, respond: { json: { id: cus_1 } } }',
      '      - { request: { method: GET, path: /v1/items }, respond: { json: { data: [] } } }',
      `      - { request: { method: GET, path: "/v1/items/{id}" }, respond: { json: ${JSON.stringify(ITEM)} } }`,
      '      - { request: { method: DELETE, path: "/v1/items/{id}" }, respond: { status: 204 } }',
      '      - { request: { method: GET, path: /health }, respond: { body: ok } }',
      '',
    ].join('\n'),
  );
  const child = start(NODE, [CLI, 'serve', '--config', config, '--report-dir', join(WORK, 'mock-report')]);
  await waitForOutput(child, /serving; Ctrl-C/);
  return { name: 'chaos-gate', url: `http://127.0.0.1:${port}${MOCK_PATH}`, child };
}

async function startWiremock(): Promise<MockSubject> {
  const build = resolve('node_modules/wiremock/build');
  if (!existsSync(build)) throw new Error('the wiremock devDependency is not installed (npm ci)');
  const jar = readdirSync(build).find((f) => f.endsWith('.jar'));
  if (!jar) throw new Error(`no jar in ${build}`);
  if (spawnSync('java', ['-version']).error) throw new Error('java is not installed (WireMock needs Java 11+)');
  const root = join(WORK, 'wiremock');
  mkdirSync(join(root, 'mappings'), { recursive: true });
  writeFileSync(
    join(root, 'mappings/shop.json'),
    JSON.stringify({
      mappings: [
        {
          request: { method: 'GET', urlPathTemplate: '/v1/items/{id}' },
          response: { status: 200, jsonBody: ITEM, headers: { 'Content-Type': 'application/json' } },
        },
        { request: { method: 'GET', urlPath: '/health' }, response: { status: 200, body: 'ok' } },
      ],
    }),
  );
  const port = await freePort();
  // Its best case: the request journal off, and JIT warm-up before the first round.
  const child = start('java', [
    '-jar',
    join(build, jar),
    '--port',
    String(port),
    '--bind-address',
    '127.0.0.1',
    '--root-dir',
    root,
    '--disable-banner',
    '--no-request-journal',
  ]);
  const url = `http://127.0.0.1:${port}${MOCK_PATH}`;
  await waitForHttp(url, 60_000);
  await runTool('wrk', ['-t1', '-c50', `-d${WIREMOCK_WARMUP_S}s`, url]);
  return { name: `WireMock ${jar.replace(/^wiremock-standalone-|\.jar$/g, '')}`, url, child };
}

async function startMountebank(): Promise<MockSubject> {
  const prefix = resolve('.tmp/mountebank');
  const bin = join(prefix, 'node_modules/mountebank/bin/mb');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    try {
      execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'mountebank@2'], { stdio: 'ignore', timeout: 300_000 });
    } catch (error) {
      throw new Error(`npm install mountebank failed (${(error as Error).message.split('\n')[0]})`, { cause: error });
    }
  }
  const [api, port] = [await freePort(), await freePort()];
  const child = start(NODE, [bin, 'start', '--port', String(api), '--host', '127.0.0.1', '--loglevel', 'warn', '--nologfile']);
  await waitForHttp(`http://127.0.0.1:${api}/`, 30_000);
  await http('POST', `http://127.0.0.1:${api}/imposters`, {
    port,
    host: '127.0.0.1',
    protocol: 'http',
    recordRequests: false,
    stubs: [
      {
        predicates: [{ equals: { method: 'GET', path: MOCK_PATH } }],
        responses: [{ is: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(ITEM) } }],
      },
    ],
  });
  const version = (await http('GET', `http://127.0.0.1:${api}/config`)) as { version?: string };
  return { name: `mountebank ${version.version ?? ''}`.trim(), url: `http://127.0.0.1:${port}${MOCK_PATH}`, child };
}

async function wrkRps(url: string, seconds: number): Promise<number> {
  const child = start('wrk', ['-t1', '-c50', `-d${seconds}s`, url]);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  await once(child, 'exit');
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)?.[1];
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1];
  if (!rps) throw new Error(`wrk ${url}: no figure in ${output}`);
  if (non2xx) throw new Error(`sanity: ${non2xx} non-2xx answers from ${url}`);
  return Number(rps) / 1000;
}

async function mockFigures(targets: Targets): Promise<void> {
  if (!hasWrk()) {
    notes.push('mock servers: not measured: wrk is the load tool here and it is not installed');
    return;
  }
  const subjects: MockSubject[] = [{ name: 'bare node:http', url: `http://${targets.http}${MOCK_PATH}` }, await startChaosGateMock()];
  for (const [peer, begin] of [
    ['WireMock', startWiremock],
    ['mountebank', startMountebank],
  ] as const) {
    try {
      subjects.push(await begin());
    } catch (error) {
      notes.push(`${peer}: not measured: ${(error as Error).message}`);
    }
  }
  const by = new Map(subjects.map((s) => [s.name, s]));
  const rps = await alternate(
    subjects.map((s) => s.name),
    MOCK_ROUNDS,
    (name) => wrkRps(by.get(name)!.url, MOCK_SECONDS),
  );
  await targetCount(targets);
  const r = (name: string) => median(rps.get(name)!);
  const bare = r('bare node:http');
  const peers = subjects.filter((s) => s.name !== 'chaos-gate');
  const wiremock = peers.find((s) => s.name.startsWith('WireMock'));
  const mountebank = peers.find((s) => s.name.startsWith('mountebank'));
  const vsBare = r('chaos-gate') / bare;
  const vsWiremock = wiremock ? r('chaos-gate') / r(wiremock.name) : undefined;
  rows.push({
    figure: `mock server, wrk -t1 -c50 ${MOCK_SECONDS} s (k req/s)`,
    chaosGate: spread(rps.get('chaos-gate')!, 1),
    peers: peers
      .map((s) => `${s.name}${s.name.startsWith('WireMock') ? ` (${WIREMOCK_WARMUP_S} s warm-up, journal off)` : ''} ${spread(rps.get(s.name)!, 1)}`)
      .join('; '),
    ratio: [
      `${vsBare.toFixed(2)}× bare`,
      vsWiremock && `${vsWiremock.toFixed(1)}× WireMock`,
      mountebank && `${(r('chaos-gate') / r(mountebank.name)).toFixed(1)}× mountebank`,
    ]
      .filter(Boolean)
      .join(', '),
    goal: '≥ 0.95× bare, ≥ 3× WireMock',
    met: vsBare >= 0.95 && (vsWiremock === undefined || vsWiremock >= 3),
  });
  for (const s of subjects) if (s.child) await stop(s.child);
}

// ─── start-up and a whole run ──────────────────────────────────────────────────────────────────

function startupFigures(): void {
  const subjects: Record<string, string[]> = { 'node -e 0': ['-e', '0'], 'chaos-gate --version': [CLI, '--version'] };
  for (const args of Object.values(subjects)) spawnSync(NODE, args, { stdio: 'ignore' });
  const times: Record<string, number[]> = { 'node -e 0': [], 'chaos-gate --version': [] };
  for (let round = 0; round < START_ROUNDS; round++) {
    const order = round % 2 === 0 ? Object.keys(subjects) : Object.keys(subjects).reverse();
    for (const name of order) {
      const t0 = performance.now();
      const ran = spawnSync(NODE, subjects[name], { stdio: 'ignore' });
      if (ran.status !== 0) throw new Error(`${name} exited ${ran.status}`);
      times[name].push(performance.now() - t0);
    }
  }
  const ratio = median(times['chaos-gate --version']) / median(times['node -e 0']);
  rows.push({
    figure: `\`chaos-gate --version\` wall time (ms), ${START_ROUNDS} rounds`,
    chaosGate: spread(times['chaos-gate --version']),
    peers: `\`node -e 0\` ${spread(times['node -e 0'])}`,
    ratio: `${ratio.toFixed(2)}×`,
    goal: '≤ 1.5×',
    met: ratio <= 1.5,
  });

  // A whole `chaos-gate run` of one `true` stage: config, environment, stage, thresholds, report.
  const config = join(WORK, 'true.yml');
  writeFileSync(config, ['version: 1', 'stages:', '  unit: { run: "true" }', ''].join('\n'));
  const wall: number[] = [];
  const rss: number[] = [];
  for (let round = 0; round < RUN_ROUNDS; round++) {
    const t0 = performance.now();
    // GNU time's %M: the peak RSS (KiB) of the largest process it waited for, here the CLI.
    const ran = spawnSync('/usr/bin/time', ['-f', '%M', NODE, CLI, 'run', '--config', config, '--report-dir', join(WORK, 'true-report')], { encoding: 'utf8' });
    wall.push(performance.now() - t0);
    if (ran.status !== 0) throw new Error(`chaos-gate run exited ${ran.status}: ${ran.stderr}`);
    rss.push(Number(ran.stderr.trim().split('\n').at(-1)) / 1024);
  }
  rows.push({
    figure: `whole \`chaos-gate run\` of one \`true\` stage, ${RUN_ROUNDS} rounds: wall (ms), peak RSS (MiB)`,
    chaosGate: `${spread(wall)} ms, ${spread(rss)} MiB`,
    peers: '—',
    ratio: '—',
    goal: '≤ 250 ms, ≤ 70 MB',
    met: median(wall) <= 250 && median(rss) * 1.048576 <= 70,
  });
}

// ─── main ──────────────────────────────────────────────────────────────────────────────────────

mkdirSync(WORK, { recursive: true });
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first (npm run build)`);
console.log(`machine: ${cpus().length} cores, loopback; Node ${process.version} for chaos-gate (${CLI}), the pipe proxy, autocannon and the targets`);
console.log('every subject runs as its own process; the targets (sink, echo, bare node:http) in one more');
const targets = await startTargets();
try {
  await proxyFigures(targets);
  await loadFigures(targets);
  await mockFigures(targets);
  startupFigures();
} finally {
  printTable();
  await stop(targets.child);
}
