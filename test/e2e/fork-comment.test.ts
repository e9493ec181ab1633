/**
 * Pull requests from forks, built in: the fork's run has a read-only token, so it only uploads its
 * report (which records the pull request and its head commit); a `workflow_run` workflow then runs
 * the action with `mode: comment`, which posts the same sticky comment and a check run. Both run as
 * GitHub runs them (dist/index.js, INPUT_* variables, an event payload) against the local GitHub-like API.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, parseOutputs } from '../helpers/github-api.js';
import { makeProject, runNode } from '../helpers/project.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

/** `thresholds` extra thresholds on metrics the stage reports, each broken when `value` is over 100. */
function config(thresholds = 0): string {
  const extra = Array.from({ length: thresholds }, (_, i) => `  extra_metric_with_a_long_name_${i}: "p(99)<100"\n`).join('');
  return `version: 1
control: { listen: 127.0.0.1:0 }
stages:
  unit: { run: "node report.cjs" }
thresholds:
  step_latency: "p(99)<100"
${extra}`;
}

const REPORT = (extra: number) => `const fs = require('node:fs');
const v = Number(fs.readFileSync('value.txt', 'utf8'));
const lines = [JSON.stringify({ name: 'step_latency', type: 'trend', value: v })];
for (let i = 0; i < ${extra}; i++) lines.push(JSON.stringify({ name: 'extra_metric_with_a_long_name_' + i, type: 'trend', value: v }));
fs.appendFileSync(process.env.CHAOS_GATE_METRICS, lines.join('\\n') + '\\n');`;

let github: FakeGitHub;
beforeEach(async () => {
  github = await FakeGitHub.start();
});
afterEach(async () => {
  await github.close();
});

async function action(dir: string, event: Record<string, unknown>, env: Record<string, string>, inputs: Record<string, string> = {}) {
  await writeFile(join(dir, 'event.json'), JSON.stringify(event));
  const files = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const f of Object.values(files)) await writeFile(f, '');
  const all: Record<string, string> = {
    ...github.env(),
    ...files,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_WORKFLOW: 'chaos',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    'INPUT_GITHUB-TOKEN': github.token,
    ...env,
  };
  for (const [k, v] of Object.entries(inputs)) all[`INPUT_${k.toUpperCase()}`] = v;
  const ran = await runNode('dist/index.js', [], { cwd: dir, env: all });
  return { ...ran, outputs: parseOutputs(await readFile(files.GITHUB_OUTPUT, 'utf8')), summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8') };
}

/** The fork's `pull_request` run: read-only token, run `runId` building `sha`. */
async function forkRun(dir: string, runId: number, sha: string, value: number) {
  github.readOnly = true;
  github.uploadRun = { id: runId, head_branch: 'feature', event: 'pull_request', status: 'in_progress', conclusion: null, path: '.github/workflows/chaos.yml' };
  github.pulls.set('acme/shop#7', { head_sha: sha });
  await writeFile(join(dir, 'value.txt'), String(value));
  const event = { pull_request: { number: 7, base: { ref: 'main' }, head: { sha } } };
  const ran = await action(dir, event, { GITHUB_RUN_ID: String(runId), GITHUB_JOB: 'gate', GITHUB_EVENT_NAME: 'pull_request' });
  github.readOnly = false;
  return ran;
}

/** The base repository's `workflow_run` run for run `runId`, in a folder with no config and no code. */
async function commentRun(runId: number, sha: string, inputs: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'chaos-gate-workflow-run-'));
  const event = {
    workflow_run: { id: runId, event: 'pull_request', head_sha: sha, html_url: `https://github.com/acme/shop/actions/runs/${runId}`, pull_requests: [] },
  };
  return action(dir, event, { GITHUB_RUN_ID: String(runId + 1), GITHUB_JOB: 'comment', GITHUB_EVENT_NAME: 'workflow_run' }, { mode: 'comment', ...inputs });
}

const verdictIn = (body: string) => /chaos-gate-state: \{"verdict":"(\w+)"/.exec(body)?.[1];

describe('a pull request from a fork', () => {
  it('uploads from the fork, comments once from workflow_run with a check run, and updates the same comment on the next push', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': config(), 'report.cjs': REPORT(0), 'value.txt': '10' });

    const fork = await forkRun(dir, 1000, SHA_A, 10);
    expect(fork.code, fork.stdout).toBe(0);
    expect(fork.stdout).toContain('mode: comment');
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(0);
    expect(github.artifacts.map((a) => a.name)).toEqual(['chaos-gate-report-gate']);
    const recorded = JSON.parse(await readFile(join(dir, 'chaos-gate-report/metrics.json'), 'utf8'));
    expect(recorded.source).toEqual({
      repository: 'acme/shop',
      pull_request: 7,
      head_sha: SHA_A,
      run_id: 1000,
      comment_key: 'chaos / gate / chaos-gate-report-gate',
    });

    const first = await commentRun(1000, SHA_A);
    expect(first.code, first.stdout).toBe(0);
    const comments = github.commentsOf('acme/shop', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('<!-- chaos-gate: chaos / gate / chaos-gate-report-gate -->');
    expect(verdictIn(comments[0].body)).toBe('pass');
    expect(first.outputs).toMatchObject({ verdict: 'pass', 'comment-id': String(comments[0].id) });
    expect(github.checkRuns).toMatchObject([{ name: 'chaos-gate (chaos-gate-report-gate)', head_sha: SHA_A, conclusion: 'success' }]);
    expect(first.summary).toContain('step\\_latency');

    // The next push to the pull request breaks the threshold: the same comment turns red.
    const again = await forkRun(dir, 1002, SHA_B, 500);
    expect(again.code).toBe(1);
    const second = await commentRun(1002, SHA_B);
    expect(second.code, second.stdout).toBe(0);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(1);
    expect(verdictIn(github.commentsOf('acme/shop', 7)[0].body)).toBe('fail');
    expect(second.outputs.verdict).toBe('fail');
    expect(github.checkRuns.map((c) => [c.head_sha, c.conclusion])).toEqual([
      [SHA_A, 'success'],
      [SHA_B, 'failure'],
    ]);
  });

  it('refuses a report whose commit is not the one the triggering run built, or a pull request that moved on', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': config(), 'report.cjs': REPORT(0), 'value.txt': '10' });
    await forkRun(dir, 1000, SHA_A, 10);
    const forged = await commentRun(1000, SHA_B);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain(`::error::the report of run 1000 names commit ${SHA_A}, but that run built ${SHA_B}: refusing to comment`);
    github.pulls.set('acme/shop#7', { head_sha: SHA_B });
    const stale = await commentRun(1000, SHA_A);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`pull request #7 is at ${SHA_B}, not ${SHA_A}`);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(0);
    expect(github.checkRuns).toHaveLength(0);
  });

  it('says what is wrong outside workflow_run, and when the triggering run uploaded nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chaos-gate-workflow-run-'));
    const wrong = await action(
      dir,
      { pull_request: { number: 7 } },
      { GITHUB_RUN_ID: '5', GITHUB_JOB: 'c', GITHUB_EVENT_NAME: 'pull_request' },
      { mode: 'comment' },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('::error::mode: comment runs in a workflow triggered by workflow_run');
    const none = await commentRun(4242, SHA_A);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('mode: comment found no artifact named chaos-gate-report(-…) in run 4242 (artifacts there: none)');
    expect(none.stdout).not.toMatch(/\n\s+at /);
  });

  it('keeps the comment within 65,536 characters when summary.md is longer, saying what it left out', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': config(1200), 'report.cjs': REPORT(1200), 'value.txt': '500' });
    await forkRun(dir, 1000, SHA_A, 500);
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary.length).toBeGreaterThan(70_000);
    const posted = await commentRun(1000, SHA_A);
    expect(posted.code, posted.stdout).toBe(0);
    const [comment] = github.commentsOf('acme/shop', 7);
    expect(comment.body.length).toBeLessThanOrEqual(65_536);
    expect(comment.body).toMatch(/left out/);
    expect(verdictIn(comment.body)).toBe('fail');
    expect(github.checkRuns[0].output.summary.length).toBeLessThanOrEqual(65_535);
  });
});
