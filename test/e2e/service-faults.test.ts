/**
 * Process faults on declared services through `chaos-gate run`: a tiny node HTTP service started by
 * the gate, load on it, and a kill, a freeze or a kill it cannot come back from. Each service
 * writes its pid on every start, so the test can check that nothing it started outlives the run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive } from '../helpers/leftovers.js';
import { Live } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

/** Sleeps STARTUP_MS before listening, as a real service warms up; every start appends its pid. */
const SERVICE = `
const { appendFileSync } = require('node:fs');
const { createServer } = require('node:http');
appendFileSync('pids.txt', process.pid + '\\n');
// Proof that a stop reached it running: a frozen process never runs this.
process.on('SIGTERM', () => (appendFileSync('terms.txt', process.pid + '\\n'), process.exit(0)));
setTimeout(() => createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1'), Number(process.env.STARTUP_MS));
`;
const STARTUP_MS = 300;

async function project(
  fault: string,
  options: {
    restart?: string;
    hold?: string;
    load?: string;
    recovery?: string;
    thresholds?: string;
    run?: string;
    ttl?: string;
    files?: Record<string, string>;
  } = {},
): Promise<string> {
  const port = await freePort();
  const config = `version: 1
control: { listen: 127.0.0.1:0 }
${options.ttl ? `safety: { fault_ttl: ${options.ttl} }\n` : ''}services:
  - name: api
    run: exec node service.js
    env: { PORT: "${port}", STARTUP_MS: "${STARTUP_MS}" }
    ready: { http: "http://127.0.0.1:${port}/", timeout: 10s }
    restart: ${options.restart ?? 'never'}
stages:
  chaos:
${options.run ? `    run: ${options.run}\n    env: { SERVICE_URL: "http://127.0.0.1:${port}/" }\n` : ''}    experiments:
      - name: crash
        load: { url: "http://127.0.0.1:${port}/", ${options.load ?? 'rate: 50/s, timeout: 2s'} }
        steady: 1s
        fault: ${fault}
        hold: ${options.hold ?? '1s'}
        recover_within: 8s
${options.recovery ? `        recovery: ${options.recovery}\n` : ''}${options.thresholds ?? ''}`;
  return makeProject({ 'chaos-gate.yml': config, 'service.js': SERVICE, ...options.files });
}

/** The pids of every start of the service; none may be alive (or frozen) once the run has returned. */
async function expectNothingLeft(dir: string): Promise<number[]> {
  const pids = (await readFile(join(dir, 'pids.txt'), 'utf8')).trim().split('\n').map(Number);
  expect(pids.filter(alive)).toEqual([]);
  return pids;
}

describe('service faults', () => {
  it('a killed service with restart: on-failure is restarted; recovery_time covers its start-up and readiness', async () => {
    const dir = await project('{ service: api, action: kill }', {
      restart: 'on-failure',
      thresholds: 'thresholds:\n  chaos.crash.steady.http_req_failed: rate<0.01\n  chaos.crash.recovery_time: max<8000\n',
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toContain('service api: kill (experiment "crash")');
    expect(ran.stderr).toContain('service api: restarting (restart 1 of at most 5)');
    expect(ran.stderr).toContain('service api: ready again after restart 1');
    expect(ran.stderr).not.toContain('exited during the run');
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [experiment] = report.experiments;
    expect(experiment.fault).toEqual({ service: 'api', action: 'kill' });
    expect(await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8')).toContain('service api: kill');
    // Down for the hold: every request wholly inside it failed.
    expect(experiment.phases.fault.requests).toBeGreaterThan(0);
    expect(experiment.phases.fault.success_rate).toBe(0);
    // The restart sleeps STARTUP_MS before it listens: recovery cannot come sooner.
    expect(experiment.recovery_time_ms).toBeGreaterThanOrEqual(STARTUP_MS);
    expect(report.thresholds.every((t: { ok: boolean }) => t.ok)).toBe(true);
    expect(report.verdict).toBe('pass');
    expect(ran.code).toBe(0);
    // Two starts (the first and the restart), neither left running.
    expect(await expectNothingLeft(dir)).toHaveLength(2);
  }, 60_000);

  it("a frozen service's requests time out during the hold and succeed after it", async () => {
    const dir = await project('{ service: api, action: freeze }', { hold: '2s', load: 'rate: 40/s, timeout: 500ms' });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toContain('service api: freeze (experiment "crash")');
    expect(ran.stderr).toContain('service api: resumed');
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const { fault, recovery } = report.experiments[0].phases;
    expect(fault.requests).toBeGreaterThan(0);
    expect(fault.metrics.http_req_failed.hits).toBeGreaterThan(0);
    expect(recovery.requests).toBeGreaterThan(0);
    expect(recovery.metrics.http_req_failed.hits).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(ran.code).toBe(0);
    // One start, never restarted, and not left stopped either.
    expect(await expectNothingLeft(dir)).toHaveLength(1);
  }, 60_000);

  it('a kill without a restart policy fails the run, naming the service', async () => {
    // It cannot recover: watch for 2 s, not the default twice recover_within.
    const dir = await project('{ service: api, action: kill }', { hold: '500ms', recovery: '2s' });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toContain('service "api" was killed by experiment "crash" and stayed down: it has restart: never');
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(report.errors).toContain(
      'service "api" was killed by experiment "crash" and stayed down: it has restart: never (set restart: on-failure to bring it back)',
    );
    expect(report.verdict).toBe('fail');
    expect(ran.code).toBe(1);
    await expectNothingLeft(dir);
  }, 60_000);

  it('Ctrl-C while a service is frozen resumes its group before stopping it: nothing is left stopped', async () => {
    // Frozen through the API with no duration: only the shutdown can resume it (fault_ttl is 5 min).
    const script = `
await fetch(process.env.CHAOS_GATE_API + '/services/api/faults', { method: 'POST', body: JSON.stringify({ action: 'freeze' }) });
setInterval(() => {}, 1000);
`;
    const dir = await project('{ service: api, action: freeze }', { run: 'node freeze.mjs', files: { 'freeze.mjs': script } });
    const live = new Live('dist/cli.js', ['run', '-c', 'chaos-gate.yml'], { cwd: dir });
    try {
      await live.waitFor('service api: freeze (the control API)');
      const exit = await live.stop('SIGINT');
      expect(exit.code).toBe(1);
    } finally {
      live.kill();
    }
    const [pid] = await expectNothingLeft(dir);
    // It ran its SIGTERM handler: SIGCONT came first, not a SIGKILL of a stopped process.
    expect(await readFile(join(dir, 'terms.txt'), 'utf8')).toBe(`${pid}\n`);
  }, 60_000);

  it('the control API lists services and faults them, with Toxiproxy-style errors; a freeze expires after fault_ttl', async () => {
    // The chaos stage's own command drives the API and writes what it saw.
    const script = `
import { writeFileSync } from 'node:fs';
const api = process.env.CHAOS_GATE_API;
const call = async (method, path, body) => {
  const r = await fetch(api + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
};
const state = async () => (await call('GET', '/services')).body.api;
const until = async (test) => { const t0 = Date.now(); let s; while (!test((s = await state())) && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 50)); return s; };
const out = { list: await call('GET', '/services') };
out.unknown = await call('POST', '/services/nope/faults', { action: 'kill' });
out.badAction = await call('POST', '/services/api/faults', { action: 'explode' });
const frozenAt = Date.now();
out.freeze = await call('POST', '/services/api/faults', { action: 'freeze' });
out.again = await call('POST', '/services/api/faults', { action: 'kill' });
out.whileFrozen = await fetch(process.env.SERVICE_URL, { signal: AbortSignal.timeout(300) }).then((r) => r.status, () => 'timed out');
out.resumed = await until((s) => s.state === 'running');
out.frozenMs = Date.now() - frozenAt;
out.afterResume = (await fetch(process.env.SERVICE_URL)).status;
out.kill = await call('POST', '/services/api/faults', { action: 'kill' });
out.restarted = await until((s) => s.state === 'running' && s.restarts === 1);
out.afterRestart = (await fetch(process.env.SERVICE_URL)).status;
writeFileSync('api.json', JSON.stringify(out));
`;
    const dir = await project('{ service: api, action: freeze }', {
      restart: 'on-failure',
      hold: '200ms',
      ttl: '1s',
      run: 'node api.mjs',
      files: { 'api.mjs': script },
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    const out = await readJson(join(dir, 'api.json'));
    expect(out.list).toMatchObject({ status: 200, body: { api: { name: 'api', state: 'running', restarts: 0, restart: 'on-failure', fault: null } } });
    expect(out.unknown).toEqual({ status: 404, body: { error: 'service nope not found', status: 404 } });
    expect(out.badAction.status).toBe(400);
    expect(out.badAction.body.error).toMatch(/^action: expected one of kill, stop, freeze/);
    expect(out.freeze).toMatchObject({ status: 201, body: { state: 'frozen', fault: 'freeze' } });
    expect(out.again).toEqual({ status: 409, body: { error: 'service api is under a freeze fault; it takes a fault only while it runs', status: 409 } });
    expect(out.whileFrozen).toBe('timed out');
    // No DELETE was sent: safety.fault_ttl (1 s) resumed it.
    expect(out.resumed).toMatchObject({ state: 'running', fault: null });
    expect(out.frozenMs).toBeGreaterThanOrEqual(1000);
    expect(out.afterResume).toBe(200);
    expect(out.kill.status).toBe(201);
    expect(out.restarted).toMatchObject({ state: 'running', restarts: 1 });
    expect(out.afterRestart).toBe(200);
    expect(ran.stderr).not.toContain('exited during the run');
    expect(ran.code).toBe(0);
    expect(await expectNothingLeft(dir)).toHaveLength(2);
  }, 60_000);
});
