/**
 * The baseline: the report of the latest successful run on the base branch, to compare with.
 *
 *   successful runs on `branch`, newest first (REST) ──► the first with an unexpired artifact
 *   named `artifactName` ──► download and unzip it (@actions/artifact) ──► parse metrics.json
 *
 * Only the newest few runs are looked at, so a branch without the artifact costs a few calls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunReport } from '../results/read.js';
import type { RunReport } from '../results/types.js';
import { downloadRunArtifact } from './artifact.js';
import { githubClient } from './octokit.js';

export interface BaselineOptions {
  token: string;
  repo: { owner: string; repo: string };
  /** The base branch, e.g. `main`. */
  branch: string;
  /** The artifact this job uploads (the same name on the base branch). */
  artifactName: string;
  /** Only runs of this workflow (file name `chaos.yml` or id); default any workflow. */
  workflow?: string;
}

/** How many of the newest successful runs are searched for the artifact. */
const RUNS_SEARCHED = 10;

/** Fetching or reading the baseline failed (as opposed to there being none yet). */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/**
 * The baseline RunReport, or undefined when no recent successful run on the branch has the
 * artifact. Throws BaselineError when GitHub cannot be asked or the artifact is unreadable.
 * The REST API is the one in GITHUB_API_URL.
 */
export async function fetchBaseline(options: BaselineOptions): Promise<RunReport | undefined> {
  const octokit = githubClient(options.token);
  const { owner, repo } = options.repo;
  const current = Number(process.env.GITHUB_RUN_ID);
  try {
    const query = { owner, repo, branch: options.branch, status: 'success' as const, per_page: RUNS_SEARCHED };
    const { data } =
      options.workflow === undefined
        ? await octokit.rest.actions.listWorkflowRunsForRepo(query)
        : await octokit.rest.actions.listWorkflowRuns({ ...query, workflow_id: options.workflow });
    for (const run of data.workflow_runs.filter((r) => r.id !== current)) {
      const { data: found } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: run.id, name: options.artifactName });
      const artifact = found.artifacts.filter((a) => a.name === options.artifactName && !a.expired).sort((a, b) => b.id - a.id)[0];
      if (artifact) return await download(options, run.id, artifact.id);
    }
    return undefined;
  } catch (error) {
    if (error instanceof BaselineError) throw error;
    throw new BaselineError(`could not fetch the baseline from ${options.branch}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function download(options: BaselineOptions, runId: number, artifactId: number): Promise<RunReport> {
  const dir = await mkdtemp(join(tmpdir(), 'chaos-gate-baseline-'));
  try {
    await downloadRunArtifact({ token: options.token, repo: options.repo, runId, artifactId }, dir);
    try {
      return await readRunReport(join(dir, 'metrics.json'), `metrics.json of artifact "${options.artifactName}" from run ${runId}`);
    } catch (error) {
      throw new BaselineError((error as Error).message);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
