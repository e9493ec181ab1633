/**
 * The report artifact and the baseline, through the real @actions/artifact against a local
 * server answering like the artifact service (Twirp + blob storage) and the REST API: what one
 * run uploads, a later run on a pull request downloads as its baseline.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/results/types.js';
import { FakeGitHub, type FakeRun } from '../helpers/github-api.js';
import { baselineRun, failingRun } from '../report/fixtures.js';

let github: FakeGitHub;
let artifact: typeof import('../../src/github/artifact.js');
let baseline: typeof import('../../src/github/baseline.js');
let html: typeof import('../../src/report/html.js');
let summary: typeof import('../../src/report/summary.js');
let work: string;
const REPO = { owner: 'acme', repo: 'shop' };

beforeAll(async () => {
  github = await FakeGitHub.start();
  // As on a runner: the toolkit reads these when first imported.
  Object.assign(process.env, github.env(), { GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '1000' });
  artifact = await import('../../src/github/artifact.js');
  baseline = await import('../../src/github/baseline.js');
  html = await import('../../src/report/html.js');
  summary = await import('../../src/report/summary.js');
  work = await mkdtemp(join(tmpdir(), 'chaos-gate-artifact-'));
});

afterAll(async () => {
  await github.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(() => {
  github.requests.length = 0;
});

let dirs = 0;
/** A report dir as a run leaves it. */
async function reportDir(report: RunReport, metricsJson = `${JSON.stringify(report, null, 2)}\n`): Promise<string> {
  const dir = join(work, `report-${++dirs}`);
  await mkdir(join(dir, 'logs'), { recursive: true });
  await writeFile(join(dir, 'metrics.json'), metricsJson);
  await writeFile(join(dir, 'summary.md'), summary.renderSummary(report));
  await writeFile(join(dir, 'report.html'), html.renderHtml(report));
  await writeFile(join(dir, 'junit.xml'), '<?xml version="1.0"?><testsuites/>\n');
  await writeFile(join(dir, 'logs', 'unit.log'), 'ok 1 - adds\n');
  return dir;
}

/** Uploads `report` as the artifact of a finished run on `branch`. */
async function finishedRun(branch: string, conclusion: FakeRun['conclusion'], report?: RunReport, name = 'chaos-gate-report'): Promise<FakeRun> {
  const run = github.addRun({ head_branch: branch, conclusion });
  if (report) {
    github.uploadRun = run;
    const outcome = await artifact.uploadReport(name, await reportDir(report));
    expect(outcome.ok).toBe(true);
  }
  return run;
}

describe('uploadReport', () => {
  it('uploads the report dir as one zip through CreateArtifact, the blob store and FinalizeArtifact', async () => {
    github.uploadRun = {
      id: 1000,
      head_branch: 'feature',
      event: 'pull_request',
      status: 'in_progress',
      conclusion: null,
      path: '.github/workflows/chaos.yml',
    };
    const outcome = await artifact.uploadReport('chaos-gate-report-shard-1', await reportDir(failingRun()));
    expect(outcome).toMatchObject({ ok: true, files: 5 });
    if (!outcome.ok) return;
    expect(outcome.url).toBe(`https://github.com/acme/shop/actions/runs/1000/artifacts/${outcome.id}`);

    const stored = github.artifacts.find((a) => a.id === outcome.id)!;
    expect(stored).toMatchObject({ name: 'chaos-gate-report-shard-1', runId: 1000, size: outcome.size });
    const zip = github.blobs.get(stored.blob)!;
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    for (const file of ['metrics.json', 'summary.md', 'report.html', 'junit.xml', 'logs/unit.log']) expect(zip.includes(Buffer.from(file))).toBe(true);
    expect(stored.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const calls = github.requests.map(
      (r) => `${r.method} ${r.path.replace(/\/devstoreaccount1\/.*/, '<blob>')}${r.query.get('comp') ? `?comp=${r.query.get('comp')}` : ''}`,
    );
    expect(calls).toEqual([
      'POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact',
      'PUT <blob>?comp=block',
      'PUT <blob>?comp=blocklist',
      'POST /twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact',
    ]);
  });

  it('turns a refused upload into a warning instead of throwing', async () => {
    github.failNext('POST', /CreateArtifact$/, 403, { code: 'permission_denied', msg: 'artifact storage is read-only' });
    const outcome = await artifact.uploadReport('chaos-gate-report', await reportDir(failingRun()));
    expect(outcome).toMatchObject({ ok: false });
    expect(!outcome.ok && outcome.warning).toMatch(
      /^chaos-gate could not upload the report artifact "chaos-gate-report": .*403.*artifact storage is read-only/,
    );
  });

  it('warns about an artifact name GitHub would reject', async () => {
    const outcome = await artifact.uploadReport('bad:name', await reportDir(failingRun()));
    expect(outcome).toMatchObject({ ok: false });
    expect(!outcome.ok && outcome.warning).toContain('bad:name');
    expect(github.requests).toHaveLength(0);
  });

  it('warns when there is nothing to upload', async () => {
    const empty = join(work, 'empty');
    await mkdir(empty, { recursive: true });
    expect(await artifact.uploadReport('chaos-gate-report', empty)).toEqual({
      ok: false,
      warning: `chaos-gate did not upload the report: ${empty} holds no files`,
    });
  });
});

describe('fetchBaseline', () => {
  it('returns the report of the latest successful run on the branch that has the artifact', async () => {
    const older = baselineRun();
    older.started_at = '2025-04-01T00:00:00.000Z';
    await finishedRun('main', 'success', older);
    const latest = baselineRun();
    await finishedRun('main', 'success', latest);
    await finishedRun('main', 'failure', failingRun()); // newer, but failed
    await finishedRun('main', 'success'); // newer and green, but without the artifact (another workflow)
    await finishedRun('feature', 'success', failingRun()); // another branch
    await finishedRun('main', 'success', failingRun(), 'other-artifact');

    const found = await baseline.fetchBaseline({ token: github.token, repo: REPO, branch: 'main', artifactName: 'chaos-gate-report' });
    expect(found).toEqual(latest);
    const runQuery = github.requests.find((r) => r.path === '/repos/acme/shop/actions/runs')!.query;
    expect(Object.fromEntries(runQuery)).toMatchObject({ branch: 'main', status: 'success' });
    expect(github.requests.some((r) => r.path.endsWith('/zip'))).toBe(true);
  });

  it('is undefined when no successful run has the artifact yet', async () => {
    await finishedRun('release', 'failure', baselineRun());
    expect(await baseline.fetchBaseline({ token: github.token, repo: REPO, branch: 'release', artifactName: 'chaos-gate-report' })).toBeUndefined();
    expect(await baseline.fetchBaseline({ token: github.token, repo: REPO, branch: 'main', artifactName: 'never-uploaded' })).toBeUndefined();
  });

  it('skips expired artifacts', async () => {
    await finishedRun('stable', 'success', baselineRun());
    for (const a of github.artifacts) if (github.runs.find((r) => r.id === a.runId)?.head_branch === 'stable') a.expired = true;
    expect(await baseline.fetchBaseline({ token: github.token, repo: REPO, branch: 'stable', artifactName: 'chaos-gate-report' })).toBeUndefined();
  });

  it('filters by workflow file when asked', async () => {
    const run = github.addRun({ head_branch: 'wf', conclusion: 'success', path: '.github/workflows/other.yml' });
    github.uploadRun = run;
    await artifact.uploadReport('chaos-gate-report', await reportDir(baselineRun()));
    const options = { token: github.token, repo: REPO, branch: 'wf', artifactName: 'chaos-gate-report' };
    expect(await baseline.fetchBaseline({ ...options, workflow: 'chaos.yml' })).toBeUndefined();
    expect(await baseline.fetchBaseline({ ...options, workflow: 'other.yml' })).toEqual(baselineRun());
  });

  it('refuses a metrics.json that is not a version 1 report', async () => {
    const run = github.addRun({ head_branch: 'odd', conclusion: 'success' });
    github.uploadRun = run;
    await artifact.uploadReport('chaos-gate-report', await reportDir(baselineRun(), JSON.stringify({ version: 2 })));
    await expect(baseline.fetchBaseline({ token: github.token, repo: REPO, branch: 'odd', artifactName: 'chaos-gate-report' })).rejects.toThrow(
      new baseline.BaselineError(`metrics.json of artifact "chaos-gate-report" from run ${run.id}: expected version 1, found 2`),
    );
  });

  it('says why when GitHub refuses', async () => {
    await expect(baseline.fetchBaseline({ token: 'wrong', repo: REPO, branch: 'main', artifactName: 'chaos-gate-report' })).rejects.toThrow(
      /^could not fetch the baseline from main: Bad credentials/,
    );
  });
});
