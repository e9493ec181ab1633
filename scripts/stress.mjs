/**
 * `npm run stress`: the sizes the suite cannot afford, through the same code the suite tests at
 * small sizes (test/safety/broken-inputs.test.ts, test/stages/output.test.ts). Each case runs
 * `node dist/cli.js run` under /usr/bin/time and prints its exit code, wall time and peak RSS,
 * then checks the bound it is there for.
 *
 *   1 GB stage output, one line:      `head -c 1000000000 /dev/zero | tr '\0' x` (crashed the line reader)
 *   1 GB stage output, many lines:    logs/unit.log must stay within report.log_limit (20 MB)
 *   200 MB JUnit file:                 took 78 s and 3.5 GB when parsed whole; streamed, counts exact, junit.xml bounded
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const MB = 1024 * 1024;
let failed = false;

// `npm run stress -- junit` runs only the cases whose name holds that word.
const only = process.argv[2];

function runCase(name, stage, check, files = {}) {
  if (only && !name.includes(only)) return;
  const dir = mkdtempSync(join(tmpdir(), 'chaos-gate-stress-'));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  writeFileSync(
    join(dir, 'chaos-gate.yml'),
    `version: 1\ncontrol: { listen: 127.0.0.1:0 }\nstages:\n  unit: { run: ${JSON.stringify(stage)}${files['junit.cjs'] ? ', junit: big.xml' : ''} }\n`,
  );
  const started = performance.now();
  // The terminal echo of 1 GB ([unit] lines) is left out of what is kept to check.
  const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'dist/cli.js'))} run -c chaos-gate.yml`;
  const ran = spawnSync('sh', ['-c', `/usr/bin/time -o rss.txt -f %M ${cli} 2>&1 | grep -v '^\\[unit\\]' > out.txt`], { cwd: dir, stdio: 'inherit' });
  const out = readFileSync(join(dir, 'out.txt'), 'utf8');
  const code =
    /Command exited with non-zero status (\d+)/.exec(readFileSync(join(dir, 'rss.txt'), 'utf8'))?.[1] ?? (ran.status === 0 ? '0' : String(ran.status));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const rssMb = Math.round(Number(readFileSync(join(dir, 'rss.txt'), 'utf8').trim().split('\n').at(-1)) / 1024);
  const stderr = out;
  const problem = check({ dir, code: Number(code), stderr, rssMb });
  console.log(`${problem ? 'FAIL' : 'ok  '} ${name}: exit ${code}, ${seconds} s, peak RSS ${rssMb} MB${problem ? ` — ${problem}` : ''}`);
  if (problem) failed = true;
}

const logSize = (dir) => statSync(join(dir, 'chaos-gate-report/logs/unit.log')).size;

runCase('1 GB stage output on one line', "head -c 1000000000 /dev/zero | tr '\\0' x", ({ dir, code, stderr, rssMb }) => {
  if (code !== 0) return `exit ${code}: ${stderr.slice(-500)}`;
  if (!stderr.includes('1 line of output longer than 1 MB cut')) return 'no warning about the cut line';
  if (logSize(dir) > 2 * MB) return `log is ${logSize(dir)} bytes`;
  if (rssMb > 500) return `peak RSS ${rssMb} MB > 500 MB`;
});

runCase(
  '1 GB stage output in 100-byte lines',
  "yes 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c 1000000000",
  ({ dir, code, stderr, rssMb }) => {
    if (code !== 0) return `exit ${code}: ${stderr.slice(-500)}`;
    if (logSize(dir) > 20 * MB + 4096) return `log is ${logSize(dir)} bytes, past 20 MB`;
    if (!/in between were dropped/.test(stderr)) return 'no warning about the dropped middle';
    if (rssMb > 500) return `peak RSS ${rssMb} MB > 500 MB`;
  },
);

// 200,000 cases of about 1 KB (a quarter failing, with a body and no message), and one 20 MB failure body.
const JUNIT_WRITER = `
const fs = require('fs');
const out = fs.openSync('big.xml', 'w');
const pad = 'x'.repeat(900);
fs.writeSync(out, '<?xml version="1.0"?><testsuites><testsuite name="big">');
let chunk = [];
for (let i = 0; i < 200000; i++) {
  chunk.push(i % 4 === 0
    ? '<testcase classname="big.Suite" name="case ' + i + '"><failure type="AssertionError">expected ' + i + '\\n' + pad + '</failure></testcase>'
    : '<testcase classname="big.Suite" name="case ' + i + '" time="0.001"><system-out>' + pad + '</system-out></testcase>');
  if (chunk.length === 1000) { fs.writeSync(out, chunk.join('\\n')); chunk = []; }
}
fs.writeSync(out, '<testcase classname="big.Suite" name="huge"><failure>huge body\\n');
for (let i = 0; i < 20; i++) fs.writeSync(out, 'y'.repeat(1024 * 1024));
fs.writeSync(out, '</failure></testcase></testsuite></testsuites>');
fs.closeSync(out);
`;

runCase(
  '200 MB JUnit file',
  'node junit.cjs',
  ({ dir, code, stderr, rssMb }) => {
    const size = statSync(join(dir, 'big.xml')).size;
    if (size < 200 * 1000 * 1000) return `big.xml is only ${size} bytes`;
    if (code !== 1) return `exit ${code} (expected 1: 50,001 failed cases): ${stderr.slice(-500)}`;
    const report = JSON.parse(readFileSync(join(dir, 'chaos-gate-report/metrics.json'), 'utf8'));
    const tests = JSON.stringify(report.stages.unit.tests);
    if (tests !== JSON.stringify({ total: 200001, passed: 150000, failed: 50001, errors: 0, skipped: 0 })) return `counts ${tests}`;
    const junitBytes = statSync(join(dir, 'chaos-gate-report/junit.xml')).size;
    if (junitBytes > 40 * MB) return `junit.xml is ${junitBytes} bytes`;
    if (rssMb > 500) return `peak RSS ${rssMb} MB > 500 MB`;
    console.log(`     big.xml ${Math.round(size / MB)} MB; junit.xml ${Math.round(junitBytes / MB)} MB; note: ${report.stages.unit.tests_note ?? '(none)'}`);
  },
  { 'junit.cjs': JUNIT_WRITER },
);

process.exit(failed ? 1 : 0);
