/**
 * Puts the verdict where reviewers look: annotations for what broke, then the artifact, job
 * summary and sticky PR comment. None of it can change the verdict; a failure is a warning.
 */
import * as core from '@actions/core';
import { publishReport } from '../report/publish.js';
import type { RunReport } from '../report/types.js';
import type { ActionInputs } from './inputs.js';

/** Where the report goes: the inputs, or the config's `report:` keys where an input is empty. */
export interface Publishing {
  comment: boolean;
  artifactName: string;
}

export async function publish(report: RunReport, reportDir: string, inputs: ActionInputs, publishing: Publishing, baseline: RunReport | undefined): Promise<void> {
  // Annotations reach reviewers even when the token is read-only (a pull request from a fork).
  for (const t of report.thresholds) {
    if (!t.ok) core.error(`${t.metric} ${t.expression}: ${t.reason ?? `actual ${t.actual}, limit ${t.limit}`}`, { title: 'chaos-gate threshold broken' });
  }
  for (const [stage, s] of Object.entries(report.stages)) {
    if (s.status !== 'passed' && s.status !== 'not_run') core.error(`${stage}: ${s.reason ?? s.status}`, { title: `chaos-gate ${stage} stage ${s.status}` });
  }
  // A shard uploads its own artifact for the merge job and leaves the one comment to it.
  const outcome = await publishReport(report, reportDir, {
    token: inputs.githubToken,
    artifactName: inputs.shard ? `${publishing.artifactName}-shard-${inputs.shard.index}` : publishing.artifactName,
    comment: publishing.comment && !inputs.shard,
    baseline,
  });
  for (const warning of outcome.warnings) core.warning(warning);
}
