/**
 * Inputs a careless or hostile stage can produce must never cost the verdict or the report:
 * a corrupt JUnit file, a trend value past the histogram, a gigantic line. Each runs the CLI
 * as a user does and reads what it wrote.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson, ROOT } from '../helpers/project.js';

const base = (stages: string, extra = '') => `version: 1
control: { listen: 127.0.0.1:0 }
stages:
${stages}
${extra}`;

const GOOD = '<?xml version="1.0"?><testsuite name="ok"><testcase name="passes"/></testsuite>';
// `</testsuite>` is missing: the failure inside must not vanish with the file.
const CORRUPT = '<testsuite name="bad"><testcase name="fails"><failure message="real failure">boom</failure></testcase>';

describe('a corrupt JUnit file', () => {
  it('next to a good one fails the stage, named in the summary, junit.xml and metrics.json', async () => {
    const dir = await makeProject({
      'make.cjs': `const fs = require('fs'); fs.mkdirSync('r', { recursive: true }); fs.writeFileSync('r/a.xml', ${JSON.stringify(GOOD)}); fs.writeFileSync('r/b.xml', ${JSON.stringify(CORRUPT)});`,
      'chaos-gate.yml': base('  unit: { run: "node make.cjs", junit: "r/*.xml" }'),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('FAIL');
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(report.stages.unit.status).toBe('failed');
    expect(report.stages.unit.reason).toBe('could not parse r/b.xml: line 1, column 102: unclosed tag: testsuite');
    expect(report.stages.unit.tests.passed).toBe(1);
    expect(await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8')).toContain('could not parse r/b.xml');
    expect(await readFile(join(dir, 'chaos-gate-report/junit.xml'), 'utf8')).toContain('could not parse r/b.xml');
  });

  it('alone says it could not be parsed, not that no file matched', async () => {
    const dir = await makeProject({
      'b.xml': '',
      'make.cjs': `require('fs').writeFileSync('b.xml', ${JSON.stringify(CORRUPT)});`,
      'chaos-gate.yml': base('  unit: { run: "node make.cjs", junit: "b.xml" }'),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(report.stages.unit.reason).toBe('could not parse b.xml: line 1, column 102: unclosed tag: testsuite');
    expect(report.stages.unit.reason).not.toContain('no JUnit file matched');
  });
});

describe('a JUnit file past report.junit_limit', () => {
  // `npm run stress` runs the same path with a 200 MB file and the default limit.
  it('keeps the counts exact, lists cases within the limit and says in the summary and junit.xml how many it left out', async () => {
    const make = `const cases = []; for (let i = 0; i < 2000; i++) cases.push(i % 4 ? '<testcase classname="s" name="case ' + i + '"><system-out>' + 'o'.repeat(5000) + '</system-out></testcase>' : '<testcase classname="s" name="case ' + i + '"><failure>line ' + i + '\\n' + 'x'.repeat(5000) + '</failure></testcase>'); require('fs').writeFileSync('big.xml', '<testsuite name="s">' + cases.join('') + '</testsuite>');`;
    const dir = await makeProject({
      'make.cjs': make,
      'chaos-gate.yml': base('  unit: { run: "node make.cjs", junit: "big.xml" }', 'report: { junit_limit: 64KB }'),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(report.stages.unit.tests).toEqual({ total: 2000, passed: 1500, failed: 500, errors: 0, skipped: 0 });
    expect(report.stages.unit.failures[0].message).toBe('line 0');
    const note = /^(\d+) of 2000 test cases not listed in junit\.xml \(report\.junit_limit keeps 64 KB of cases; the counts are exact\)$/.exec(
      report.stages.unit.tests_note,
    );
    expect(note).not.toBeNull();
    const junit = await readFile(join(dir, 'chaos-gate-report/junit.xml'), 'utf8');
    const listed = junit.match(/<testcase classname="s"/g)?.length ?? 0;
    expect(listed + Number(note![1])).toBe(2000);
    expect(junit.length).toBeLessThan(200 * 1024);
    expect(junit).toContain('name="chaos-gate.tests_note"');
    expect(await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8')).toContain(`${note![1]} of 2000 test cases not listed in junit.xml`);
  });
});

describe('an internal error', () => {
  // A stage, an experiment, the judge and each report writer: the seam makes that phase throw.
  const phases = ['stage', 'experiment', 'judge', 'report:metrics.json', 'report:junit.xml', 'report:summary.md', 'report:report.html'];

  it.each(phases)('in %s still writes metrics.json, junit.xml and summary.md naming it, and exits 3', async (phase) => {
    const port = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': base(
        `  unit: { run: "echo unit-ran" }
  chaos:
    experiments:
      - name: blip
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s }
        steady: 200ms
        fault: { mock: api, status: 503 }
        hold: 200ms
        recovery: 3s`,
        `mocks:
  - name: api
    listen: 127.0.0.1:${port}
    routes: [{ respond: { status: 200 } }]
thresholds:
  http_req_failed: ["rate<0.9"]`,
      ),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir, { CHAOS_GATE_TEST_THROW_IN: phase });
    expect(ran.code).toBe(3);
    const named = `injected failure in ${phase}`;
    expect(ran.stderr).toContain(named);
    expect(ran.stderr).toContain('FAIL');
    const metrics = await readFile(join(dir, 'chaos-gate-report/metrics.json'), 'utf8');
    const junit = await readFile(join(dir, 'chaos-gate-report/junit.xml'), 'utf8');
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    for (const text of [metrics, junit, summary]) expect(text).toContain(named);
    const report = JSON.parse(metrics);
    expect(report.verdict).toBe('fail');
    // What is known is kept: the unit stage ran and passed unless its own phase threw.
    if (phase !== 'stage' && phase !== 'report:metrics.json') expect(report.stages.unit.status).toBe('passed');
  });
});

describe('a trend value past the histogram', () => {
  it('is refused by its line, in CHAOS_GATE_METRICS and POST /metrics, and the run goes on to its report', async () => {
    const write = `
const huge = JSON.stringify({ name: 'lat', type: 'trend', value: 1e13 });
require('fs').appendFileSync(process.env.CHAOS_GATE_METRICS, huge + '\\n' + JSON.stringify({ name: 'lat', type: 'trend', value: 5 }) + '\\n');
fetch(process.env.CHAOS_GATE_API + '/metrics', { method: 'POST', body: huge }).then(async (r) => console.log('answer', r.status, await r.text()));
`;
    const dir = await makeProject({
      'write.cjs': write,
      'chaos-gate.yml': base('  unit: { run: "node write.cjs" }', 'thresholds:\n  "unit.lat": ["max<10"]'),
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).not.toContain('internal error');
    expect(ran.stderr).toMatch(/metrics line skipped: .*unit\.jsonl:1: value 10000000000000 is past the largest trend value \(1000000000000 ms\)/);
    expect(ran.stdout + ran.stderr).toContain('answer 400');
    expect(ran.stdout + ran.stderr).toContain('body line:1: value 10000000000000 is past the largest trend value');
    expect(ran.code).toBe(0);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(report.stages.unit.metrics.lat).toMatchObject({ count: 1, max: 5 });
  });
});

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

describe('a stage that prints without end', () => {
  // The same code as a 1 GB stage (npm run stress), at a size the suite affords: a 3 MB line and 2 MB of lines.
  it('has over-long lines cut, says so once, and keeps only the head and tail of its log', async () => {
    const print = `
const out = (t) => process.stdout.write(t);
for (let i = 0; i < 20000; i++) out('first-half line ' + i + ' ' + 'y'.repeat(40) + '\\n');
out('x'.repeat(3 * 1024 * 1024) + '\\n');
out('x'.repeat(2 * 1024 * 1024) + '\\n');
for (let i = 0; i < 20000; i++) out('second-half line ' + i + ' ' + 'y'.repeat(40) + '\\n');
out('the end\\n');
`;
    const dir = await makeProject({
      'print.cjs': print,
      'chaos-gate.yml': base('  unit: { run: "node print.cjs" }', 'report: { log_limit: 64KB }'),
    });
    // The terminal echoes the (cut) lines: more than execFile's default buffer.
    const ran = await runCli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stderr.match(/lines of output longer than 1 MB cut/g)).toHaveLength(1);
    expect(ran.stderr).toContain('2 lines of output longer than 1 MB cut (each says so in logs/unit.log)');
    expect(ran.stderr).toMatch(/logs\/unit\.log keeps the head and tail of the output: \d+ lines \(\d+ bytes\) in between were dropped/);
    const log = await readFile(join(dir, 'chaos-gate-report/logs/unit.log'), 'utf8');
    expect(log.startsWith('first-half line 0 ')).toBe(true);
    expect(log.endsWith('the end\n')).toBe(true);
    expect(log).toMatch(/… chaos-gate dropped \d+ lines \(\d+ bytes\) here/);
    expect(Buffer.byteLength(log)).toBeLessThan(64 * 1024 + 1024);
  });
});
