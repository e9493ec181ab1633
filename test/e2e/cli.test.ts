import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, makeProject, readJson } from '../helpers/project.js';

/** A stage script that writes a pytest-style JUnit file with `passed` passing and `failed` failing cases. */
const junitWriter = `
const [file, passed, failed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const fs = require('node:fs');
const path = require('node:path');
fs.mkdirSync(path.dirname(file), { recursive: true });
let cases = '';
for (let i = 0; i < passed; i++) cases += '<testcase classname="tests.t" name="ok_' + i + '" time="0.01"/>';
for (let i = 0; i < failed; i++) cases += '<testcase classname="tests.t" name="bad_' + i + '"><failure message="assert 1 == 2">trace</failure></testcase>';
fs.writeFileSync(file, '<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="' + (passed + failed) + '">' + cases + '</testsuite></testsuites>');
`;

const base = (stages: string, extra = '') => `version: 1
control: { listen: 127.0.0.1:0 }
stages:
${stages}
${extra}`;

describe('chaos-gate run (the CLI, as a user runs it)', () => {
  it('runs three command stages in order, writes metrics.json and junit.xml, and exits 1 when one fails', async () => {
    const dir = await makeProject({
      'junit.cjs': junitWriter,
      'chaos-gate.yml': base(`  unit: { run: "node junit.cjs reports/unit/r.xml 4 0 && echo unit-ran", junit: "reports/unit/*.xml" }
  integration: { run: "node junit.cjs reports/int/r.xml 2 1", junit: ["reports/int/*.xml"] }
  chaos: { run: "echo chaos-ran; exit 3" }`),
    });
    const ran = await cli(['run', '--config', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('[unit] unit-ran');
    expect(ran.stderr).toContain('FAIL  1/3 stages passed');
    expect(ran.stderr).toContain('✘ stage integration: failed — 1 test failed');
    expect(ran.stderr).toContain('✘ stage chaos: failed — exit code 3');

    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(metrics.version).toBe(1);
    expect(metrics.verdict).toBe('fail');
    expect(Object.keys(metrics.stages)).toEqual(['unit', 'integration', 'chaos']);
    expect(metrics.stages.unit).toMatchObject({ status: 'passed', exit_code: 0, tests: { total: 4, passed: 4, failed: 0, errors: 0, skipped: 0 } });
    expect(metrics.stages.integration).toMatchObject({ status: 'failed', exit_code: 0, tests: { total: 3, passed: 2, failed: 1 } });
    expect(metrics.stages.integration.failures).toEqual([{ suite: 'tests.t', name: 'bad_0', message: 'assert 1 == 2' }]);
    expect(metrics.stages.chaos).toMatchObject({ status: 'failed', exit_code: 3, reason: 'exit code 3' });
    expect(typeof metrics.stages.unit.duration_ms).toBe('number');

    const junit = await readFile(join(dir, 'chaos-gate-report/junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(3);
    // Each suite: the stage's outcome as one case, then its own test cases.
    expect(junit).toMatch(/<testsuite name="unit" time="[\d.]+" tests="5" failures="0" errors="0" skipped="0">/);
    expect(junit).toMatch(/<testsuite name="integration" time="[\d.]+" tests="4" failures="2"/);
    expect(junit).toMatch(/<testsuite name="chaos" time="[\d.]+" tests="1" failures="1"/);
    expect(junit).toContain('<failure message="exit code 3" type="failed"/>');
    expect(await readFile(join(dir, 'chaos-gate-report/logs/unit.log'), 'utf8')).toContain('unit-ran');
  });

  it('passes with exit 0 and gates metrics the tests report', async () => {
    const dir = await makeProject({
      'chaos-gate.yml': base(
        `  unit: { run: "echo '{\\"name\\":\\"deadlocks\\",\\"type\\":\\"counter\\",\\"value\\":0}' >> $CHAOS_GATE_METRICS" }`,
        'thresholds:\n  deadlocks: ["count==0"]\n  unit.deadlocks: count<1\n',
      ),
    });
    const ran = await cli(['run', '--config', 'chaos-gate.yml', '--report-dir', 'out'], dir);
    expect(ran.stderr).toContain('PASS  1/1 stages passed, 2/2 thresholds held');
    expect(ran.code).toBe(0);
    const metrics = await readJson(join(dir, 'out/metrics.json'));
    expect(metrics.metrics.deadlocks).toEqual({ type: 'counter', count: 0, rate: 0 });
    expect(metrics.thresholds).toEqual([
      { metric: 'deadlocks', expression: 'count==0', actual: 0, limit: 0, ok: true, outcome: 'held' },
      { metric: 'unit.deadlocks', expression: 'count<1', actual: 0, limit: 1, ok: true, outcome: 'held' },
    ]);
  });

  it('fails a stage whose command fails even when its JUnit says all passed', async () => {
    const dir = await makeProject({
      'junit.cjs': junitWriter,
      'chaos-gate.yml': base('  unit: { run: "node junit.cjs r/u.xml 3 0; exit 1", junit: "r/*.xml" }'),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(metrics.stages.unit).toMatchObject({ status: 'failed', reason: 'exit code 1', tests: { passed: 3 } });
  });

  it('kills a stage that passes its timeout, with its children', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': base('  unit: { run: "sleep 30 & sleep 30; wait", timeout: 300ms }') });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(metrics.stages.unit).toMatchObject({ status: 'timed_out', exit_code: null, reason: 'timed out after 300ms' });
  });

  it('runs a subset with --stage and stops after max_failures', async () => {
    const dir = await makeProject({
      'chaos-gate.yml': base(
        '  unit: { run: "exit 1" }\n  integration: { run: "true" }\n  chaos: { run: "true" }',
        'max_failures: 1\nthresholds:\n  unit.deadlocks: count==0\n',
      ),
    });
    const subset = await cli(['run', '-c', 'chaos-gate.yml', '--stage', 'integration', '--stage', 'chaos'], dir);
    expect(subset.code).toBe(0);
    const partial = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(Object.keys(partial.stages)).toEqual(['integration', 'chaos']);
    // A threshold on a stage left out is skipped, not failed for want of data, and says why.
    expect(partial.thresholds).toEqual([
      { metric: 'unit.deadlocks', expression: 'count==0', actual: null, limit: 0, ok: true, outcome: 'skipped', reason: '--stage integration,chaos' },
    ]);
    expect(subset.stderr).toContain('0/1 thresholds held, 1 skipped: --stage integration,chaos');

    const all = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(all.code).toBe(1);
    const stages = (await readJson(join(dir, 'chaos-gate-report/metrics.json'))).stages;
    expect([stages.unit.status, stages.integration.status, stages.chaos.status]).toEqual(['failed', 'not_run', 'not_run']);
  });

  it('prints the plan with --dry-run and starts nothing', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': base('  unit: { run: "touch ran" }') });
    const ran = await cli(['run', '-c', 'chaos-gate.yml', '--dry-run'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('stage        unit: touch ran');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    expect(existsSync(join(dir, 'chaos-gate-report'))).toBe(false);
  });

  it('exits 2 on a broken config, naming its line, with nothing started and no stack trace', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': base('  unit: { run: "touch ran", timeout: soon }') });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe('error: chaos-gate.yml:4:38: stages.unit.timeout: expected a duration like 250ms, 30s or 10m, got "soon"\n');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it("exits 2 on a threshold its metric's type cannot answer, before anything starts", async () => {
    const dir = await makeProject({ 'chaos-gate.yml': base('  unit: { run: "touch ran" }', 'thresholds:\n  http_req_failed: ["rate<0.05", "p(99)<1"]\n') });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(
      'error: chaos-gate.yml:6:34: thresholds.http_req_failed[1]: "p(99)<1": p(N) does not apply to http_req_failed, a rate (use rate, count)\n',
    );
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    expect(existsSync(join(dir, 'chaos-gate-report'))).toBe(false);
  });

  it("fails, naming why, a threshold on a user's metric whose reported type cannot answer it", async () => {
    const dir = await makeProject({
      'chaos-gate.yml': base(
        `  unit: { run: "echo '{\\"name\\":\\"stale_reads\\",\\"type\\":\\"rate\\",\\"value\\":false}' >> $CHAOS_GATE_METRICS" }`,
        'thresholds:\n  stale_reads: ["rate==0", "p(99)<1"]\n',
      ),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('✘ stale_reads p(99)<1: p(N) does not apply to a rate (use rate, count)');
    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(metrics.thresholds).toEqual([
      { metric: 'stale_reads', expression: 'rate==0', actual: 0, limit: 0, ok: true, outcome: 'held', interval: [0, 0.793451], confidence: 0.95 },
      {
        metric: 'stale_reads',
        expression: 'p(99)<1',
        actual: null,
        limit: 1,
        ok: false,
        outcome: 'broken',
        reason: 'p(N) does not apply to a rate (use rate, count)',
      },
    ]);
  });

  it('exits 2 on bad usage', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': base('  unit: { run: "true" }') });
    expect((await cli(['run', '--no-such-option'], dir)).code).toBe(2);
    const missing = await cli(['validate'], await makeProject({}));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('chaos-gate.yml');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const unknown = await cli(['run', '-c', 'chaos-gate.yml', '--stage', 'smoke'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown stage "smoke"; stages are unit, integration, load, chaos');
  });

  it('exits 3 when the environment cannot start (a port taken)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const dir = await makeProject({ 'chaos-gate.yml': `version: 1\ncontrol: { listen: 127.0.0.1:${port} }\nstages:\n  unit: { run: "touch ran" }\n` });
      const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
      expect(ran.code).toBe(3);
      expect(ran.stderr).toContain(`cannot start the control API on 127.0.0.1:${port}: the port is already in use`);
      expect(existsSync(join(dir, 'ran'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('validate checks a config without starting anything; --config defaults to ./chaos-gate.yml', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': base('  unit: { run: "touch ran" }') });
    const ran = await cli(['validate'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('chaos-gate.yml is valid');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('judges thresholds relative to a baseline report and shows the deltas', async () => {
    const stage = (ms: number) => `  unit: { run: "echo '{\\"name\\":\\"step\\",\\"type\\":\\"trend\\",\\"value\\":${ms}}' >> $CHAOS_GATE_METRICS" }`;
    const extra = 'thresholds:\n  step: ["max<baseline*1.2"]\n';
    const dir = await makeProject({ 'base.yml': base(stage(100), extra), 'slow.yml': base(stage(150), extra), 'fast.yml': base(stage(110), extra) });
    expect((await cli(['run', '-c', 'base.yml', '-r', 'base'], dir)).code).toBe(1); // no baseline yet: "no baseline value"
    const slow = await cli(['run', '-c', 'slow.yml', '-r', 'slow', '--baseline', 'base/metrics.json'], dir);
    expect(slow.stderr).toContain('✘ step max<baseline*1.2: actual 150, limit 120');
    expect(slow.code).toBe(1);
    const fast = await cli(['run', '-c', 'fast.yml', '-r', 'fast', '--baseline', 'base/metrics.json'], dir);
    expect(fast.code).toBe(0);
    expect(await readFile(join(dir, 'fast/summary.md'), 'utf8')).toMatch(/\+10(\.0)?%/);
    const missing = await cli(['run', '-c', 'fast.yml', '--baseline', 'nowhere.json'], dir);
    expect(missing.stderr).toContain('could not read the baseline: --baseline: cannot read nowhere.json');
  });
});
