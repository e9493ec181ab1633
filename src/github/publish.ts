/**
 * Puts a finished run's report where reviewers look, in the order that lets each link the next:
 *
 *   annotations ──► report dir ──► artifact (upload) ──► job summary (links: run, artifact) ──► sticky PR comment
 *
 * Annotations come first: they reach reviewers even when the token is read-only (a pull request
 * from a fork).
 * Nothing here changes the verdict: whatever fails becomes a warning in the outcome, for the
 * action to print.
 */
import * as core from '@actions/core';
import { uploadReport, type UploadOutcome } from './artifact.js';
import { commentBudget, commentMarker, postComment, readState, stateLine, type CommentOutcome, type CommentState } from './comment.js';
import { readRunContext, type RunContext } from './context.js';
import { JOB_SUMMARY_LIMIT, renderSummary } from '../report/summary.js';
import type { RunReport } from '../results/types.js';

export interface PublishOptions {
  /** The `github-token` input, for the comment; empty skips the comment with a warning. */
  token: string;
  /** The `artifact-name` input, unique per job and shard; it also tells this job's comment apart. */
  artifactName: string;
  /**
   * The `comment` input. always: post or update the sticky comment; on-failure: when failing, and to
   * turn an existing comment green; changes: when the verdict or a threshold's pass/fail differs from
   * the comment already there; never.
   */
  comment: 'always' | 'on-failure' | 'changes' | 'never';
  /** Days the artifact is kept (1–90); unset: the repository's default. */
  retentionDays?: number;
  /** chaos-gate.yml relative to the repository root, and each threshold's line in it: annotations at the threshold. */
  config?: { file: string; thresholdLines: Record<string, number> };
  /** A test file as the JUnit names it (relative to the working directory, or absolute) → relative to the repository root. */
  testPath?: (file: string) => string;
  /** Tells this job's comment from its siblings' (matrix values); empty for a job of its own. */
  jobLabel?: string;
  /** The comment's key as recorded in metrics.json (`source.comment_key`); default from the run's context. */
  commentKey?: string;
  /** The pull request to comment on; default the run's (mode: comment gives the fork's). */
  pullRequest?: number;
  /** Links in the comment and job summary; default this run's page and artifact. */
  runUrl?: string;
  /** The base branch's report, for deltas. */
  baseline?: RunReport;
}

export interface PublishOutcome {
  artifact: UploadOutcome;
  /** Absent when there was no pull request or commenting is off. */
  comment?: CommentOutcome;
  /** What did not work, one sentence each, for `core.warning`. */
  warnings: string[];
}

/** Annotates what broke, uploads the artifact, writes the job summary, posts the PR comment; never throws. */
export async function publishReport(report: RunReport, reportDir: string, options: PublishOptions): Promise<PublishOutcome> {
  annotate(report, options);
  const warnings: string[] = [];
  const context = await readRunContext();
  const artifact = await uploadReport(options.artifactName, reportDir, options.retentionDays);
  if (!artifact.ok) warnings.push(artifact.warning);
  const links = { run: options.runUrl ?? context?.runUrl, artifact: artifact.ok ? artifact.url : undefined };

  await writeJobSummary(report, links, warnings, options.baseline);

  let comment: CommentOutcome | undefined;
  const pullRequest = options.pullRequest ?? context?.pullRequest;
  if (options.comment !== 'never' && context && pullRequest !== undefined) {
    if (!options.token) {
      warnings.push('chaos-gate did not comment on the pull request: the github-token input is empty');
    } else {
      const key = options.commentKey ?? commentKey(context, options.jobLabel, options.artifactName);
      comment = await postStickyComment(report, { ...options, repo: context.repo, pullRequest, key, links });
      if (!comment.ok) warnings.push(comment.warning);
    }
  }
  return { artifact, comment, warnings };
}

/** The job summary, when the runner offers one; a failure is a warning in `warnings`. */
export async function writeJobSummary(report: RunReport, links: { run?: string; artifact?: string }, warnings: string[], baseline?: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(renderSummary(report, { budget: JOB_SUMMARY_LIMIT, links, baseline })).write();
  } catch (error) {
    warnings.push(`chaos-gate could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `<workflow> / <job> (<matrix values>) / <artifact>`: what tells one job's sticky comment from another's. */
export function commentKey(context: RunContext, jobLabel: string | undefined, artifactName: string): string {
  return `${context.job}${jobLabel ? ` (${jobLabel})` : ''} / ${artifactName}`;
}

/** Posts or updates the comment keyed `key`, rendered from the report within GitHub's limit, as the comment mode says. */
export async function postStickyComment(
  report: RunReport,
  options: Pick<PublishOptions, 'token' | 'comment' | 'baseline'> & {
    repo: RunContext['repo'];
    pullRequest: number;
    key: string;
    links: { run?: string; artifact?: string };
  },
): Promise<CommentOutcome> {
  const marker = commentMarker(options.key);
  const state = commentState(report);
  const head = `${marker}\n${stateLine(state)}`;
  const body = `${head}\n${renderSummary(report, { budget: commentBudget(head), links: options.links, baseline: options.baseline })}`;
  const shouldPost = (existing: string | undefined) => wantsComment(options.comment, state, existing);
  return postComment({ token: options.token, repo: options.repo, issueNumber: options.pullRequest, body, marker, shouldPost });
}

function commentState(report: RunReport): CommentState {
  return { verdict: report.verdict, thresholds: Object.fromEntries(report.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok])) };
}

/** Whether this run posts, given the mode and the body of the comment already there (if any). */
function wantsComment(mode: PublishOptions['comment'], state: CommentState, existing: string | undefined): boolean {
  if (mode === 'always') return true;
  if (mode === 'on-failure') return state.verdict === 'fail' || existing !== undefined;
  if (mode === 'changes') {
    if (existing === undefined) return true;
    // An older comment without a state line counts as changed: it gets one now.
    const before = readState(existing);
    return !before || JSON.stringify(before) !== JSON.stringify(state);
  }
  return false;
}

/** Errors on the PR's diff where GitHub can place them: a broken threshold at its line in the config, a failed test at its line. */
function annotate(report: RunReport, { config, testPath = (file) => file }: PublishOptions): void {
  for (const t of report.thresholds) {
    if (t.ok) continue;
    const line = config?.thresholdLines[`${t.metric} ${t.expression}`];
    const place = config && line ? { file: config.file, startLine: line } : {};
    core.error(`${t.metric} ${t.expression}: ${t.reason ?? `actual ${t.actual}, limit ${t.limit}`}`, { title: 'chaos-gate threshold broken', ...place });
  }
  for (const [stage, s] of Object.entries(report.stages)) {
    if (s.status !== 'passed' && s.status !== 'not_run') core.error(`${stage}: ${s.reason ?? s.status}`, { title: `chaos-gate ${stage} stage ${s.status}` });
    // Only tests the JUnit places: the others are already in the stage's line above and the summary.
    for (const f of s.failures ?? []) {
      if (f.file)
        core.error(`${f.suite} › ${f.name}: ${f.message}`, {
          title: `chaos-gate ${stage} test failed`,
          file: testPath(f.file),
          ...(f.line ? { startLine: f.line } : {}),
        });
    }
  }
}
