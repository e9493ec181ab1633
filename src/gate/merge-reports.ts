/**
 * Merges the reports of a run's shards into the report of the whole run: counters add, rates add
 * hits and totals, trends merge their HDR histograms (percentiles of the whole, not averages of
 * percentiles), stages take their worst outcome, experiments and fault windows are collected.
 * Thresholds are judged once, afterwards, on the merged metrics.
 */
import type { CheckReport, MatrixReport, MetricSummaries, RunReport, SeriesPoint, StageReport, StageStatus } from '../results/types.js';
import { STAGE_ORDER } from '../results/types.js';
import { MetricSet } from './metrics.js';

/** Worst first: the merged stage shows the worst any shard saw. */
const SEVERITY: StageStatus[] = ['failed', 'timed_out', 'cancelled', 'passed', 'not_run'];

/** The merged report, without thresholds and verdict (judge them on its metrics). */
export function mergeReports(reports: RunReport[]): Omit<RunReport, 'thresholds' | 'verdict'> {
  const durationMs = Math.max(0, ...reports.map((r) => r.duration_ms));
  const stages: RunReport['stages'] = {};
  for (const name of STAGE_ORDER) {
    const shardStages = reports
      .map((r, i) => [i + 1, r.stages[name]] as const)
      .filter((entry): entry is readonly [number, StageReport] => entry[1] !== undefined);
    if (shardStages.length > 0) stages[name] = mergeStage(shardStages);
  }
  return {
    version: 1,
    started_at: reports.map((r) => r.started_at).sort()[0] ?? new Date().toISOString(),
    duration_ms: durationMs,
    stages,
    metrics: mergeSummaries(
      reports.map((r) => r.metrics),
      durationMs,
    ),
    experiments: reports.flatMap((r) => r.experiments),
    ...mergeMatrices(reports.map((r) => r.matrix).filter((m): m is MatrixReport => m !== undefined)),
    timeline: { series: mergeSeries(reports.map((r) => r.timeline.series)), windows: reports.flatMap((r) => r.timeline.windows) },
    errors: reports.flatMap((r, i) => r.errors.map((e) => `shard ${r.shard?.index ?? i + 1}: ${e}`)),
  };
}

function mergeStage(shards: (readonly [number, StageReport])[]): StageReport {
  const all = shards.map(([, s]) => s);
  const status = SEVERITY.find((level) => all.some((s) => s.status === level)) ?? 'passed';
  const durationMs = Math.max(...all.map((s) => s.duration_ms));
  const merged: StageReport = {
    status,
    exit_code: all.find((s) => s.exit_code !== 0 && s.exit_code !== null)?.exit_code ?? all[0].exit_code,
    duration_ms: durationMs,
    metrics: mergeSummaries(
      all.map((s) => s.metrics),
      durationMs,
    ),
  };
  const withTests = all.filter((s) => s.tests);
  if (withTests.length > 0) {
    merged.tests = { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 };
    for (const s of withTests) for (const key of Object.keys(merged.tests) as (keyof typeof merged.tests)[]) merged.tests[key] += s.tests![key];
  }
  const failures = all.flatMap((s) => s.failures ?? []);
  if (failures.length > 0) merged.failures = failures.slice(0, 50);
  const checks = mergeChecks(all.map((s) => s.checks ?? []));
  if (checks.length > 0) merged.checks = checks;
  const reasons = shards.filter(([, s]) => s.reason).map(([i, s]) => `shard ${i}: ${s.reason}`);
  if (reasons.length > 0) merged.reason = reasons.join('; ');
  return merged;
}

/** Shards ran disjoint cells of one matrix: the cells together, in the matrix's order. */
function mergeMatrices(matrices: MatrixReport[]): { matrix?: MatrixReport } {
  if (matrices.length === 0) return {};
  const [first] = matrices;
  const notes = matrices.map((m) => m.note).filter((n): n is string => n !== undefined);
  const regressions = matrices.filter((m) => m.regressions !== undefined);
  return {
    matrix: {
      dependencies: first.dependencies,
      faults: first.faults,
      cells: matrices.flatMap((m) => m.cells).sort((a, b) => a.index - b.index),
      budget_ms: first.budget_ms,
      elapsed_ms: Math.max(...matrices.map((m) => m.elapsed_ms)),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      ...(regressions.length > 0 ? { regressions: regressions.reduce((n, m) => n + m.regressions!, 0) } : {}),
    },
  };
}

/** Checks of the same name add their counts; the first shard's failing answer is kept. */
function mergeChecks(lists: CheckReport[][]): CheckReport[] {
  const byName = new Map<string, CheckReport>();
  for (const check of lists.flat()) {
    const seen = byName.get(check.name);
    if (!seen) byName.set(check.name, { ...check });
    else {
      seen.passes += check.passes;
      seen.fails += check.fails;
      seen.example ??= check.example;
    }
  }
  return [...byName.values()];
}

function mergeSummaries(list: MetricSummaries[], durationMs: number): MetricSummaries {
  return list
    .map((summaries) => MetricSet.fromSummary(summaries))
    .reduce((a, b) => a.merge(b), new MetricSet())
    .summary(durationMs);
}

/** Shards ran side by side: a second's requests and failures add; its percentiles take the worst shard's. */
function mergeSeries(list: SeriesPoint[][]): SeriesPoint[] {
  const byTime = new Map<number, SeriesPoint>();
  for (const point of list.flat()) {
    const seen = byTime.get(point.t);
    if (!seen) byTime.set(point.t, { ...point });
    else {
      seen.requests += point.requests;
      seen.failures += point.failures;
      seen.p50 = Math.max(seen.p50, point.p50);
      seen.p99 = Math.max(seen.p99, point.p99);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}
