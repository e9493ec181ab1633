/** Puts the report where reviewers look: the job summary (more to come: PR comment, artifact). */
import * as core from '@actions/core';
import type { RunReport } from '../report/types.js';
import type { Log } from '../run/log.js';
import type { ActionInputs } from './inputs.js';

export async function publish(report: RunReport, reportDir: string, inputs: ActionInputs, log: Log): Promise<void> {
  void inputs;
  void reportDir;
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(`chaos-gate: ${report.verdict}\n`).write();
  } catch (error) {
    log.warn(`could not write the job summary: ${(error as Error).message}`);
  }
}
