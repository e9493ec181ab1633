/**
 * `mode: comment`: the pull request comment for a run that could not post it, as a pull request
 * from a fork cannot (its token is read-only). It runs in a `workflow_run` workflow, in the base
 * repository with a write token, and never runs the fork's code:
 *
 *   event's workflow_run ──► its report artifacts (REST) ──► download, read metrics.json
 *     ──► source.pull_request and source.head_sha checked against the event and the pull request
 *     ──► the same sticky comment the run would post (rendered here from metrics.json, within
 *         GitHub's limit), a check run on the head commit, the job summary
 *
 * Everything read from the artifact is untrusted: the pull request number must be one whose head
 * is the commit the triggering run built, and the comment is rendered by chaos-gate from the data,
 * its text escaped, never copied from the artifact's summary.md.
 */
import { join } from 'node:path';
import { readRunReport } from '../results/read.js';
import type { RunReport } from '../results/types.js';
import { renderSummary } from '../report/summary.js';
import { downloadRunArtifact } from './artifact.js';
import type { CommentOutcome } from './comment.js';
import { readRunContext, type RunContext, type TriggeringRun } from './context.js';
import { githubClient } from './octokit.js';
import { postStickyComment, writeJobSummary, type PublishOptions } from './publish.js';

/** The action was used where `mode: comment` cannot work, or the triggering run left nothing to post. */
export class WorkflowRunError extends Error {
  override name = 'WorkflowRunError';
}

export interface WorkflowRunOptions {
  token: string;
  /** The artifact name; with `exact` false, also `<name>-<job and matrix values>` (never `-shard-<i>`). */
  artifactName: string;
  exact: boolean;
  comment: PublishOptions['comment'];
  /** Where each artifact is downloaded (`<dir>/<artifact name>`). */
  dir: string;
}

export interface WorkflowRunReport {
  artifact: string;
  report: RunReport;
  reportDir: string;
  comment?: CommentOutcome;
  checkRunUrl?: string;
}

/** A check run's output summary holds at most this many characters. */
const CHECK_RUN_SUMMARY_LIMIT = 65_535;

/** Posts what the triggering run could not; one comment and one check run per report artifact. */
export async function commentForWorkflowRun(options: WorkflowRunOptions): Promise<{ reports: WorkflowRunReport[]; warnings: string[] }> {
  const context = await readRunContext();
  const trigger = context?.workflowRun;
  if (!context || !trigger) {
    throw new WorkflowRunError(
      `mode: comment runs in a workflow triggered by workflow_run (on: workflow_run: { workflows: [...], types: [completed] }); this one was triggered by ${process.env.GITHUB_EVENT_NAME || 'an event without a workflow_run'}`,
    );
  }
  if (!options.token) throw new WorkflowRunError('mode: comment needs the github-token input (with pull-requests: write and checks: write)');
  const octokit = githubClient(options.token);
  const { owner, repo } = context.repo;
  const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: trigger.id, per_page: 100 });
  const named = data.artifacts.filter((a) => !a.expired && matches(a.name, options));
  if (named.length === 0) {
    const found = data.artifacts.map((a) => a.name).join(', ') || 'none';
    throw new WorkflowRunError(
      `mode: comment found no artifact named ${options.artifactName}${options.exact ? '' : '(-…)'} in run ${trigger.id} (artifacts there: ${found}); ` +
        'did that run stop before its upload, or does it use another artifact-name?',
    );
  }
  const reports: WorkflowRunReport[] = [];
  const warnings: string[] = [];
  for (const artifact of named.sort((a, b) => a.name.localeCompare(b.name))) {
    const reportDir = join(options.dir, artifact.name);
    await downloadRunArtifact({ token: options.token, repo: context.repo, runId: trigger.id, artifactId: artifact.id }, reportDir);
    const report = await readRunReport(join(reportDir, 'metrics.json'), `metrics.json of artifact "${artifact.name}" from run ${trigger.id}`);
    const posted: WorkflowRunReport = { artifact: artifact.name, report, reportDir };
    reports.push(posted);
    const links = {
      run: trigger.html_url,
      artifact: `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${trigger.id}/artifacts/${artifact.id}`,
    };
    await writeJobSummary(report, links, warnings);

    const pullRequest = await checkedPullRequest(report, trigger, context, octokit);
    posted.checkRunUrl = await createCheckRun(report, artifact.name, trigger, context, octokit, warnings);
    if (options.comment === 'never') continue;
    posted.comment = await postStickyComment(report, {
      token: options.token,
      comment: options.comment,
      repo: context.repo,
      pullRequest,
      key: report.source?.comment_key ?? artifact.name,
      links,
    });
    if (!posted.comment.ok) warnings.push(posted.comment.warning);
  }
  return { reports, warnings };
}

function matches(name: string, options: WorkflowRunOptions): boolean {
  if (name === options.artifactName) return true;
  // A shard's own report is merged and posted by its merge job's artifact.
  return !options.exact && name.startsWith(`${options.artifactName}-`) && !/-shard-\d+$/.test(name);
}

/**
 * The pull request named in the report, once it is shown to be the one the triggering run built:
 * the report's head SHA is the event's, and so is the pull request's head now (a newer push has
 * its own run, which will comment).
 */
async function checkedPullRequest(report: RunReport, trigger: TriggeringRun, context: RunContext, octokit: ReturnType<typeof githubClient>): Promise<number> {
  const source = report.source;
  const expected = `${context.repo.owner}/${context.repo.repo}`;
  if (!source?.pull_request || !source.head_sha) {
    throw new WorkflowRunError(`the report of run ${trigger.id} names no pull request: was that run triggered by pull_request, with chaos-gate 0.2 or later?`);
  }
  if (source.repository !== expected)
    throw new WorkflowRunError(`the report of run ${trigger.id} is for ${source.repository}, not ${expected}: refusing to comment`);
  if (source.head_sha !== trigger.head_sha) {
    throw new WorkflowRunError(`the report of run ${trigger.id} names commit ${source.head_sha}, but that run built ${trigger.head_sha}: refusing to comment`);
  }
  const { data: pr } = await octokit.rest.pulls.get({ owner: context.repo.owner, repo: context.repo.repo, pull_number: source.pull_request });
  if (pr.head.sha !== trigger.head_sha) {
    throw new WorkflowRunError(
      `pull request #${source.pull_request} is at ${pr.head.sha}, not ${trigger.head_sha} which run ${trigger.id} built: refusing to comment (the newer commit's run comments)`,
    );
  }
  return source.pull_request;
}

/** A check run on the head commit, carrying the verdict where the pull request's checks are listed; a failure is a warning. */
async function createCheckRun(
  report: RunReport,
  artifact: string,
  trigger: TriggeringRun,
  context: RunContext,
  octokit: ReturnType<typeof githubClient>,
  warnings: string[],
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.checks.create({
      owner: context.repo.owner,
      repo: context.repo.repo,
      name: `chaos-gate (${artifact})`,
      head_sha: trigger.head_sha,
      status: 'completed',
      conclusion: report.verdict === 'pass' ? 'success' : 'failure',
      output: {
        title: report.verdict === 'pass' ? 'chaos-gate passed' : 'chaos-gate failed',
        summary: renderSummary(report, { budget: CHECK_RUN_SUMMARY_LIMIT, links: { run: trigger.html_url } }),
      },
    });
    return data.html_url ?? undefined;
  } catch (error) {
    warnings.push(`chaos-gate could not create the check run (needs checks: write): ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
