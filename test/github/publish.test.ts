/**
 * The whole reporting edge as the action runs it on a pull request: artifact, job summary and
 * sticky comment, against the local GitHub stand-in, with the runner's variables and event file.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/github-api.js';
import { baselineRun, failingRun } from '../report/fixtures.js';

let github: FakeGitHub;
let publish: typeof import('../../src/github/publish.js');
let comment: typeof import('../../src/github/comment.js');
let context: typeof import('../../src/github/context.js');
let work: string;
let reportDir: string;
let summaryFile: string;
let pr = 40;

async function event(payload: object): Promise<string> {
  const file = join(work, `event-${pr}.json`);
  await writeFile(file, JSON.stringify(payload));
  return file;
}

const prEvent = (number: number) => ({
  action: 'synchronize',
  number,
  pull_request: { number, base: { ref: 'main', repo: { full_name: 'acme/shop' } }, head: { ref: 'feature', repo: { full_name: 'fork/shop' } } },
});

beforeAll(async () => {
  github = await FakeGitHub.start();
  work = await mkdtemp(join(tmpdir(), 'chaos-gate-publish-'));
  Object.assign(process.env, github.env(), {
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '1000',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'chaos',
    GITHUB_REF_NAME: '41/merge',
  });
  publish = await import('../../src/github/publish.js');
  comment = await import('../../src/github/comment.js');
  context = await import('../../src/github/context.js');
  summaryFile = join(work, 'step-summary.md');
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
  reportDir = join(work, 'chaos-gate-report');
  await mkdir(reportDir, { recursive: true });
  await writeFile(join(reportDir, 'metrics.json'), JSON.stringify(failingRun()));
});

afterAll(async () => {
  await github.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  pr++;
  github.readOnly = false;
  await writeFile(summaryFile, ''); // one step's summary file (core.summary remembers the path)
  process.env.GITHUB_EVENT_PATH = await event(prEvent(pr));
});

const options = () => ({ token: github.token, artifactName: 'chaos-gate-report', comment: 'always' as const, baseline: baselineRun() });

describe('publishReport', () => {
  it('uploads the artifact, then links it from the job summary and the sticky comment', async () => {
    const outcome = await publish.publishReport(failingRun(), reportDir, options());
    expect(outcome.warnings).toEqual([]);
    expect(outcome.artifact.ok).toBe(true);
    const artifactUrl = outcome.artifact.ok ? outcome.artifact.url! : '';
    expect(artifactUrl).toMatch(/^https:\/\/github\.com\/acme\/shop\/actions\/runs\/1000\/artifacts\/\d+$/);

    const stepSummary = await readFile(summaryFile, 'utf8');
    expect(stepSummary.startsWith('## ❌ chaos-gate failed')).toBe(true);
    expect(stepSummary).toContain(`[Workflow run](https://github.com/acme/shop/actions/runs/1000) · [Full report (artifact)](${artifactUrl})`);
    expect(stepSummary).toContain('### Metrics'); // the job summary has room for more than the comment
    expect(stepSummary).toContain('### Against the baseline');

    const [posted] = github.commentsOf('acme/shop', pr);
    expect(posted.body.split('\n')[0]).toBe('<!-- chaos-gate: CI / chaos / chaos-gate-report -->');
    expect(posted.body).toContain(`[Full report (artifact)](${artifactUrl})`);
    expect(outcome.comment).toMatchObject({ ok: true, action: 'created', id: posted.id });

    // The next push updates the same comment.
    const again = await publish.publishReport(failingRun(), reportDir, options());
    expect(again.comment).toMatchObject({ ok: true, action: 'updated', id: posted.id });
    expect(github.commentsOf('acme/shop', pr)).toHaveLength(1);
  });

  it('on a fork still writes the job summary, and warns with the workflow_run explanation', async () => {
    github.readOnly = true;
    const outcome = await publish.publishReport(failingRun(), reportDir, options());
    expect(outcome.warnings).toEqual([comment.READ_ONLY_WARNING]);
    expect(outcome.comment).toMatchObject({ ok: false, reason: 'read-only' });
    expect(await readFile(summaryFile, 'utf8')).toContain('## ❌ chaos-gate failed');
    expect(github.commentsOf('acme/shop', pr)).toHaveLength(0);
  });

  it('when the upload fails, says so and still summarises and comments, without the artifact link', async () => {
    github.failNext('POST', /CreateArtifact$/, 401, { code: 'unauthenticated', msg: 'token expired' });
    const outcome = await publish.publishReport(failingRun(), reportDir, options());
    expect(outcome.warnings).toHaveLength(1);
    expect(outcome.warnings[0]).toMatch(/^chaos-gate could not upload the report artifact "chaos-gate-report": .*token expired/);
    expect(await readFile(summaryFile, 'utf8')).not.toContain('Full report (artifact)');
    expect(github.commentsOf('acme/shop', pr)[0].body).toContain('[Workflow run](https://github.com/acme/shop/actions/runs/1000)');
  });

  it('does not comment outside a pull request or when commenting is off', async () => {
    process.env.GITHUB_EVENT_PATH = await event({ ref: 'refs/heads/main', commits: [] });
    expect((await publish.publishReport(failingRun(), reportDir, options())).comment).toBeUndefined();
    process.env.GITHUB_EVENT_PATH = await event(prEvent(pr));
    expect((await publish.publishReport(failingRun(), reportDir, { ...options(), comment: 'never' as const })).comment).toBeUndefined();
    expect(github.commentsOf('acme/shop', pr)).toHaveLength(0);
  });

  it('warns when there is no token to comment with', async () => {
    const outcome = await publish.publishReport(failingRun(), reportDir, { ...options(), token: '' });
    expect(outcome.warnings).toEqual(['chaos-gate did not comment on the pull request: the github-token input is empty']);
  });
});

describe('readRunContext', () => {
  it('reads the pull request, its base branch, the run URL and the job', async () => {
    expect(await context.readRunContext()).toEqual({
      repo: { owner: 'acme', repo: 'shop' },
      pullRequest: pr,
      baseBranch: 'main',
      runUrl: 'https://github.com/acme/shop/actions/runs/1000',
      job: 'CI / chaos',
      runId: 1000,
    });
  });

  it('uses the pushed branch outside a pull request, and is undefined outside Actions', async () => {
    const env = { GITHUB_REPOSITORY: 'acme/shop', GITHUB_REF_NAME: 'main', GITHUB_EVENT_PATH: join(work, 'missing.json') };
    expect(await context.readRunContext(env)).toMatchObject({ pullRequest: undefined, baseBranch: 'main', runUrl: undefined });
    expect(await context.readRunContext({})).toBeUndefined();
  });
});
