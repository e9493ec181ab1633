/**
 * Where a new connection's time goes: chaos-gate's proxy opens the upstream first and reads the
 * client only once it is connected (Toxiproxy's order, so a refused upstream is passed on as a
 * reset with none of the client's bytes taken). A plain pipe proxy pipes at once: the client's
 * first bytes wait in Node's write queue while the upstream connects. This bench puts a third
 * proxy beside them, a pipe that dials first as chaos-gate does, to tell the cost of that order
 * from the cost of chaos-gate's own code. Each is its own process; alternating rounds.
 *
 *   client (this process) ──► [ pipe | pipe, dial first | chaos-gate serve ] ──► echo (bench/targets.mjs)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

const ROUNDS = 5;
const CONNECTS = 500;

/** A pipe proxy that opens the upstream first and only then reads the client, as chaos-gate's. */
const DIAL_FIRST = `
const net = require('node:net');
const [host, port] = process.argv[1].split(':');
const server = net.createServer({ pauseOnConnect: true }, (client) => {
  const upstream = net.connect({ host, port: Number(port), noDelay: true });
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  upstream.once('connect', () => {
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('127.0.0.1:' + server.address().port + '\\n'));
`;

type Name = 'pipe' | 'pipe, dial first' | 'chaos-gate';

async function main(): Promise<void> {
  const targets = await start(process.execPath, ['bench/targets.mjs']);
  const { echo } = JSON.parse(targets.line) as { echo: string };
  const pipe = await start(process.execPath, ['bench/pipe-proxy.mjs', echo]);
  const dialFirst = await start(process.execPath, ['-e', DIAL_FIRST, echo]);
  const gate = await startGate(echo);
  const subjects: Record<Name, string> = { pipe: pipe.line, 'pipe, dial first': dialFirst.line, 'chaos-gate': gate.address };
  const samples: Record<Name | 'direct', number[]> = { direct: [], pipe: [], 'pipe, dial first': [], 'chaos-gate': [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      samples.direct.push(median(await connectAndFirstRoundTrip(echo, CONNECTS)));
      const order = Object.keys(subjects) as Name[];
      for (const name of round % 2 === 0 ? order : order.reverse()) samples[name].push(median(await connectAndFirstRoundTrip(subjects[name], CONNECTS)));
    }
  } finally {
    for (const child of [targets.child, pipe.child, dialFirst.child, gate.child]) child.kill();
  }
  console.log(`new connection + first 64-byte round trip, p50 of ${CONNECTS} in turn, ${ROUNDS} alternating rounds (µs; median, min–max)`);
  for (const name of ['direct', 'pipe', 'pipe, dial first', 'chaos-gate'] as const) {
    const ratio = name === 'direct' ? '' : `   ${(median(samples[name]) / median(samples.pipe)).toFixed(2)}× pipe`;
    console.log(`  ${name.padEnd(18)} ${fmt(samples[name])}${ratio}`);
  }
  console.log(`  chaos-gate / pipe that dials first: ${(median(samples['chaos-gate']) / median(samples['pipe, dial first'])).toFixed(2)}×`);
}

async function startGate(echo: string): Promise<{ child: ChildProcess; address: string }> {
  const [control, port] = [await freePort(), await freePort()];
  mkdirSync('.tmp/bench', { recursive: true });
  const config = resolve('.tmp/bench/connect.yml');
  writeFileSync(config, `version: 1\ncontrol: { listen: 127.0.0.1:${control} }\nproxies:\n  - { name: echo, listen: 127.0.0.1:${port}, upstream: ${echo} }\n`);
  const { child } = await start(
    process.execPath,
    [resolve('dist/cli.js'), 'serve', '--config', config, '--report-dir', join('.tmp/bench', 'connect-serve')],
    'serving',
  );
  return { child, address: `127.0.0.1:${port}` };
}

/** Spawns a process; resolves with its first output line (or once its output says `ready`). */
function start(command: string, args: string[], ready?: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  return new Promise((resolveStart, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (ready ? seen.includes(ready) : seen.includes('\n')) resolveStart({ child, line: seen.split('\n')[0].trim() });
    };
    child.stdout!.on('data', look);
    if (ready) child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`)));
  });
}

/** µs from connect() to the first 64-byte echo, over `count` fresh connections in turn. */
async function connectAndFirstRoundTrip(address: string, count: number): Promise<number[]> {
  const at = address.lastIndexOf(':');
  const [host, port] = [address.slice(0, at), Number(address.slice(at + 1))];
  const message = Buffer.alloc(64, 3);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const socket = connect({ host, port, noDelay: true });
    await new Promise<void>((resolveTrip, reject) => {
      let got = 0;
      socket.once('error', reject);
      socket.once('connect', () => socket.write(message));
      socket.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= 64) resolveTrip();
      });
    });
    samples.push((performance.now() - t0) * 1000);
    socket.destroy();
  }
  return samples;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${median(values).toFixed(0)} (${sorted[0].toFixed(0)}–${sorted[sorted.length - 1].toFixed(0)})`;
}

await main();
