/** The verdict: fail when a stage failed, a threshold broke, an experiment did not recover, or the run itself went wrong. */
import type { RunReport, Verdict } from '../results/types.js';

export function decide(report: Omit<RunReport, 'verdict'>): Verdict {
  const failed =
    Object.values(report.stages).some((s) => s.status !== 'passed' && s.status !== 'not_run') ||
    report.thresholds.some((t) => !t.ok) ||
    report.experiments.some((e) => !e.ok) ||
    report.errors.length > 0;
  return failed ? 'fail' : 'pass';
}
