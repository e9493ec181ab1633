/**
 * The GitHub face: inputs → run() → outputs, then the reports where reviewers look (job
 * summary, PR comment, artifact). A failed comment or upload is a warning; the verdict stands.
 */
import * as core from '@actions/core';
import { resolve } from 'node:path';
import { UserFacingError } from '../errors.js';
import { run } from '../run/run.js';
import { trackGroups } from '../stages/spawn.js';
import { Outputs, State } from './constants.js';
import { readInputs } from './inputs.js';
import { actionLog } from './log.js';
import { publish } from './publish.js';

export async function runAction(): Promise<void> {
  const log = actionLog();
  // GitHub cancels a job with SIGINT, then SIGTERM: stop cleanly and still report.
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort(signal));
  trackGroups((groups) => core.saveState(State.processGroups, groups.join(',')));
  try {
    const inputs = readInputs();
    const cwd = resolve(inputs.workingDirectory);
    const outcome = await run(
      { config: inputs.config, cwd, reportDir: inputs.reportDir, stages: inputs.stages, categories: inputs.categories, signal: stop.signal },
      log,
    );
    if (!outcome.report || !outcome.reportDir) return;
    core.setOutput(Outputs.verdict, outcome.verdict);
    core.setOutput(Outputs.reportDir, outcome.reportDir);
    await publish(outcome.report, outcome.reportDir, inputs, log);
    if (outcome.verdict === 'fail') core.setFailed('chaos-gate: the gate failed; see the job summary for what broke');
  } catch (error) {
    if (error instanceof UserFacingError) core.setFailed(error.message);
    else core.setFailed(`chaos-gate internal error: ${(error as Error)?.stack ?? String(error)}`);
  }
}
