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
import { commentBudget, commentMarker, postComment, type CommentOutcome } from './comment.js';
import { readRunContext } from './context.js';
import { JOB_SUMMARY_LIMIT, renderSummary } from '../report/summary.js';
import type { RunReport } from '../results/types.js';

export interface PublishOptions {
  /** The `github-token` input, for the comment; empty skips the comment with a warning. */
  token: string;
  /** The `artifact-name` input, unique per job and shard; it also tells this job's comment apart. */
  artifactName: string;
  /** The `comment` input: post the sticky comment on pull requests. */
  comment: boolean;
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
  annotate(report);
  const warnings: string[] = [];
  const context = await readRunContext();
  const artifact = await uploadReport(options.artifactName, reportDir);
  if (!artifact.ok) warnings.push(artifact.warning);
  const links = { run: context?.runUrl, artifact: artifact.ok ? artifact.url : undefined };

  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(report, { budget: JOB_SUMMARY_LIMIT, links, baseline: options.baseline })).write();
    } catch (error) {
      warnings.push(`chaos-gate could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  let comment: CommentOutcome | undefined;
  if (options.comment && context?.pullRequest !== undefined) {
    if (!options.token) {
      warnings.push('chaos-gate did not comment on the pull request: the github-token input is empty');
    } else {
      const marker = commentMarker(`${context.job} / ${options.artifactName}`);
      const body = renderSummary(report, { budget: commentBudget(marker), links, baseline: options.baseline });
      comment = await postComment({ token: options.token, repo: context.repo, issueNumber: context.pullRequest, body, marker });
      if (!comment.ok) warnings.push(comment.warning);
    }
  }
  return { artifact, comment, warnings };
}

function annotate(report: RunReport): void {
  for (const t of report.thresholds) {
    if (!t.ok) core.error(`${t.metric} ${t.expression}: ${t.reason ?? `actual ${t.actual}, limit ${t.limit}`}`, { title: 'chaos-gate threshold broken' });
  }
  for (const [stage, s] of Object.entries(report.stages)) {
    if (s.status !== 'passed' && s.status !== 'not_run') core.error(`${stage}: ${s.reason ?? s.status}`, { title: `chaos-gate ${stage} stage ${s.status}` });
  }
}
