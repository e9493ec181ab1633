/**
 * Soak, bounded for CI: pass-mode toxics (latency with jitter, slicer, bandwidth) are added and
 * removed 10,000 times through the control API while 1,000 concurrent connections through one
 * proxy each send a 1 KiB chunk every 200 toggles (the same work on any machine; bytes paced by
 * the clock grew with a slow run and slowed it further). Zero bytes lost or reordered (sha256 per connection, both directions), no
 * file-descriptor growth after the run, every API call answered. How fast the API answers is the
 * machine's business as much as ours: bench/proxy.bench.ts measures it (target < 100 ms); this
 * test prints its figures and asserts none.
 *
 *   soak-load.mjs (own process)                  this process (as chaos-gate runs it)
 *   1,000 clients ──────────────────────────────► proxy "soak" ──► echo server (soak-load.mjs)
 *                                                    ▲
 *   toggler: 10,000 × POST/DELETE toxics ──HTTP──► control API
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { proxySchema } from '../../src/proxy/schema.js';
import { eventually } from '../helpers/live.js';
import { ROOT } from '../helpers/project.js';

const CONNECTIONS = 1000;
const TOGGLES = 10_000;
/** Every connection writes a chunk this big each ROUND_EVERY toggles: the same bytes however long the toggling takes. */
const CHUNK_BYTES = 1024;
const ROUND_EVERY = 200;

/** Pass-mode faults: they delay, cut and pace bytes, never drop them. Toggled in turn. */
const TOXICS = [
  { name: 'lag-down', type: 'latency', stream: 'downstream', attributes: { latency: 1 } },
  { name: 'jitter-up', type: 'latency', stream: 'upstream', attributes: { latency: 1, jitter: 1 } },
  { name: 'slices-down', type: 'slicer', stream: 'downstream', attributes: { average_size: 200, size_variation: 100 } },
  { name: 'slices-up', type: 'slicer', stream: 'upstream', attributes: { average_size: 512, size_variation: 64, delay: 100 } },
  { name: 'pace-up', type: 'bandwidth', stream: 'upstream', attributes: { rate: 100_000 } },
  { name: 'pace-down', type: 'bandwidth', stream: 'downstream', attributes: { rate: 50_000 } },
];

const openFds = () => readdirSync('/proc/self/fd').length;

/** The soft limit on open files; each soak connection costs this process two (client side and upstream side). */
function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

/** A line from soak-load.mjs: its echo server's address, then the connected count, then the result. */
type TrafficMessage = {
  echo: string;
  connected: number;
  result: { connections: number; bytesUp: number; bytesDown: number; problems: unknown[]; problemCount: number };
};

/** The traffic process: its JSON lines as a queue. */
function trafficProcess(connections: number) {
  const child = spawn(process.execPath, [join(ROOT, 'test/helpers/soak-load.mjs'), String(connections), String(CHUNK_BYTES)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((message: TrafficMessage) => void)[] = [];
  const queued: TrafficMessage[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as TrafficMessage;
    const next = waiting.shift();
    if (next) next(message);
    else queued.push(message);
  });
  return {
    child,
    next: (): Promise<TrafficMessage> => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    send: (message: unknown) => child.stdin!.write(`${JSON.stringify(message)}\n`),
  };
}

let cleanup: (() => Promise<void>) | undefined;
afterAll(() => cleanup?.());

describe('soak', () => {
  it(`${CONNECTIONS} connections, ${TOGGLES} fault toggles: no byte lost or reordered, no fd growth, every API call answered`, async () => {
    // The traffic process holds the other two ends of each connection; this one needs two per connection.
    const connections = Math.min(CONNECTIONS, Math.floor((fdLimit() - 512) / 2));
    if (connections < CONNECTIONS) console.warn(`soak: ulimit -n is ${fdLimit()}; running ${connections} connections instead of ${CONNECTIONS}`);

    const fdsAtStart = openFds();
    const traffic = trafficProcess(connections);
    const proxies = new ProxyRegistry({ faultTtlMs: 60_000 });
    const mocks = new MockRegistry();
    const metrics = new MetricSet();
    const control = new ControlServer({ listen: '127.0.0.1:0', router: controlRouter({ proxies, mocks, currentMetrics: () => metrics }) });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanup = async () => {
      traffic.child.kill('SIGKILL');
      agent.destroy();
      await control.stop();
      await proxies.closeAll();
    };

    await control.start();
    const { echo } = await traffic.next();
    const proxy = await proxies.create(proxySchema.parse({ name: 'soak', listen: '127.0.0.1:0', upstream: echo }));
    const fdsServing = openFds();

    /** One API call; resolves with its status and how long it took. */
    const call = (method: string, path: string, body?: unknown) =>
      new Promise<{ status: number; ms: number }>((resolve, reject) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        const started = performance.now();
        const req = request(
          `${control.url}${path}`,
          { method, agent, headers: text ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {} },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
          },
        );
        req.on('error', reject);
        req.end(text);
      });

    const t0 = performance.now();
    traffic.send({ go: proxy.listen });
    expect(await traffic.next()).toEqual({ connected: connections });
    // Through the API as a chaos test would: every connection is up on the proxy's side too. A
    // thousand upstream dials took 12 s with both cores busy; the wait is long so only a loss fails.
    expect((await call('GET', `/proxies/soak/connections?wait=${connections}&timeout=60000`)).status).toBe(200);
    const connectedMs = performance.now() - t0;

    // Toggle: each call adds the next toxic, or removes it when it is there.
    const latencies: number[] = [];
    // What else holds the event loop the API shares with the proxy: garbage collection above all.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let gcMax = 0;
    const gc = new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMax = Math.max(gcMax, e.duration))));
    gc.observe({ entryTypes: ['gc'] });
    const active = new Set<string>();
    const toggleStart = performance.now();
    for (let i = 0; i < TOGGLES; i++) {
      const toxic = TOXICS[i % TOXICS.length];
      const answer = active.has(toxic.name) ? await call('DELETE', `/proxies/soak/toxics/${toxic.name}`) : await call('POST', '/proxies/soak/toxics', toxic);
      expect(answer.status, `toggle ${i} (${toxic.name})`).toBe(active.has(toxic.name) ? 204 : 200);
      if (active.has(toxic.name)) active.delete(toxic.name);
      else active.add(toxic.name);
      latencies.push(answer.ms);
      if (i % ROUND_EVERY === 0) traffic.send({ round: true });
    }
    loop.disable();
    gc.disconnect();
    const toggleMs = performance.now() - toggleStart;
    expect(proxy.connectionCount).toBe(connections); // nobody was dropped while faults came and went

    // Leave the faults on while the clients finish: what they hold must still arrive.
    traffic.send({ stop: true });
    const { result } = await traffic.next();
    const totalMs = performance.now() - t0;
    await traffic.child.stdin!.end();
    await new Promise((resolve) => traffic.child.once('exit', resolve));

    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const figures = {
      connections: result.connections,
      toggles: TOGGLES,
      bytes_upstream: result.bytesUp,
      bytes_downstream: result.bytesDown,
      connect_ms: Math.round(connectedMs),
      toggle_ms: Math.round(toggleMs),
      total_ms: Math.round(totalMs),
      api_ms: { p50: +p(0.5).toFixed(2), p99: +p(0.99).toFixed(2), max: +latencies.at(-1)!.toFixed(2) },
      event_loop_max_ms: Math.round(loop.max / 1e6),
      gc_pause_max_ms: Math.round(gcMax),
    };
    console.log(`soak figures: ${JSON.stringify(figures)}`);

    expect(result.problems, `${result.problemCount} connections lost or reordered bytes`).toEqual([]);
    expect(result.connections).toBe(connections);
    expect(result.bytesUp).toBe(connections * (8 + (TOGGLES / ROUND_EVERY) * CHUNK_BYTES)); // an id, then a chunk a round
    expect(result.bytesDown).toBe(result.bytesUp);

    // Every connection gone on the proxy's side, and with it every descriptor the run opened.
    expect(await eventually(() => proxy.connectionCount === 0, 5000)).toBe(true);
    expect(await eventually(() => openFds() <= fdsServing, 2000), `fds: ${fdsServing} while serving before, ${openFds()} after`).toBe(true);
    await cleanup();
    cleanup = undefined;
    expect(await eventually(() => openFds() <= fdsAtStart, 2000), `fds: ${fdsAtStart} at start, ${openFds()} after closing`).toBe(true);
    // Each toggle touches all 1,000 live links: some 50 s of CPU in all (both processes), so the
    // wall time is that over their share of the machine (144 s at a load average of 12). The
    // timeout only stops a hung run, so it leaves room for a loaded one.
  }, 600_000);
});
