/**
 * The GitHub face: inputs → run() → outputs, then the reports where reviewers look (job
 * summary, PR comment, artifact). A failed comment or upload is a warning; the verdict stands.
 */
import * as core from '@actions/core';
import { join, relative, resolve } from 'node:path';
import { UsageError, UserFacingError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { fetchBaseline } from '../github/baseline.js';
import { readRunContext } from '../github/context.js';
import { commentKey, publishReport } from '../github/publish.js';
import { commentForWorkflowRun, WorkflowRunError } from '../github/workflow-run.js';
import { downloadShardReports } from '../github/shards.js';
import type { Log } from '../log.js';
import { RunReportError } from '../results/read.js';
import type { ReportSource, RunReport } from '../results/types.js';
import { merge } from '../run/merge.js';
import { run } from '../run/run.js';
import { ProcessGroups } from '../stages/spawn.js';
import { Outputs, State } from './constants.js';
import { readInputs, type ActionInputs, type CommentMode } from './inputs.js';
import { actionLog } from './log.js';

/** Where the report goes: the inputs, or the config's `report:` keys where an input is empty. */
interface Publishing {
  comment: CommentMode;
  artifactName: string;
}

export async function runAction(): Promise<void> {
  const log = actionLog();
  // GitHub cancels a job with SIGINT, then SIGTERM: stop cleanly and still report.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(signal));
  // Saved for the post step, which kills what a main step that died left behind.
  const groups = new ProcessGroups((pids) => core.saveState(State.processGroups, pids.join(',')));
  process.once('exit', () => groups.killAll());
  try {
    const inputs = readInputs();
    const cwd = resolve(inputs.workingDirectory);
    // A workflow_run's comment for the run that triggered it: no config, nothing run.
    if (inputs.mode === 'comment') return await commentMode(inputs, cwd);
    // Loaded once here; run() and merge() take it as it is. Inputs left empty follow its `report:` keys.
    const config = await loadConfig(resolve(cwd, inputs.config));
    const reportConfig = config.config.report;
    const artifactBase = inputs.artifactName ?? reportConfig.artifact;
    const publishing: Publishing = {
      comment: inputs.comment ?? (reportConfig.comment ? 'always' : 'never'),
      artifactName: artifactBase + jobSuffix(inputs),
    };
    const context = await readRunContext();
    const source: ReportSource | undefined = context && {
      repository: `${context.repo.owner}/${context.repo.repo}`,
      ...(context.pullRequest !== undefined ? { pull_request: context.pullRequest } : {}),
      ...(context.headSha ? { head_sha: context.headSha } : {}),
      ...(context.runId ? { run_id: context.runId } : {}),
      comment_key: commentKey(context, inputs.matrix.join(', '), publishing.artifactName),
    };
    const baseline = (branch: string | undefined) => fetchBaselineFor(branch, inputs, publishing);
    const outcome =
      inputs.mode === 'merge'
        ? await merge({ dirs: await downloadShards(artifactBase, inputs, cwd, log), config, cwd, reportDir: inputs.reportDir, baseline, source }, log)
        : await run(
            {
              config,
              cwd,
              reportDir: inputs.reportDir,
              stages: inputs.stages,
              categories: inputs.categories,
              shard: inputs.shard,
              out: inputs.out,
              signal: stop.signal,
              groups,
              baseline,
              source,
            },
            log,
          );
    if (!outcome.report || !outcome.reportDir) return;
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    // Set before the comment and the upload, so a later step has them whatever those do.
    setReportOutputs(outcome.report, outcome.reportDir);
    // A shard uploads its own artifact for the merge job and leaves the one comment to it.
    const published = await publishReport(outcome.report, outcome.reportDir, {
      token: inputs.githubToken,
      // Shards upload under the base name: the merge job, whose job id differs, finds them by it.
      artifactName: inputs.shard ? `${artifactBase}-shard-${inputs.shard.index}` : publishing.artifactName,
      comment: inputs.shard ? 'never' : publishing.comment,
      retentionDays: inputs.retentionDays,
      jobLabel: inputs.matrix.join(', '),
      // Annotation paths are relative to the repository root, where the runner checks out.
      config: { file: relative(workspace, resolve(cwd, inputs.config)), thresholdLines: config.thresholdLines ?? {} },
      testPath: (file) => relative(workspace, resolve(cwd, file)),
      baseline: outcome.baseline,
    });
    for (const warning of published.warnings) core.warning(warning);
    if (published.artifact.ok) {
      core.setOutput(Outputs.artifactId, String(published.artifact.id));
      core.setOutput(Outputs.artifactUrl, published.artifact.url ?? '');
    }
    if (published.comment?.ok && published.comment.id !== undefined) {
      core.setOutput(Outputs.commentId, String(published.comment.id));
      core.setOutput(Outputs.commentUrl, published.comment.url ?? '');
    }
    if (outcome.verdict === 'fail') {
      if (inputs.failOn === 'never')
        core.warning('chaos-gate: the gate failed, but fail-on: never does not enforce it; the step passes and the verdict output says fail');
      else core.setFailed('chaos-gate: the gate failed; see the job summary for what broke');
    }
  } catch (error) {
    if (error instanceof UserFacingError || error instanceof WorkflowRunError || error instanceof RunReportError) core.setFailed(error.message);
    else core.setFailed(`chaos-gate internal error: ${(error as Error)?.stack ?? String(error)}`);
  }
}

function setReportOutputs(report: RunReport, reportDir: string): void {
  core.setOutput(Outputs.verdict, report.verdict);
  core.setOutput(Outputs.reportDir, reportDir);
  core.setOutput(Outputs.summaryFile, join(reportDir, 'summary.md'));
  core.setOutput(Outputs.thresholdsFailed, String(report.thresholds.filter((t) => !t.ok).length));
  const tests = Object.values(report.stages).reduce((n, s) => n + (s?.tests ? s.tests.failed + s.tests.errors : 0), 0);
  core.setOutput(Outputs.testsFailed, String(tests));
  core.setOutput(Outputs.experimentsFailed, String(report.experiments.filter((e) => !e.ok).length));
}

/**
 * `-<job>-<matrix values>`: two jobs of one workflow with one config (or matrix jobs, which share a
 * job id) would otherwise upload under one artifact name, which a workflow run cannot hold. A name
 * given in the artifact-name input is kept as given, but for the matrix values.
 */
function jobSuffix(inputs: ActionInputs): string {
  if (inputs.artifactName !== undefined && inputs.matrix.length === 0) return '';
  const parts = [process.env.GITHUB_JOB ?? '', ...inputs.matrix].filter(Boolean);
  if (parts.length === 0) return '';
  // Artifact names may not hold " : < > | * ? \ / and read best without spaces.
  return `-${parts.join('-').replace(/["':<>|*?\\/\s,]+/g, '_')}`;
}

/** Every shard's artifact of this workflow run, downloaded; the folders to merge. */
async function downloadShards(artifactBase: string, inputs: ActionInputs, cwd: string, log: Log): Promise<string[]> {
  const dirs = await downloadShardReports(artifactBase, resolve(cwd, inputs.reportDir, 'shards'));
  if (dirs.length === 0)
    throw new UsageError(
      `mode: merge found no artifact named ${artifactBase}-shard-* in this workflow run; do the shard jobs run with shard: I/N and come first (needs:)?`,
    );
  log.info(`downloaded ${dirs.length} shard reports`);
  return dirs;
}

/**
 * `mode: comment`: posts the comment, check run and job summary of the run that triggered this
 * workflow_run. The step does not fail on a failing verdict: the check run carries it to the pull request.
 */
async function commentMode(inputs: ActionInputs, cwd: string): Promise<void> {
  const { reports, warnings } = await commentForWorkflowRun({
    token: inputs.githubToken,
    artifactName: inputs.artifactName ?? 'chaos-gate-report',
    exact: inputs.artifactName !== undefined,
    comment: inputs.comment ?? 'always',
    dir: resolve(cwd, inputs.reportDir),
  });
  for (const warning of warnings) core.warning(warning);
  for (const posted of reports) {
    setReportOutputs(posted.report, posted.reportDir);
    if (posted.comment?.ok && posted.comment.id !== undefined) {
      core.setOutput(Outputs.commentId, String(posted.comment.id));
      core.setOutput(Outputs.commentUrl, posted.comment.url ?? '');
    }
    core.info(`chaos-gate: ${posted.artifact}: ${posted.report.verdict}${posted.comment?.ok ? `, comment ${posted.comment.action}` : ''}`);
  }
  core.setOutput(Outputs.verdict, reports.some((r) => r.report.verdict === 'fail') ? 'fail' : 'pass');
}

/** The latest successful run's report on `branch` (`report.baseline` in the config). */
async function fetchBaselineFor(branch: string | undefined, inputs: ActionInputs, publishing: Publishing): Promise<RunReport | undefined> {
  const context = await readRunContext();
  if (!branch || !context || !inputs.githubToken) return undefined;
  return fetchBaseline({ token: inputs.githubToken, repo: context.repo, branch, artifactName: publishing.artifactName });
}
