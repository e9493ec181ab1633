/**
 * The load engine against its peers, all in one run against the same Node `http` target running
 * in its own process (so the generator under test and the target do not share an event loop):
 *
 *   1. closed model, 50 connections, 10 s: max rps vs autocannon (programmatic), wrk beside it;
 *      the 10 s are alternating 2 s slices, because this box is shared and its spare CPU swings
 *   2. open model at 500/s and 2,000/s for 10 s: achieved rate, counted by the target itself
 *   3. a target that stalls for 1 s once: p99 of the open model (from the intended start) vs
 *      the closed model (which stops sending while stuck: coordinated omission)
 *   4. memory: RSS of a fresh process running 60 s at 2,000/s
 *
 * `npm run bench -- load`; about 2.5 minutes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { MetricSet } from '../src/gate/metrics.js';
import { runLoad } from '../src/load/engine.js';
import { LoadRecorder } from '../src/load/recorder.js';
import { trafficSchema } from '../src/load/schema.js';

const SECONDS = 10;

/** Alternating slices of the closed-model comparison: both tools see the same (shared, noisy) machine. */
const SLICES = 5;

interface AutocannonResult {
  requests: { total: number };
  /** Seconds. */
  duration: number;
  latency: { p50: number; p99: number };
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

// The target: answers "ok"; counts requests with first/last arrival times; on an IPC "stall" it
// blocks its event loop for 1 s (a GC pause or a lock held too long).
const TARGET = `
const http = require('node:http');
let count = 0, first = 0, last = 0;
const server = http.createServer((req, res) => {
  const now = performance.now();
  if (count++ === 0) first = now;
  last = now;
  req.resume();
  res.end('ok');
});
process.on('message', (m) => {
  if (m === 'stall') { const until = performance.now() + 1000; while (performance.now() < until); }
  if (m === 'count') { process.send({ count, spanMs: last - first }); count = 0; }
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

async function startTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return { child, url: `http://127.0.0.1:${port}/` };
}

async function targetCount(child: ChildProcess): Promise<{ count: number; spanMs: number }> {
  child.send('count');
  const [reply] = (await once(child, 'message')) as [{ count: number; spanMs: number }];
  return reply;
}

/** Our engine, recording the way the load stage does; returns rps and latency percentiles. */
async function ours(spec: Record<string, unknown>, durationMs: number, during?: () => void) {
  const set = new MetricSet();
  const recorder = new LoadRecorder(set, performance.now());
  if (during) setTimeout(during, durationMs / 2);
  const summary = await runLoad(trafficSchema.parse(spec), { durationMs, onSample: recorder.record, onDropped: recorder.dropped });
  const trend = set.trend('http_req_duration');
  return {
    summary,
    rps: summary.requests / (summary.elapsedMs / 1000),
    p50: trend.percentile(50),
    p99: trend.percentile(99),
    p999: trend.percentile(99.9),
    max: trend.max,
  };
}

async function peer(url: string, seconds: number) {
  // Imported here so the memory child process does not load it.
  // @ts-expect-error autocannon ships no types and @types/autocannon is not installed
  const { default: autocannon } = (await import('autocannon')) as { default: Autocannon };
  const result = await autocannon({ url, connections: 50, duration: seconds });
  return { requests: result.requests.total, seconds: result.duration, p50: result.latency.p50, p99: result.latency.p99 };
}

async function wrk(url: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('wrk', ['-t1', '-c50', `-d${SECONDS}s`, '--latency', url]);
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
    const p99 = /\s99%\s+([\d.]+\w+)/.exec(stdout)?.[1];
    return `${Number(rps).toFixed(0)} rps, p99 ${p99}`;
  } catch {
    return 'not installed (apt-get install wrk)';
  }
}

const f = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const { child, url } = await startTarget();
  try {
    console.log(`target: node http in its own process, ${url}; generators run one at a time in this process\n`);

    const slice = SECONDS / SLICES;
    console.log(`# 1. closed model, 50 connections, ${SECONDS} s each, as ${SLICES} alternating slices of ${slice} s`);
    const mine = { requests: 0, seconds: 0 };
    const theirs = { requests: 0, seconds: 0 };
    for (let i = 1; i <= SLICES; i++) {
      // Alternate who goes first, so neither always follows the other's leftovers.
      const order = i % 2 === 1 ? ['chaos-gate', 'autocannon'] : ['autocannon', 'chaos-gate'];
      const line: string[] = [];
      for (const tool of order) {
        if (tool === 'chaos-gate') {
          const a = await ours({ url, connections: 50 }, slice * 1000);
          mine.requests += a.summary.requests;
          mine.seconds += a.summary.elapsedMs / 1000;
          line.push(`chaos-gate ${f(a.rps)} rps (p50 ${f(a.p50, 2)} ms, p99 ${f(a.p99, 2)} ms, ${a.summary.failures} failed)`);
        } else {
          const b = await peer(url, slice);
          theirs.requests += b.requests;
          theirs.seconds += b.seconds;
          line.push(`autocannon ${f(b.requests / b.seconds)} rps (p50 ${b.p50} ms, p99 ${b.p99} ms)`);
        }
      }
      console.log(`  slice ${i}: ${line.join('  |  ')}`);
    }
    const mineRps = mine.requests / mine.seconds;
    const theirRps = theirs.requests / theirs.seconds;
    console.log(`  total: chaos-gate ${f(mineRps)} rps, autocannon ${f(theirRps)} rps`);
    console.log(`  wrk -t1 -c50 -d${SECONDS}s (native reference, one run): ${await wrk(url)}`);
    await targetCount(child);
    console.log(`  ratio chaos-gate / autocannon: ${(mineRps / theirRps).toFixed(3)}×\n`);

    console.log(`# 2. open model, ${SECONDS} s: achieved rate as counted by the target`);
    for (const rate of [500, 2000]) {
      const run = await ours({ url, rate: `${rate}/s` }, SECONDS * 1000);
      const seen = await targetCount(child);
      const achieved = ((seen.count - 1) * 1000) / seen.spanMs;
      console.log(
        `  ${f(rate)}/s: target saw ${f(seen.count)} of ${f(rate * SECONDS)} requests, achieved ${f(achieved, 1)}/s ` +
          `(${(((achieved - rate) / rate) * 100).toFixed(2)}%), latency from intended start p50 ${f(run.p50, 3)} ms p99 ${f(run.p99, 3)} ms, dropped ${run.summary.dropped}`,
      );
    }
    console.log('');

    console.log(`# 3. the target stalls once for 1 s, ${SECONDS} s of load`);
    const stall = () => child.send('stall');
    const open = await ours({ url, rate: '500/s' }, SECONDS * 1000, stall);
    const closed = await ours({ url, connections: 50 }, SECONDS * 1000, stall);
    await targetCount(child);
    console.log(
      `  open   500/s (from intended start):  p50 ${f(open.p50, 2)} ms  p99 ${f(open.p99, 1)} ms  p99.9 ${f(open.p999, 1)} ms  max ${f(open.max, 1)} ms  (${f(open.summary.requests)} requests)`,
    );
    console.log(
      `  closed 50 connections:              p50 ${f(closed.p50, 2)} ms  p99 ${f(closed.p99, 1)} ms  p99.9 ${f(closed.p999, 1)} ms  max ${f(closed.max, 1)} ms  (${f(closed.summary.requests)} requests)`,
    );
    console.log(`  p99 open / closed: ${f(open.p99 / closed.p99, 0)}×: the closed model hides the stall (coordinated omission)\n`);

    console.log('# 4. memory: a fresh process, 60 s at 2,000/s, recording into metrics and the per-second series');
    const memory = spawn(process.execPath, [process.argv[1], '--memory', url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    memory.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    await once(memory, 'exit');
    console.log(`  ${out.trim()}`);
    await targetCount(child);
  } finally {
    child.kill();
  }
}

/** Child mode: 60 s at 2,000/s; prints peak and final RSS. */
async function memory(url: string): Promise<void> {
  let peak = 0;
  const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  const run = await ours({ url, rate: '2000/s' }, 60_000);
  clearInterval(watch);
  const mb = (bytes: number) => `${f(bytes / 1024 / 1024, 1)} MB`;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${f(run.summary.requests)} requests; peak RSS ${mb(peak)} (limit 150 MB), heap used at end ${mb(process.memoryUsage().heapUsed)}, p99 ${f(run.p99, 3)} ms`,
  );
}

if (process.argv[2] === '--memory') await memory(process.argv[3]);
else await main();
