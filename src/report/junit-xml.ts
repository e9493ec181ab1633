/**
 * chaos-gate's own junit.xml, for test-report tools: one suite per stage (its test cases and a
 * case for the stage's outcome), one suite of experiments, and one of thresholds — a broken
 * threshold is a failed case, a skipped one (left out by --stage/--category) a skipped case — and one
 * of the run's errors, when it has any.
 */
import junitModule, { type Builder } from 'junit-report-builder';
import type { JunitCase, RunReport, StageName } from '../results/types.js';
import { outcomeOf, STAGE_ORDER } from '../results/types.js';

// The package is CommonJS whose module.exports is the builder; its types describe an ES default.
const junit = junitModule as unknown as Builder;

export function renderJunit(report: RunReport, cases: Partial<Record<StageName, JunitCase[]>>): string {
  const builder = junit.newBuilder();
  for (const stage of STAGE_ORDER) {
    const result = report.stages[stage];
    if (!result) continue;
    const suite = builder
      .testSuite()
      .name(stage)
      .time(result.duration_ms / 1000);
    // Cases past the byte budget are counted in metrics.json but not listed here: say so.
    if (result.tests_note) suite.property('chaos-gate.tests_note', result.tests_note);
    const outcome = suite
      .testCase()
      .className(`chaos-gate.${stage}`)
      .name(`${stage} stage`)
      .time(result.duration_ms / 1000);
    if (result.status === 'not_run') outcome.skipped();
    else if (result.status !== 'passed') outcome.failure(result.reason ?? result.status, result.status);
    for (const c of cases[stage] ?? []) {
      const test = suite.testCase().className(c.suite).name(c.name);
      if (c.time !== undefined) test.time(c.time);
      if (c.status === 'failed') test.failure(c.message);
      else if (c.status === 'error') test.error(c.message);
      else if (c.status === 'skipped') test.skipped();
    }
  }
  if (report.experiments.length > 0) {
    const suite = builder.testSuite().name('experiments');
    for (const e of report.experiments) {
      const test = suite.testCase().className('chaos-gate.experiments').name(e.name);
      if (e.cancelled) test.failure('cancelled: the run was stopped during the experiment', 'cancelled');
      else if (!e.ok) {
        test.failure(e.recovery_time_ms === null ? 'did not recover' : `recovered in ${e.recovery_time_ms} ms, limit ${e.recover_within_ms} ms`);
      }
    }
  }
  if (report.thresholds.length > 0) {
    const suite = builder.testSuite().name('thresholds');
    for (const t of report.thresholds) {
      const test = suite.testCase().className('chaos-gate.thresholds').name(`${t.metric}: ${t.expression}`);
      if (outcomeOf(t) === 'skipped') test.skipped();
      else if (!t.ok) test.failure(t.reason ?? `actual ${t.actual}, limit ${t.limit}`);
    }
  }
  // What went wrong outside a stage (a service that died, an internal error) is a failure too.
  if (report.errors.length > 0) {
    const suite = builder.testSuite().name('run');
    report.errors.forEach((error, i) =>
      suite
        .testCase()
        .className('chaos-gate.run')
        .name(`run error ${i + 1}`)
        .failure(error),
    );
  }
  return builder.build();
}
