/**
 * The action's habits, run as GitHub runs it (dist/index.js, INPUT_* variables, a GITHUB_OUTPUT
 * file) against the local GitHub-like API: outputs for later steps, comment modes across
 * consecutive runs, fail-on: never, retention-days, annotations at their lines, matrix jobs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, parseOutputs } from '../helpers/github-api.js';
import { makeProject, runNode } from '../helpers/project.js';

// The threshold sits on line 6: annotations must name it.
const CONFIG = `version: 1
control: { listen: 127.0.0.1:0 }
stages:
  unit: { run: "node report.cjs", junit: junit.xml }
thresholds:
  step_latency: "p(99)<100"
`;
// Reports the latency in value.txt and a JUnit file whose one test fails when it is over 100.
const REPORT = `const fs = require('node:fs');
const v = Number(fs.readFileSync('value.txt', 'utf8'));
fs.appendFileSync(process.env.CHAOS_GATE_METRICS, JSON.stringify({ name: 'step_latency', type: 'trend', value: v }) + '\\n');
const failure = v > 100 ? '<failure message="too slow">slow</failure>' : '';
fs.writeFileSync('junit.xml', '<testsuite name="s"><testcase classname="s" name="speed" file="tests/speed.test.js" line="12">' + failure + '</testcase></testsuite>');`;

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

async function project(pr = 7): Promise<string> {
  return makeProject({
    'chaos-gate.yml': CONFIG,
    'report.cjs': REPORT,
    'value.txt': '10',
    'event.json': JSON.stringify({ pull_request: { number: pr, base: { ref: 'main' } } }),
  });
}

/** One step of one job: `value` is the latency the run measures (over 100 fails the gate). */
async function step(dir: string, value: number, inputs: Record<string, string>, job = 'gate') {
  await writeFile(join(dir, 'value.txt'), String(value));
  const files = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const f of Object.values(files)) await writeFile(f, '');
  const env: Record<string, string> = {
    ...github.env(),
    ...files,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_RUN_ID: '1000',
    GITHUB_WORKFLOW: 'chaos',
    GITHUB_JOB: job,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    'INPUT_GITHUB-TOKEN': github.token,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const ran = await runNode('dist/index.js', [], { cwd: dir, env });
  return { ...ran, outputs: parseOutputs(await readFile(files.GITHUB_OUTPUT, 'utf8')) };
}

const patches = () => github.requests.filter((r) => r.method === 'PATCH').length;
const verdictIn = (body: string) => /chaos-gate-state: \{"verdict":"(\w+)"/.exec(body)?.[1];

describe('the action for later steps and rollouts', () => {
  it('sets every output, annotates at the lines, keeps the artifact retention-days, and with fail-on: never passes the step', async () => {
    const dir = await project();
    const ran = await step(dir, 500, { 'fail-on': 'never', 'retention-days': '5' });
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.stdout).toMatch(/::warning::chaos-gate: the gate failed, but fail-on: never does not enforce it/);
    const [artifact] = github.artifacts;
    const [comment] = github.commentsOf('acme/shop', 7);
    expect(ran.outputs).toEqual({
      verdict: 'fail',
      'report-dir': join(dir, 'chaos-gate-report'),
      'summary-file': join(dir, 'chaos-gate-report', 'summary.md'),
      'thresholds-failed': '1',
      'tests-failed': '1',
      'experiments-failed': '0',
      'artifact-id': String(artifact.id),
      'artifact-url': `https://github.com/acme/shop/actions/runs/1000/artifacts/${artifact.id}`,
      'comment-id': String(comment.id),
      'comment-url': expect.stringContaining(`#issuecomment-${comment.id}`),
    });
    const days = (Date.parse(artifact.expires_at!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4.9);
    expect(days).toBeLessThan(5.1);
    expect(ran.stdout).toContain('::error title=chaos-gate threshold broken,file=chaos-gate.yml,line=6::step_latency p(99)<100: actual 500, limit 100');
    expect(ran.stdout).toContain('::error title=chaos-gate unit test failed,file=tests/speed.test.js,line=12::s › speed: too slow');
  });

  it('fails the step (exit 1) by default, with the outputs still set', async () => {
    const ran = await step(await project(), 500, { comment: 'false' });
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('::error::chaos-gate: the gate failed');
    expect(ran.outputs).toMatchObject({ verdict: 'fail', 'thresholds-failed': '1' });
    expect(ran.outputs['comment-id']).toBeUndefined();
  });

  it('names the input on a bad retention-days, fail-on or comment', async () => {
    const dir = await project();
    for (const [inputs, message] of [
      [{ 'retention-days': '91' }, 'input retention-days: expected a whole number of days from 1 to 90, got "91"'],
      [{ 'fail-on': 'sometimes' }, 'input fail-on: expected failure or never, got "sometimes"'],
      [{ comment: 'loudly' }, 'input comment: expected always, on-failure, changes, never (or true/false), got "loudly"'],
    ] as const) {
      const ran = await step(dir, 10, inputs);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toContain(`::error::${message}`);
    }
    expect(github.artifacts).toHaveLength(0);
  });
});

describe('comment modes across consecutive runs', () => {
  it('always: one comment, updated on every run', async () => {
    const dir = await project();
    await step(dir, 10, { comment: 'always' });
    await step(dir, 10, { comment: 'always' });
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(1);
    expect(patches()).toBe(1);
  });

  it('changes: posts the first time, leaves it while nothing changes, updates when the verdict turns', async () => {
    const dir = await project();
    const first = await step(dir, 10, { comment: 'changes' });
    const [comment] = github.commentsOf('acme/shop', 7);
    expect(verdictIn(comment.body)).toBe('pass');
    const same = await step(dir, 20, { comment: 'changes' });
    expect(patches()).toBe(0);
    // The comment still there is this job's, and later steps can link it.
    expect(same.outputs['comment-id']).toBe(first.outputs['comment-id']);
    await step(dir, 500, { comment: 'changes' });
    expect(patches()).toBe(1);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(1);
    expect(verdictIn(github.commentsOf('acme/shop', 7)[0].body)).toBe('fail');
  });

  it('on-failure: nothing while passing, a comment when failing, turned green by the next pass', async () => {
    const dir = await project();
    const quiet = await step(dir, 10, { comment: 'on-failure' });
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(0);
    expect(quiet.outputs['comment-id']).toBeUndefined();
    await step(dir, 500, { comment: 'on-failure' });
    expect(verdictIn(github.commentsOf('acme/shop', 7)[0].body)).toBe('fail');
    await step(dir, 10, { comment: 'on-failure' });
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(1);
    expect(verdictIn(github.commentsOf('acme/shop', 7)[0].body)).toBe('pass');
  });

  it('never (or false): no comment, failing or not', async () => {
    const dir = await project();
    await step(dir, 500, { comment: 'never' });
    await step(dir, 500, { comment: 'false' });
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(0);
  });
});

describe('several jobs on one pull request', () => {
  it('matrix jobs with one config get an artifact and a comment each', async () => {
    const dir = await project();
    for (const node of ['20', '22']) {
      const ran = await step(dir, 10, { matrix: JSON.stringify({ node, os: 'ubuntu-latest' }) });
      expect(ran.code, ran.stdout).toBe(0);
    }
    expect(github.artifacts.map((a) => a.name)).toEqual(['chaos-gate-report-gate-20-ubuntu-latest', 'chaos-gate-report-gate-22-ubuntu-latest']);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(2);
  });

  it('two jobs with one config and no artifact-name upload apart, under names derived from their job ids', async () => {
    const dir = await project();
    for (const job of ['api', 'web']) {
      const ran = await step(dir, 10, {}, job);
      expect(ran.code, ran.stdout).toBe(0);
    }
    expect(github.artifacts.map((a) => a.name)).toEqual(['chaos-gate-report-api', 'chaos-gate-report-web']);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(2);
  });

  it('separate jobs comment apart', async () => {
    const dir = await project();
    await step(dir, 10, { 'artifact-name': 'report-a' }, 'api');
    await step(dir, 10, { 'artifact-name': 'report-b' }, 'web');
    expect(github.artifacts.map((a) => a.name)).toEqual(['report-a', 'report-b']);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(2);
  });
});
