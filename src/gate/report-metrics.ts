/**
 * Reads metrics back out of a metrics.json (a baseline run, a shard) by the same addresses
 * thresholds use: `http_req_duration`, `load.http_req_duration`, `chaos.<experiment>.fault.x`.
 */
import { OUTCOME_CODE, type MatrixReport, type MetricSummaries, type RunReport } from '../results/types.js';
import { lookupKey } from './metric-address.js';
import { MetricSet, type Metric } from './metrics.js';
import type { MetricLookup } from './thresholds.js';

export function reportLookup(report: RunReport): MetricLookup {
  const cache = new Map<string, MetricSet>();
  const setFor = (scope: string): MetricSet | undefined => {
    if (!cache.has(scope)) {
      const summaries = summariesFor(report, scope);
      if (!summaries) return undefined;
      cache.set(scope, MetricSet.fromSummary(summaries));
    }
    return cache.get(scope);
  };
  return (address: string): Metric | undefined => {
    const resolved = lookupKey(address);
    if (!resolved) return undefined;
    const { scope, key, phase, experiment } = resolved;
    if (phase === undefined && experiment === undefined) return setFor(scope)?.metrics.get(key);
    // `phase` and `experiment` select experiments' phases, as the store's scopes do in a run.
    if (scope !== '' && scope !== 'chaos' && !scope.startsWith('chaos.')) return undefined;
    const merged = new MetricSet();
    for (const e of report.experiments) {
      if ((experiment !== undefined && e.name !== experiment) || (scope.startsWith('chaos.') && scope !== `chaos.${e.name}`)) continue;
      for (const [name, p] of Object.entries(e.phases)) {
        if (p && (phase === undefined || name === phase)) merged.merge(MetricSet.fromSummary(p.metrics), key);
      }
    }
    return merged.metrics.get(key);
  };
}

function summariesFor(report: RunReport, scope: string): MetricSummaries | undefined {
  if (scope === '') return report.metrics;
  if (scope === 'matrix' || scope.startsWith('matrix.')) return report.matrix ? matrixSummaries(report.matrix, scope) : undefined;
  if (scope in report.stages) return report.stages[scope as keyof RunReport['stages']]?.metrics;
  const match = /^chaos\.(.+)\.(steady|fault|recovery|boundary)$/.exec(scope);
  if (!match) return undefined;
  return report.experiments.find((e) => e.name === match[1])?.phases[match[2] as 'steady' | 'fault' | 'recovery' | 'boundary']?.metrics;
}

/** A matrix's counts (`matrix.failed`) and each cell's outcome (`matrix.redis.down.outcome`: 0 survived, 1 degraded, 2 failed), from its cells. */
function matrixSummaries(matrix: MatrixReport, scope: string): MetricSummaries | undefined {
  if (scope === 'matrix') {
    const counts: MetricSummaries = {};
    for (const outcome of ['survived', 'degraded', 'failed', 'skipped'] as const) {
      counts[outcome] = { type: 'counter', count: matrix.cells.filter((c) => c.outcome === outcome).length };
    }
    counts.regressions = { type: 'counter', count: matrix.regressions ?? 0 };
    return counts;
  }
  const cell = matrix.cells.find((c) => scope === `matrix.${c.dependency}.${c.fault}`);
  if (!cell || cell.outcome === 'skipped') return undefined;
  const value = OUTCOME_CODE[cell.outcome];
  return { outcome: { type: 'gauge', value, min: value, max: value } };
}

/** The matrix's own metrics (counts, outcomes) by address; undefined for anything else, which the caller looks up in its store. */
export function matrixMetric(matrix: MatrixReport | undefined, address: string): Metric | undefined {
  if (!matrix || !address.startsWith('matrix')) return undefined;
  const dot = address.lastIndexOf('.');
  const summaries = dot < 0 ? undefined : matrixSummaries(matrix, address.slice(0, dot));
  return summaries ? MetricSet.fromSummary(summaries).metrics.get(address.slice(dot + 1)) : undefined;
}
