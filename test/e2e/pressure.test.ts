/**
 * Resource pressure while an experiment's fault holds, through `chaos-gate run` on real processes:
 * measurable while held (the worker's CPU time, resident memory, the file on disk, its open
 * descriptors), and gone after the revert, and after a `kill -9` of the gate.
 */
import { existsSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, Live } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

const SERVICE = `require('node:http').createServer((_q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;

/** The pressure workers alive now (their command line holds the marker). */
function workers(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('chaos-gate-pressure')) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

async function project(fault: string, hold = '2s'): Promise<string> {
  const port = await freePort();
  return makeProject({
    'service.js': SERVICE,
    'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - { name: api, run: exec node service.js, env: { PORT: "${port}" }, ready: { http: "http://127.0.0.1:${port}/", timeout: 10s } }
stages:
  chaos:
    experiments:
      - name: squeeze
        tags: [resource]
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s, timeout: 2s }
        steady: 500ms
        fault: ${fault}
        hold: ${hold}
        recover_within: 3s
`,
  });
}

/** Runs the CLI and, once the worker holds, measures it with `measure`. */
async function runMeasuring<T>(
  dir: string,
  measure: (pid: number) => T,
  held = /holding .* \(process group \d+\)/,
): Promise<{ code: number | null; stderr: string; measured: T }> {
  const live = new Live('dist/cli.js', ['run', '-c', 'chaos-gate.yml'], { cwd: dir });
  try {
    await live.waitFor(held);
    const [pid] = workers();
    const measured = measure(pid);
    const exit = await live.exited;
    return { code: exit.code, stderr: live.stderr, measured };
  } finally {
    live.kill();
  }
}

describe('resource pressure', () => {
  it('cpu: busy workers while held, none after', async () => {
    const dir = await project('{ pressure: cpu, workers: 2, percent: 100 }');
    const ran = await runMeasuring(dir, (pid) => {
      const before = cpuTicks(pid);
      const until = Date.now() + 500;
      while (Date.now() < until);
      return cpuTicks(pid) - before;
    });
    // Two busy threads for 500 ms: well over 50 ticks (10 ms each) of CPU time, even on a busy machine.
    expect(ran.measured).toBeGreaterThan(30);
    expect(ran.stderr).toContain('holding cpu 2 workers at 100%');
    expect(ran.code, ran.stderr).toBe(0);
    expect(workers()).toEqual([]);
    const [e] = (await readJson(join(dir, 'chaos-gate-report/metrics.json'))).experiments;
    expect(e.fault).toEqual({ pressure: 'cpu', workers: 2, percent: 100 });
  }, 60_000);

  it('memory: the worker holds the size resident, then is gone', async () => {
    const dir = await project('{ pressure: memory, size: 200MB }');
    const ran = await runMeasuring(dir, rssMb);
    expect(ran.measured).toBeGreaterThanOrEqual(200);
    expect(ran.code, ran.stderr).toBe(0);
    expect(workers()).toEqual([]);
  }, 60_000);

  it('disk: a file of the size in the path while held, removed after; fds: descriptors held, then closed', async () => {
    const dir = await project('[{ pressure: disk, path: ., size: 50MB }, { pressure: fds, count: 500 }]');
    const ran = await runMeasuring(
      dir,
      (pid) => {
        const fill = readdirSync(dir).filter((f) => f.startsWith('.chaos-gate-pressure-'));
        const fds = Math.max(...workers().map(fdCount));
        return { fill: fill.map((f) => statSync(join(dir, f)).size), fds, pid };
      },
      /holding fds/,
    );
    expect(ran.measured.fill).toEqual([50 * 1024 * 1024]);
    expect(ran.measured.fds).toBeGreaterThanOrEqual(500);
    expect(ran.code, ran.stderr).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('.chaos-gate-pressure-'))).toEqual([]);
    expect(workers()).toEqual([]);
  }, 60_000);

  it('cpu pinned: the workers run only on the CPUs given', async () => {
    const dir = await project('{ pressure: cpu, workers: 1, percent: 100, cpus: [0] }');
    const ran = await runMeasuring(dir, (pid) => /Cpus_allowed_list:\s+(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    expect(ran.measured).toBe('0');
    expect(ran.code, ran.stderr).toBe(0);
    expect(workers()).toEqual([]);
  }, 60_000);

  it('fds on a service: its own descriptor limit is lowered for the hold (EMFILE past it), and put back', async () => {
    const port = await freePort();
    // Opens 20 files per request and says whether it could.
    const service = `const fs = require('node:fs');
require('node:http').createServer((_q, s) => {
  const fds = [];
  try { for (let i = 0; i < 20; i++) fds.push(fs.openSync('/dev/null', 'r')); s.end('ok'); }
  catch (e) { s.writeHead(503).end(e.code); }
  finally { for (const fd of fds) fs.closeSync(fd); }
}).listen(Number(process.env.PORT), '127.0.0.1');`;
    const dir = await makeProject({
      'service.js': service,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - { name: api, run: exec node service.js, env: { PORT: "${port}" }, ready: { http: "http://127.0.0.1:${port}/", timeout: 10s } }
stages:
  chaos:
    experiments:
      - name: fd-exhaustion
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s, timeout: 2s }
        steady: 1s
        fault: { pressure: fds, service: api, count: 10 }
        hold: 1500ms
        recover_within: 3s
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toMatch(/holding fds: service api limited to \d+ descriptors \(\d+ open, 10 more allowed; was \d+\)/);
    const [e] = (await readJson(join(dir, 'chaos-gate-report/metrics.json'))).experiments;
    // Every request needs 20 more descriptors: all fail during the hold, none before or after.
    expect(e.phases.steady.success_rate).toBe(1);
    expect(e.phases.fault.success_rate).toBe(0);
    expect(e.phases.recovery.success_rate).toBe(1);
    expect(ran.code, ran.stderr).toBe(0);
  }, 60_000);

  it('disk free: writes until only that share of the disk is free; Ctrl-C ends it and removes the file', async () => {
    const fs = statfsSync(tmpdir());
    const freePercent = (fs.bavail / fs.blocks) * 100;
    // About 20 MB less free than now.
    const target = (freePercent - (20 * 1024 * 1024 * 100) / (fs.blocks * fs.bsize)).toFixed(6);
    const dir = await project(`{ pressure: disk, path: ., free: "${target}%" }`, '30s');
    const live = new Live('dist/cli.js', ['run', '-c', 'chaos-gate.yml'], { cwd: dir });
    try {
      await live.waitFor(/holding disk (\d+) bytes/);
      const written = Number(/holding disk (\d+) bytes/.exec(live.stderr + live.stdout)![1]);
      expect(written).toBeGreaterThan(15 * 1024 * 1024);
      expect(written).toBeLessThan(25 * 1024 * 1024);
      const exit = await live.stop('SIGINT');
      expect(exit.code).toBe(1);
      expect(workers()).toEqual([]);
      expect(readdirSync(dir).filter((f) => f.startsWith('.chaos-gate-pressure-'))).toEqual([]);
    } finally {
      live.kill();
    }
  }, 60_000);

  it('ends with a kill -9 of the gate: the worker is stopped and its file removed, and a new run starts clean', async () => {
    const dir = await project('{ pressure: disk, path: ., size: 20MB }', '30s');
    const live = new Live('dist/cli.js', ['run', '-c', 'chaos-gate.yml'], { cwd: dir });
    try {
      await live.waitFor(/holding disk/);
      expect(workers()).toHaveLength(1);
      await live.stop('SIGKILL');
      expect(await eventually(() => workers().length === 0, 5000)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith('.chaos-gate-pressure-'))).toEqual([]);
    } finally {
      live.kill();
    }
    const again = await cli(['validate', '-c', 'chaos-gate.yml'], dir);
    expect(again.code).toBe(0);
  }, 60_000);

  it('refuses memory pressure that would leave the machine without room: the stage fails naming it, the report is written', async () => {
    const dir = await project('{ pressure: memory, size: 100000GB }');
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/stage chaos: failed — experiment "squeeze": memory pressure of \d+ MB would leave less than 512 MB free/);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'chaos-gate-report/metrics.json'))).toBe(true);
    expect(workers()).toEqual([]);
  }, 60_000);
});
