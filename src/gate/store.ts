/**
 * Every metric of a run, by scope. A scope is where it was recorded: a stage (`unit`, `load`,
 * `chaos`) or an experiment phase (`chaos.<experiment>.fault`). Reading a scope merges it with
 * everything below it, so `chaos` includes its experiments and `` (the whole run) includes all
 * but the resilience matrix's cells (`matrix.<dependency>.<fault>.<phase>`), faults on purpose.
 */
import { lookupKey } from './metric-address.js';
import { MetricSet, Trend, type Metric } from './metrics.js';

export class MetricsStore {
  private readonly scopes = new Map<string, MetricSet>();

  /** The set that records into one scope. */
  scope(path: string): MetricSet {
    let set = this.scopes.get(path);
    if (!set) {
      set = new MetricSet();
      this.scopes.set(path, set);
    }
    return set;
  }

  /** A merged copy of a scope and every scope below it (`''` is the whole run), or of one metric of them. */
  collect(prefix: string, only?: string): MetricSet {
    const merged = new MetricSet();
    for (const [path, set] of this.scopes) {
      // The matrix breaks dependencies on purpose: its traffic is judged under `matrix.`, not in the whole run.
      if (prefix === '' && (path === 'matrix' || path.startsWith('matrix.'))) continue;
      if (prefix === '' || path === prefix || path.startsWith(`${prefix}.`)) merged.merge(set, only);
    }
    return merged;
  }

  /**
   * Resolves a metric as thresholds address it: `http_req_failed` (whole run),
   * `load.http_req_duration`, `chaos.<experiment>.fault.http_req_failed`.
   */
  lookup(address: string): Metric | undefined {
    const resolved = lookupKey(address);
    if (!resolved) return undefined;
    const { scope, key, phase, experiment } = resolved;
    // Only the one metric is merged: a run with 1,200 thresholds merged every histogram 1,200 times.
    if (phase === undefined && experiment === undefined) return this.collect(scope, key).metrics.get(key);
    // `phase` and `experiment` name scopes: chaos.<experiment>.<phase>.
    const merged = new MetricSet();
    for (const [path, set] of this.scopes) {
      const under = scope === '' || path === scope || path.startsWith(`${scope}.`);
      const inExperiment = experiment === undefined || path === `chaos.${experiment}` || path.startsWith(`chaos.${experiment}.`);
      const inPhase = phase === undefined || (path.startsWith('chaos.') && path.endsWith(`.${phase}`));
      if (under && inExperiment && inPhase) merged.merge(set, key);
    }
    return merged.metrics.get(key);
  }

  /** Records one value into a scope, adding to a trend across the run (e.g. recovery_time). */
  trend(scope: string, name: string): Trend {
    return this.scope(scope).trend(name);
  }
}
