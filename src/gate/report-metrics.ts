/**
 * Reads metrics back out of a metrics.json (a baseline run, a shard) by the same addresses
 * thresholds use: `http_req_duration`, `load.http_req_duration`, `chaos.<experiment>.fault.x`.
 */
import type { RunReport } from '../results/types.js';
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
    const dot = address.lastIndexOf('.');
    const [scope, name] = dot < 0 ? ['', address] : [address.slice(0, dot), address.slice(dot + 1)];
    return setFor(scope)?.metrics.get(name);
  };
}

function summariesFor(report: RunReport, scope: string) {
  if (scope === '') return report.metrics;
  if (scope in report.stages) return report.stages[scope as keyof RunReport['stages']]?.metrics;
  const match = /^chaos\.(.+)\.(steady|fault|recovery|boundary)$/.exec(scope);
  if (!match) return undefined;
  return report.experiments.find((e) => e.name === match[1])?.phases[match[2] as 'steady' | 'fault' | 'recovery' | 'boundary']?.metrics;
}
