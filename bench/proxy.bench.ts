/**
 * The TCP proxy's speed beside its peers, measured in one run on this machine:
 *
 *   load thread: client ──► [ direct | node pipe proxy | chaos-gate | chaos-gate + toxic ] ──► sink / echo
 *   main thread: the proxy under test (and the control API for the responsiveness figure)
 *
 * Figures: 1 GiB throughput, 64-byte ping-pong RTT, the error of an injected 100 ms latency, and
 * control API answer times while faults are toggled under full traffic. The proxy shares its
 * process with nothing but the control API here; chaos-gate as users run it (its own CLI process)
 * beside Toxiproxy and a pipe proxy, each their own process, is peers.bench.ts.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { proxyRoutes } from '../src/control/proxies.js';
import { Router } from '../src/control/router.js';
import { ControlServer } from '../src/control/server.js';
import { ProxyRegistry } from '../src/proxy/registry.js';
import { proxySchema, toxicSchema } from '../src/proxy/schema.js';

const GIB = 1024 ** 3;
const RTT_ROUNDS = 20_000;
const LATENCY_CONNECTIONS = 8;
const LATENCY_ROUNDS = 40;

type Command =
  | { cmd: 'throughput'; target: string; bytes: number }
  | { cmd: 'rtt'; target: string; connections: number; rounds: number }
  | { cmd: 'pump'; target: string }
  | { cmd: 'unpump' }
  | { cmd: 'stop' };

if (isMainThread) await main();
else loadThread();

// ─── main thread: the proxies under test ───────────────────────────────────────────────────────

async function main(): Promise<void> {
  const load = new Worker(new URL(import.meta.url));
  const replies: ((value: unknown) => void)[] = [];
  load.on('message', (message) => replies.shift()!(message));
  const ask = <T>(command?: Command) =>
    new Promise<T>((resolve) => {
      // The worker answers each command in order, with the shape its `ask<T>` names.
      replies.push((value) => resolve(value as T));
      if (command) load.postMessage(command);
    });
  const { sink, echo } = await ask<{ sink: string; echo: string }>();

  const registry = new ProxyRegistry();
  const chaos = async (upstream: string, zeroLatency: boolean) => {
    const proxy = await registry.create(proxySchema.parse({ name: `cg${registry.list().length}`, upstream }));
    if (zeroLatency) {
      for (const stream of ['upstream', 'downstream'] as const) {
        proxy.addToxic(toxicSchema.parse({ type: 'latency', stream, attributes: { latency: 0 } }));
      }
    }
    return { address: proxy.listen, close: () => registry.remove(proxy.name) };
  };
  const modes = [
    { name: 'direct', start: async (upstream: string) => ({ address: upstream, close: async () => {} }) },
    { name: 'node net pipe proxy', start: pipeProxy },
    { name: 'chaos-gate, no fault', start: (upstream: string) => chaos(upstream, false) },
    { name: 'chaos-gate, latency 0 toxic', start: (upstream: string) => chaos(upstream, true) },
  ];

  console.log(`machine: ${(await import('node:os')).cpus().length} cores, loopback, Node ${process.version}; MB = 10^6 bytes`);
  console.log('in-process: the proxy on the main thread, the load on a worker; Toxiproxy and the CLI process are in the peers table\n');

  // Rounds interleaved, best of each: the machine is shared, and one round can be unlucky.
  const throughput = new Map<string, number>();
  for (let round = 0; round < 4; round++) {
    for (const mode of modes) {
      const proxy = await mode.start(sink);
      const { ms } = await ask<{ ms: number }>({ cmd: 'throughput', target: proxy.address, bytes: GIB });
      await proxy.close();
      throughput.set(mode.name, Math.max(throughput.get(mode.name) ?? 0, GIB / 1e6 / (ms / 1000)));
    }
  }
  const [direct, pipe, none, zero] = modes.map((m) => throughput.get(m.name)!);
  console.log('1 GiB client → sink            MB/s   × direct  × pipe');
  for (const mode of modes) {
    const mbps = throughput.get(mode.name)!;
    console.log(
      `  ${mode.name.padEnd(28)} ${mbps.toFixed(0).padStart(5)}   ${(mbps / direct).toFixed(2).padStart(6)}  ${(mbps / pipe).toFixed(2).padStart(5)}`,
    );
  }
  console.log(`  → chaos-gate no fault / pipe       = ${(none / pipe).toFixed(2)}  (target ≥ 0.90)`);
  console.log(`  → latency 0 toxic / no fault       = ${(zero / none).toFixed(2)}  (target ≥ 0.90)\n`);

  const rtt = new Map<string, { p50: number; p99: number }>();
  for (let round = 0; round < 2; round++) {
    for (const mode of modes) {
      const proxy = await mode.start(echo);
      const { samples } = await ask<{ samples: number[] }>({ cmd: 'rtt', target: proxy.address, connections: 1, rounds: RTT_ROUNDS });
      await proxy.close();
      const figures = { p50: percentile(samples, 50), p99: percentile(samples, 99) };
      const best = rtt.get(mode.name);
      if (!best || figures.p50 < best.p50) rtt.set(mode.name, figures);
    }
  }
  const base = rtt.get('direct')!.p50;
  const pipeAdded = rtt.get('node net pipe proxy')!.p50 - base;
  console.log('64-byte ping-pong RTT          p50 µs  p99 µs  added p50 µs  added × pipe');
  for (const mode of modes) {
    const { p50, p99 } = rtt.get(mode.name)!;
    const added = p50 - base;
    console.log(
      `  ${mode.name.padEnd(28)} ${(p50 * 1000).toFixed(0).padStart(6)}  ${(p99 * 1000).toFixed(0).padStart(6)}  ${(added * 1000).toFixed(0).padStart(12)}  ${(added / pipeAdded).toFixed(2).padStart(12)}`,
    );
  }
  const cgAdded = rtt.get('chaos-gate, no fault')!.p50 - base;
  console.log(`  → chaos-gate added RTT p50 / pipe's = ${(cgAdded / pipeAdded).toFixed(2)}  (target ≤ 1.20)\n`);

  // Injected latency: RTT through a 100 ms downstream latency, less the no-fault RTT.
  const slow = await registry.create(proxySchema.parse({ name: 'slow', upstream: echo }));
  slow.addToxic(toxicSchema.parse({ type: 'latency', attributes: { latency: 100 } }));
  const { samples } = await ask<{ samples: number[] }>({ cmd: 'rtt', target: slow.listen, connections: LATENCY_CONNECTIONS, rounds: LATENCY_ROUNDS });
  await registry.remove('slow');
  const noFault = rtt.get('chaos-gate, no fault')!.p50;
  const errors = samples.map((ms) => ms - noFault - 100);
  const absolute = errors.map(Math.abs);
  console.log(`injected latency 100 ms, ${samples.length} round trips on ${LATENCY_CONNECTIONS} connections`);
  console.log(
    `  error p50 ${percentile(errors, 50).toFixed(2)} ms, p99 |error| ${percentile(absolute, 99).toFixed(2)} ms, min ${Math.min(...errors).toFixed(2)} ms  (target ±2 ms at p99)\n`,
  );

  await controlUnderTraffic(registry, echo, ask);

  await registry.closeAll();
  load.postMessage({ cmd: 'stop' } satisfies Command);
}

/** Answer times of the control API while faults are toggled and an echo stream saturates the proxy. */
async function controlUnderTraffic(registry: ProxyRegistry, echo: string, ask: <T>(command?: Command) => Promise<T>): Promise<void> {
  const router = new Router();
  proxyRoutes(router, registry);
  const control = new ControlServer({ listen: '127.0.0.1:0', router });
  await control.start();
  const proxy = await registry.create(proxySchema.parse({ name: 'busy', upstream: echo }));
  await ask({ cmd: 'pump', target: proxy.listen });
  const calls: [string, string, unknown?][] = [
    ['POST', '/proxies/busy/toxics', { type: 'latency', attributes: { latency: 20 } }],
    ['POST', '/proxies/busy/toxics', { type: 'slicer', stream: 'upstream', attributes: { average_size: 16384 } }],
    ['GET', '/proxies'],
    ['DELETE', '/proxies/busy/toxics/latency_downstream'],
    ['DELETE', '/proxies/busy/toxics/slicer_upstream'],
  ];
  const durations: number[] = [];
  const started = performance.now();
  for (let i = 0; i < 40; i++) {
    for (const [method, path, body] of calls) {
      const start = performance.now();
      const response = await fetch(control.url + path, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      await response.text();
      durations.push(performance.now() - start);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const { bytes } = await ask<{ bytes: number }>({ cmd: 'unpump' });
  await control.stop();
  console.log(`control API under full traffic (${(bytes / 1e6 / seconds).toFixed(0)} MB/s echoed), ${durations.length} calls toggling latency and slicer`);
  console.log(
    `  answer ms: p50 ${percentile(durations, 50).toFixed(1)}, p95 ${percentile(durations, 95).toFixed(1)}, max ${Math.max(...durations).toFixed(1)}  (target < 100; Toxiproxy hangs: #88, #159, #558)`,
  );
}

/** The plain Node proxy the issue measures against: two pipes, default options. */
async function pipeProxy(upstream: string): Promise<{ address: string; close: () => Promise<void> }> {
  const [host, port] = splitAddress(upstream);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const server = connect(port, host);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(server);
    server.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ─── load thread: clients, a sink and an echo server ───────────────────────────────────────────

function loadThread(): void {
  const port = parentPort!;
  let sinkWaiter: { left: number; done: () => void } | undefined;
  const sink = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (!sinkWaiter) return;
      sinkWaiter.left -= chunk.length;
      if (sinkWaiter.left <= 0) sinkWaiter.done();
    });
  });
  const echo = createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  let pump: { socket: Socket; bytes: number } | undefined;

  void Promise.all([sink, echo].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)))).then(() =>
    port.postMessage({ sink: address(sink), echo: address(echo) }),
  );

  port.on('message', async (command: Command) => {
    if (command.cmd === 'throughput') {
      const socket = await open(command.target);
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const start = performance.now();
      const received = new Promise<void>((done) => (sinkWaiter = { left: command.bytes, done }));
      for (let sent = 0; sent < command.bytes; sent += chunk.length) {
        if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
      }
      await received;
      const ms = performance.now() - start;
      sinkWaiter = undefined;
      socket.destroy();
      port.postMessage({ ms });
    } else if (command.cmd === 'rtt') {
      const all = await Promise.all(Array.from({ length: command.connections }, () => pingPong(command.target, command.rounds)));
      port.postMessage({ samples: all.flat() });
    } else if (command.cmd === 'pump') {
      const socket = await open(command.target);
      pump = { socket, bytes: 0 };
      socket.on('data', (data: Buffer) => (pump!.bytes += data.length));
      const chunk = Buffer.alloc(256 * 1024, 1);
      const write = () => {
        while (pump?.socket === socket && socket.write(chunk));
        if (pump?.socket === socket) socket.once('drain', write);
      };
      write();
      port.postMessage({});
    } else if (command.cmd === 'unpump') {
      const { socket, bytes } = pump!;
      pump = undefined;
      socket.destroy();
      port.postMessage({ bytes });
    } else if (command.cmd === 'stop') {
      sink.close();
      echo.close();
      port.close();
    }
  });
}

/** Round-trip times in ms of `rounds` 64-byte messages, one after another, on one connection. */
async function pingPong(target: string, rounds: number): Promise<number[]> {
  const socket = await open(target);
  socket.setNoDelay(true);
  const message = Buffer.alloc(64, 1);
  const samples: number[] = [];
  let got = 0;
  let start = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      got += chunk.length;
      if (got < message.length) return;
      got -= message.length;
      samples.push(performance.now() - start);
      if (samples.length === rounds) return resolve();
      start = performance.now();
      socket.write(message);
    });
    start = performance.now();
    socket.write(message);
  });
  socket.destroy();
  return samples;
}

async function open(target: string): Promise<Socket> {
  const [host, port] = splitAddress(target);
  const socket = connect(port, host);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

function address(server: Server): string {
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}
