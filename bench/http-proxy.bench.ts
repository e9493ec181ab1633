/**
 * The HTTP fault proxy with no fault on, as users run it: chaos-gate (`serve`, its own process)
 * beside a plain reverse proxy written with node:http and a keep-alive agent (its own process),
 * in front of one node:http upstream (its own process), measured by wrk and curl (their own
 * processes), in alternating rounds; medians with min–max, and the ratio in the same run.
 *
 *   wrk / curl / upload client ──► chaos-gate http proxy | plain node:http proxy | (direct) ──► upstream
 *
 * - requests/s: wrk, 1 thread, 50 connections, a 64-byte JSON answer (target ≥ 0.8× the plain proxy)
 * - added p50 latency: wrk, 1 connection; the proxy's p50 minus the direct p50 (target ≤ 1.2× the plain proxy's)
 * - 1 GiB streamed down (curl) and up (a node client, content-length): MB/s (target ≥ 0.8×),
 *   and the proxy's peak RSS over its RSS before (flat: the body is never held)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './free-port.js';

const ROUNDS = 5;
const GIB = 1 << 30;

const UPSTREAM = `
const http = require('node:http');
const body = Buffer.from(JSON.stringify({ id: 'sku-123', name: 'Walking shoe', price: 42.5, ok: true }).padEnd(64));
const chunk = Buffer.alloc(1 << 16, 120);
http.createServer((req, res) => {
  if (req.url.startsWith('/big')) {
    let left = Number(new URL(req.url, 'http://x').searchParams.get('bytes'));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) });
    const pump = () => {
      while (left > 0) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  if (req.method === 'POST') {
    let n = 0;
    req.on('data', (c) => (n += c.length));
    return req.on('end', () => res.end(String(n)));
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

/** The peer: what a team would write in ten lines, with a keep-alive agent. */
const PLAIN_PROXY = `
const http = require('node:http');
const [port, upstream] = [Number(process.argv[1]), Number(process.argv[2])];
const agent = new http.Agent({ keepAlive: true });
http.createServer((req, res) => {
  const out = http.request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => res.destroy());
  req.pipe(out);
}).listen(port, '127.0.0.1', () => console.log('ready'));
`;

/** Streams `bytes` to the URL with a content-length; prints the milliseconds it took. */
const UPLOADER = `
const http = require('node:http');
const [url, bytes] = [new URL(process.argv[1]), Number(process.argv[2])];
const chunk = Buffer.alloc(1 << 16, 121);
const started = performance.now();
const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-length': String(bytes) } }, (res) => {
  let text = '';
  res.on('data', (c) => (text += c));
  res.on('end', () => {
    if (Number(text) !== bytes) { console.error('upstream got ' + text + ' bytes of ' + bytes); process.exit(1); }
    console.log(String(performance.now() - started));
  });
});
let left = bytes;
const pump = () => {
  while (left > 0) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= part.length;
    if (!req.write(part)) return req.once('drain', pump);
  }
  req.end();
};
pump();
`;

type Kind = 'chaos-gate' | 'plain';
const KINDS: Kind[] = ['chaos-gate', 'plain'];

async function main(): Promise<void> {
  const upstreamPort = await freePort();
  const upstream = await start(['-e', UPSTREAM, String(upstreamPort)], 'ready');
  const direct = `http://127.0.0.1:${upstreamPort}`;
  const results: Record<string, Record<Kind | 'direct', number[]>> = {
    rps: { 'chaos-gate': [], plain: [], direct: [] },
    p50: { 'chaos-gate': [], plain: [], direct: [] },
    down: { 'chaos-gate': [], plain: [], direct: [] },
    up: { 'chaos-gate': [], plain: [], direct: [] },
    rss: { 'chaos-gate': [], plain: [], direct: [] },
  };
  console.log(`node ${process.version}; wrk 1 thread; ${ROUNDS} alternating rounds; upstream node:http on ${direct}`);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      results.p50.direct.push(await wrkP50(direct));
      results.rps.direct.push(await wrkRps(direct));
      for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
        const proxy = await startProxy(kind, upstreamPort);
        try {
          await wrkRps(proxy.url, 1); // warm-up
          results.rps[kind].push(await wrkRps(proxy.url));
          results.p50[kind].push(await wrkP50(proxy.url));
          const before = rssKb(proxy.child.pid!);
          results.down[kind].push(await download(`${proxy.url}/big?bytes=${GIB}`));
          results.up[kind].push(await upload(`${proxy.url}/sink`));
          results.rss[kind].push((peakRssKb(proxy.child.pid!) - before) / 1024);
        } finally {
          proxy.child.kill();
        }
      }
    }
  } finally {
    upstream.kill();
  }

  const added = (kind: Kind) => results.p50[kind].map((p50, i) => p50 - results.p50.direct[i]);
  console.log('\n| figure | chaos-gate | plain node:http proxy | ratio | goal |');
  console.log('|---|---|---|---|---|');
  line('requests/s, 50 connections', results.rps['chaos-gate'], results.rps.plain, (a, b) => a / b, '≥ 0.8×', 0);
  line('added p50 latency, 1 connection (µs)', added('chaos-gate'), added('plain'), (a, b) => a / b, '≤ 1.2×', 0);
  line('1 GiB download (MB/s)', results.down['chaos-gate'], results.down.plain, (a, b) => a / b, '≥ 0.8×', 0);
  line('1 GiB upload (MB/s)', results.up['chaos-gate'], results.up.plain, (a, b) => a / b, '≥ 0.8×', 0);
  line('peak RSS over start, both transfers (MB)', results.rss['chaos-gate'], results.rss.plain, () => NaN, 'flat', 1);
  console.log(
    `\ndirect to the upstream: ${fmt(results.rps.direct, 0)} req/s, p50 ${fmt(results.p50.direct, 0)} µs (medians, min–max). http-proxy / fastify-http-proxy: not installed, not measured.`,
  );
}

function line(name: string, ours: number[], peer: number[], ratio: (a: number, b: number) => number, goal: string, digits: number): void {
  const r = ratio(median(ours), median(peer));
  console.log(`| ${name} | ${fmt(ours, digits)} | ${fmt(peer, digits)} | ${Number.isNaN(r) ? '—' : `${r.toFixed(2)}×`} | ${goal} |`);
}

/** `1234 (1200–1300)`: the median, then min–max. */
function fmt(values: number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(values).toFixed(digits)} (${sorted[0].toFixed(digits)}–${sorted[sorted.length - 1].toFixed(digits)})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function startProxy(kind: Kind, upstreamPort: number): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  if (kind === 'plain') return { child: await start(['-e', PLAIN_PROXY, String(port), String(upstreamPort)], 'ready'), url: `http://127.0.0.1:${port}` };
  const control = await freePort();
  mkdirSync('.tmp/bench', { recursive: true });
  const config = resolve('.tmp/bench/http-proxy.yml');
  writeFileSync(
    config,
    `version: 1\ncontrol: { listen: 127.0.0.1:${control} }\nhttp_proxies:\n  - { name: up, listen: 127.0.0.1:${port}, upstream: "http://127.0.0.1:${upstreamPort}" }\n`,
  );
  return {
    child: await start([resolve('dist/cli.js'), 'serve', '--config', config, '--report-dir', '.tmp/bench/serve'], 'serving'),
    url: `http://127.0.0.1:${port}`,
  };
}

/** Spawns node with `args`, resolving once its output says `ready`. */
function start(args: string[], ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  return new Promise((resolveStart, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(ready)) resolveStart(child);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${seen}`)));
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) =>
    execFile(command, args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command}: ${stderr || error.message}`)) : resolveRun(stdout),
    ),
  );
}

async function wrkRps(url: string, seconds = 5): Promise<number> {
  const out = await run('wrk', ['-t1', '-c50', `-d${seconds}s`, url]);
  if (/Non-2xx|Socket errors/.test(out)) throw new Error(`wrk saw errors through ${url}:\n${out}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
}

/** The median round trip of one connection, in µs. */
async function wrkP50(url: string): Promise<number> {
  const out = await run('wrk', ['-t1', '-c1', '-d3s', '--latency', url]);
  const [, value, unit] = /50%\s+([\d.]+)(us|ms|s)/.exec(out)!;
  return Number(value) * (unit === 'us' ? 1 : unit === 'ms' ? 1000 : 1e6);
}

async function download(url: string): Promise<number> {
  const [size, seconds] = (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{size_download} %{time_total}', url])).split(' ').map(Number);
  if (size !== GIB) throw new Error(`downloaded ${size} bytes of ${GIB} through ${url}`);
  return GIB / seconds / 1e6;
}

async function upload(url: string): Promise<number> {
  const ms = Number(await run(process.execPath, ['-e', UPLOADER, url, String(GIB)]));
  return GIB / (ms / 1000) / 1e6;
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

function peakRssKb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

await main();
