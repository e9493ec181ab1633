/**
 * Every metric of a run, by scope. A scope is where it was recorded: a stage (`unit`, `load`,
 * `chaos`) or an experiment phase (`chaos.<experiment>.fault`). Reading a scope merges it with
 * everything below it, so `chaos` includes its experiments and `` (the whole run) includes all.
 */
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
      if (prefix === '' || path === prefix || path.startsWith(`${prefix}.`)) merged.merge(set, only);
    }
    return merged;
  }

  /**
   * Resolves a metric as thresholds address it: `http_req_failed` (whole run),
   * `load.http_req_duration`, `chaos.<experiment>.fault.http_req_failed`.
   */
  lookup(address: string): Metric | undefined {
    const dot = address.lastIndexOf('.');
    const [scope, name] = dot < 0 ? ['', address] : [address.slice(0, dot), address.slice(dot + 1)];
    // Only the one metric is merged: a run with 1,200 thresholds merged every histogram 1,200 times.
    return this.collect(scope, name).metrics.get(name);
  }

  /** Records one value into a scope, adding to a trend across the run (e.g. recovery_time). */
  trend(scope: string, name: string): Trend {
    return this.scope(scope).trend(name);
  }
}
