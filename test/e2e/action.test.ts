import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, readJson, runNode } from '../helpers/project.js';

/** Runs dist/index.js the way the runner does: inputs as INPUT_* variables, outputs to files. */
async function runAction(dir: string, inputs: Record<string, string>) {
  const files = { GITHUB_OUTPUT: join(dir, 'github-output'), GITHUB_STATE: join(dir, 'github-state'), GITHUB_STEP_SUMMARY: join(dir, 'step-summary') };
  for (const file of Object.values(files)) await writeFile(file, '');
  const env: Record<string, string> = { ...files, GITHUB_ACTIONS: 'true', RUNNER_TEMP: dir };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const ran = await runNode('dist/index.js', [], { cwd: dir, env });
  const outputs = await readFile(files.GITHUB_OUTPUT, 'utf8');
  return { ...ran, outputs, summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

describe('the action (node dist/index.js with INPUT_*)', () => {
  it('runs the same run as the CLI, sets outputs and fails the step when a stage fails', async () => {
    const dir = await makeProject({
      'app/chaos-gate.yml': 'version: 1\ncontrol: { listen: 127.0.0.1:0 }\nstages:\n  unit: { run: "echo in-$CHAOS_GATE_STAGE" }\n  chaos: { run: "exit 4" }\n',
    });
    const ran = await runAction(dir, { config: 'chaos-gate.yml', 'working-directory': 'app', 'report-dir': 'out', comment: 'false' });
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('::group::unit stage');
    expect(ran.stdout).toContain('[unit] in-unit');
    expect(ran.stdout).toContain('::error::chaos-gate: the gate failed');
    expect(ran.outputs).toMatch(/verdict<<.*\nfail\n/);
    expect(ran.outputs).toContain(join(dir, 'app/out'));
    const metrics = await readJson(join(dir, 'app/out/metrics.json'));
    expect(metrics.stages.chaos).toMatchObject({ status: 'failed', exit_code: 4 });
  });

  it('passes and exits 0', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': 'version: 1\ncontrol: { listen: 127.0.0.1:0 }\nstages:\n  unit: { run: "true" }\n' });
    const ran = await runAction(dir, { comment: 'false' });
    expect(ran.code).toBe(0);
    expect(ran.outputs).toMatch(/verdict<<.*\npass\n/);
  });

  it('fails the step on a broken config with the line named and no stack trace', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': 'version: 1\nstages:\n  unit: { run: "true", junit: 3 }\n' });
    const ran = await runAction(dir, {});
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('::error::chaos-gate.yml:3:31: stages.unit.junit: expected a glob or a list of globs, e.g. "reports/unit/*.xml"');
    expect(ran.stdout).not.toMatch(/\n\s+at /);
  });
});
