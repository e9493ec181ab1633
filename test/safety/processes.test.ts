/**
 * How a run ends with the processes it started: a stop during a fault is a cancellation, a
 * service that is not ready says why, a service gets its grace to flush, and a gate killed with
 * -9 takes its services with it. Real CLI processes, real signals.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive } from '../helpers/leftovers.js';
import { eventually, killAll, Live } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

describe('Ctrl-C during a fault hold', () => {
  it('reports the experiment and its stage as cancelled, not as failing to recover', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
mocks:
  - name: api
    listen: 127.0.0.1:${port}
    routes: [{ respond: { status: 200 } }]
stages:
  chaos:
    experiments:
      - name: outage
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s }
        steady: 300ms
        fault: { mock: api, status: 503 }
        hold: 30s
        recover_within: 4s
`,
    });
    const live = new Live('dist/cli.js', ['run', '-c', 'chaos-gate.yml'], { cwd: dir });
    try {
      // The fault is on: the mock answers 503.
      expect(await eventually(() => live.stderr.includes('experiment "outage"'), 20_000)).toBe(true);
      let faulted = false;
      const deadline = performance.now() + 20_000;
      while (!faulted && performance.now() < deadline)
        faulted =
          (await fetch(`http://127.0.0.1:${port}/`)
            .then((r) => r.status)
            .catch(() => 0)) === 503;
      expect(faulted).toBe(true);
      const exit = await live.stop('SIGINT');
      expect(exit.code).toBe(1);
    } finally {
      live.kill();
    }
    const out = live.stdout + live.stderr;
    expect(out).toContain('experiment "outage": cancelled (the run was stopped)');
    expect(out).not.toContain('did not recover');
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(report.stages.chaos.status).toBe('cancelled');
    expect(report.experiments[0]).toMatchObject({ name: 'outage', ok: false, cancelled: true, recovery_time_ms: null });
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary).toContain('1 of 1 experiments cancelled');
    expect(summary).not.toContain('did not recover');
    const junit = await readFile(join(dir, 'chaos-gate-report/junit.xml'), 'utf8');
    expect(junit).toContain('cancelled: the run was stopped during the experiment');
  });
});

describe('a service not ready in time', () => {
  it('says what its health URL answered, not that it exited', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'svc.cjs': `require('http').createServer((q, s) => { s.statusCode = 503; s.end('warming up'); }).listen(${port}, '127.0.0.1');`,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: slow
    run: node svc.cjs
    ready: { http: "http://127.0.0.1:${port}/health", timeout: 1s }
stages:
  unit: { run: "true" }
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(`service "slow" not ready after 1s (http://127.0.0.1:${port}/health answered 503)`);
    expect(ran.stderr).not.toContain('exited before it was ready');
  });

  it('says the port refused when nothing listens', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: idle
    run: node -e "setInterval(() => {}, 1000)"
    ready: { tcp: "127.0.0.1:${port}", timeout: 500ms }
stages:
  unit: { run: "true" }
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain(`service "idle" not ready after 500ms (tcp 127.0.0.1:${port} refused)`);
  });
});

describe('stopping a service', () => {
  // `sh -c` dies on SIGTERM at once; the node process under it must still get its grace.
  const flusher = (port: number) => `
const fs = require('fs');
fs.writeFileSync('pid', String(process.pid));
require('net').createServer().listen(${port}, '127.0.0.1');
process.on('SIGTERM', () => setTimeout(() => { fs.writeFileSync('flushed', 'yes'); process.exit(0); }, 300));
`;

  it('sends SIGTERM to the whole group and lets a flush-on-exit finish', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'service.js': flusher(port),
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: api
    run: node service.js
    ready: { tcp: "127.0.0.1:${port}" }
stages:
  unit: { run: "true" }
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(0);
    expect(existsSync(join(dir, 'flushed'))).toBe(true);
  });

  it('SIGKILLs a service that ignores SIGTERM after its stop_timeout', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'service.js': `require('fs').writeFileSync('pid', String(process.pid)); process.on('SIGTERM', () => {}); require('net').createServer().listen(${port}, '127.0.0.1');`,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: stubborn
    run: node service.js
    ready: { tcp: "127.0.0.1:${port}" }
    stop_timeout: 300ms
stages:
  unit: { run: "true" }
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    const pid = Number(await readFile(join(dir, 'pid'), 'utf8'));
    try {
      expect(ran.code).toBe(0);
      expect(alive(pid)).toBe(false);
    } finally {
      killAll([pid]);
    }
  });
});

describe('kill -9 of the gate', () => {
  it('takes its services and stage processes with it (a supervisor holds a pipe to the gate)', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'service.js': `require('fs').writeFileSync('service.pid', String(process.pid)); require('net').createServer().listen(${port}, '127.0.0.1');`,
      'stage.js': `require('fs').writeFileSync('stage.pid', String(process.pid)); console.log('stage up'); setInterval(() => {}, 1000);`,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: api
    run: node service.js
    ready: { tcp: "127.0.0.1:${port}" }
stages:
  unit: { run: node stage.js }
`,
    });
    const live = new Live('dist/cli.js', ['run', '-c', 'chaos-gate.yml'], { cwd: dir });
    let pids: number[] = [];
    try {
      await live.waitFor('stage up');
      pids = [Number(await readFile(join(dir, 'service.pid'), 'utf8')), Number(await readFile(join(dir, 'stage.pid'), 'utf8'))];
      expect(pids.every(alive)).toBe(true);
      await live.stop('SIGKILL');
      expect(await eventually(() => !pids.some(alive), 5000)).toBe(true);
    } finally {
      live.kill();
      killAll(pids);
    }
  });

  it('leaves a stale service whose port the next run finds taken: it stops with exit 3 naming it', async () => {
    const port = await freePort();
    const stale = (await import('node:net')).createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => stale.once('listening', resolve));
    try {
      const dir = await makeProject({
        'service.js': `require('fs').writeFileSync('started', 'yes'); require('net').createServer().listen(${port}, '127.0.0.1');`,
        'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: api
    run: node service.js
    ready: { tcp: "127.0.0.1:${port}" }
stages:
  unit: { run: "true" }
`,
      });
      const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
      expect(ran.code).toBe(3);
      expect(ran.stderr).toContain(`service "api": 127.0.0.1:${port} already answers before the service started`);
      expect(existsSync(join(dir, 'started'))).toBe(false);
    } finally {
      await new Promise((resolve) => stale.close(resolve));
    }
  });
});
