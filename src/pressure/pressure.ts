/**
 * Starts resource pressure as its own process (and process group), and ends it:
 *
 *   start(spec) ──spawn──► node -e WORKER spec ──"ready …"──► held
 *   revert ──SIGTERM──► the worker frees what it holds (a disk file removed) and exits; SIGKILL after 2 s
 *
 * The group is registered with the run's process groups, so it ends with a Ctrl-C, a stop, and a
 * `kill -9` of the gate too (the groups' watcher SIGTERMs it); the gate removes a disk file itself
 * after a revert in case the worker could not.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { freemem } from 'node:os';
import { rm, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PressureSpec } from './schema.js';

/** What the run tracks its process groups with (stages/spawn.ts's ProcessGroups). */
export interface GroupRegistry {
  add(pid: number): void;
  delete(pid: number): void;
}

/** Never leave the machine with less than this free: the runner, the service and the gate need it. */
const MEMORY_FLOOR = 512 * 1024 * 1024;
const DISK_FLOOR = 1024 * 1024 * 1024;
/** How long the worker gets to free what it holds on SIGTERM. */
const GRACE_MS = 2000;

export class PressureError extends Error {
  override name = 'PressureError';
}

export interface Pressure {
  pid: number;
  /** What the worker said it holds (`cpu 2 workers at 100%`, `fds 5000 of 5000`). */
  holding: string;
  stop(): Promise<void>;
}

/** Starts the pressure; resolves once it is held (memory touched, the file written, descriptors open). */
export async function startPressure(
  spec: PressureSpec,
  options: { cwd: string; groups?: GroupRegistry; marker: string; servicePid?: (name: string) => number | undefined },
): Promise<Pressure> {
  const file = spec.kind === 'disk' ? resolve(options.cwd, spec.path, `.chaos-gate-pressure-${process.pid}-${Date.now()}.fill`) : undefined;
  if (spec.kind === 'disk' && spec.free !== undefined) {
    // `free: 10%`: write until that share of the disk is left.
    const fs = await diskOf(file!, spec.path);
    const bytes = fs.bavail * fs.bsize - Math.ceil((fs.blocks * fs.bsize * spec.free) / 100);
    if (bytes <= 0) throw new PressureError(`disk pressure: ${spec.path} already has less than ${spec.free}% free`);
    spec = { ...spec, size: bytes };
  }
  await checkRoom(spec, file);
  if (spec.kind === 'fds' && spec.service !== undefined) return squeezeDescriptors(spec.service, spec.count, options.servicePid);
  const argv = [process.execPath, '-e', WORKER, options.marker, JSON.stringify({ ...spec, file })];
  // Pinned workers run under taskset (util-linux), as a user would pin them by hand.
  if (spec.kind === 'cpu' && spec.cpus) argv.unshift('taskset', '-c', spec.cpus.join(','));
  const child = spawn(argv[0], argv.slice(1), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new PressureError(`could not start ${spec.kind} pressure`);
  options.groups?.add(pid);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (errors = (errors + text).slice(-2000)));
  const holding = await new Promise<string>((ready, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const line = /^ready (.*)$/m.exec(out);
      if (line) ready(line[1]);
    });
    void exited.then(() => fail(new PressureError(`${spec.kind} pressure ended before it held: ${errors.trim() || 'no reason given'}`)));
  });
  const stop = async () => {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }, GRACE_MS);
    await exited;
    clearTimeout(timer);
    options.groups?.delete(pid);
    if (file) await rm(file, { force: true });
  };
  return { pid, holding, stop };
}

/**
 * A service's own descriptor limit lowered (prlimit, util-linux) to what it has open plus `count`,
 * so its next connections or files fail with EMFILE; the old limit is put back at the revert.
 */
async function squeezeDescriptors(service: string, count: number, servicePid?: (name: string) => number | undefined): Promise<Pressure> {
  const pid = servicePid?.(service);
  if (pid === undefined) throw new PressureError(`fds pressure: service "${service}" is not running`);
  const read = (args: string[]) =>
    new Promise<string>((done, fail) => {
      const child = spawn('prlimit', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
      child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
      child.once('error', (error) => fail(new PressureError(`fds pressure needs prlimit (util-linux): ${error.message}`)));
      child.once('exit', (code) => (code === 0 ? done(out) : fail(new PressureError(`prlimit ${args.join(' ')}: ${out.trim()}`))));
    });
  // The service's main process: the group leader is the shell or the service itself (exec).
  const before = (await read(['--pid', String(pid), '--nofile', '--raw', '--noheadings', '--output', 'SOFT,HARD'])).trim().split(/\s+/);
  const open = readdirSync(`/proc/${pid}/fd`).length;
  const soft = open + count;
  await read(['--pid', String(pid), `--nofile=${soft}:${before[1]}`]);
  return {
    pid,
    holding: `fds: service ${service} limited to ${soft} descriptors (${open} open, ${count} more allowed; was ${before[0]})`,
    stop: async () => {
      await read(['--pid', String(pid), `--nofile=${before[0]}:${before[1]}`]).catch(() => undefined);
    },
  };
}

async function checkRoom(spec: PressureSpec, file: string | undefined): Promise<void> {
  if (spec.kind === 'memory' && freemem() - spec.size < MEMORY_FLOOR) {
    throw new PressureError(`memory pressure of ${mb(spec.size)} would leave less than ${mb(MEMORY_FLOOR)} free (free now: ${mb(freemem())})`);
  }
  if (spec.kind === 'disk') {
    const fs = await diskOf(file!, spec.path);
    const free = fs.bavail * fs.bsize;
    const size = spec.size ?? 0;
    if (free - size < DISK_FLOOR)
      throw new PressureError(`disk pressure of ${mb(size)} in ${spec.path} would leave less than ${mb(DISK_FLOOR)} free (free now: ${mb(free)})`);
  }
}

function diskOf(file: string, path: string) {
  return statfs(resolve(file, '..')).catch((error: Error) => {
    throw new PressureError(`disk pressure: cannot use ${path}: ${error.message}`);
  });
}

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * The worker, run as `node -e WORKER <marker> <spec>` (the marker names it in `ps`). It prints
 * `ready <what it holds>` once the pressure is on, and on SIGTERM frees it and exits.
 */
const WORKER = `
const fs = require('node:fs');
const os = require('node:os');
const spec = JSON.parse(process.argv[2]);
const held = [];
const done = () => {
  if (spec.file) { try { fs.rmSync(spec.file, { force: true }); } catch {} }
  process.exit(0);
};
process.on('SIGTERM', done);
process.on('SIGINT', done);
if (spec.kind === 'cpu') {
  const { Worker } = require('node:worker_threads');
  const workers = spec.workers ?? os.availableParallelism();
  const busy = 'const p = ' + spec.percent + '; for (;;) { const start = Date.now(); while (Date.now() - start < p) {} const rest = 100 - p; if (rest > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, rest); }';
  for (let i = 0; i < workers; i++) held.push(new Worker(busy, { eval: true }));
  console.log('ready cpu ' + workers + ' workers at ' + spec.percent + '%');
} else if (spec.kind === 'memory') {
  const chunk = 64 * 1024 * 1024;
  for (let left = spec.size; left > 0; left -= chunk) held.push(Buffer.alloc(Math.min(chunk, left), 1));
  console.log('ready memory ' + spec.size + ' bytes');
  setInterval(() => {}, 1 << 30);
} else if (spec.kind === 'disk') {
  const fd = fs.openSync(spec.file, 'w');
  const block = Buffer.alloc(8 * 1024 * 1024, 0x61);
  for (let left = spec.size; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(block.length, left));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  console.log('ready disk ' + spec.size + ' bytes in ' + spec.file);
  setInterval(() => {}, 1 << 30);
} else if (spec.kind === 'fds') {
  let opened = 0;
  try { for (; opened < spec.count; opened++) held.push(fs.openSync('/dev/null', 'r')); } catch {}
  console.log('ready fds ' + opened + ' of ' + spec.count);
  setInterval(() => {}, 1 << 30);
}
`;
