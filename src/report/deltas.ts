/**
 * This run against the baseline run (the latest successful one on the base branch), metric by
 * metric: latency percentiles as relative change (`p99 +12%`), success rates in percentage
 * points (`−0.3 pt`), throughput and recovery times relative, other counters as a difference.
 */
import { ms, num, percent, signed } from './format.js';
import type { MetricSummary, RunReport } from '../results/types.js';

export interface Delta {
  /** What is compared, e.g. `http_req_duration p99`, `recovery: postgres connection loss`. */
  label: string;
  baseline: string;
  current: string;
  change: string;
  /** true when the change is a regression, false when an improvement, undefined when neutral or unknown. */
  worse?: boolean;
}

/** The deltas of every metric and experiment both runs have, in the current run's order. */
export function computeDeltas(current: RunReport, baseline: RunReport): Delta[] {
  const deltas: Delta[] = [];
  for (const [name, summary] of Object.entries(current.metrics)) {
    const before = baseline.metrics[name];
    if (before?.type === summary.type) deltas.push(...metricDeltas(name, summary, before));
  }
  for (const experiment of current.experiments) {
    const before = baseline.experiments.find((e) => e.name === experiment.name);
    if (!before || experiment.recovery_time_ms === null || before.recovery_time_ms === null) continue;
    deltas.push(relative(`recovery: ${experiment.name}`, before.recovery_time_ms, experiment.recovery_time_ms, ms, 'up'));
  }
  return deltas;
}

type Direction = 'up' | 'down' | 'neutral';

function metricDeltas(name: string, now: MetricSummary, before: MetricSummary): Delta[] {
  const value = (s: MetricSummary, key: string) => (typeof s[key] === 'number' ? (s[key] as number) : undefined);
  const out: Delta[] = [];
  if (now.type === 'trend') {
    for (const key of ['p99', 'p95', 'med']) {
      const a = value(before, key);
      const b = value(now, key);
      // Durations are the common trend; lower is better for them and unknown for the rest.
      if (a !== undefined && b !== undefined)
        out.push(noise(relative(`${name} ${key}`, a, b, num, isDuration(name) ? 'up' : 'neutral'), a, ciOf(before, key), b, ciOf(now, key)));
    }
  } else if (now.type === 'rate') {
    const a = value(before, 'rate');
    const b = value(now, 'rate');
    if (a === undefined || b === undefined) return out;
    // A `_failed` rate counts failures (k6): the reader thinks in success rate.
    const [ia, ib] = [ciOf(before), ciOf(now)];
    if (name.endsWith('_failed')) out.push(noise(points(`success rate (${name})`, 1 - a, 1 - b, 'down'), a, ia, b, ib));
    else out.push(noise(points(`${name} rate`, a, b, 'neutral'), a, ia, b, ib));
  } else if (now.type === 'counter') {
    // Requests per second is throughput; for every other counter (deadlocks, lost frames) the count matters.
    const key = name === 'http_reqs' ? 'rate' : 'count';
    const a = value(before, key);
    const b = value(now, key);
    if (a === undefined || b === undefined) return out;
    if (key === 'rate') out.push(relative(`${name} per second`, a, b, num, 'down'));
    else out.push({ label: `${name} count`, baseline: num(a), current: num(b), change: signed(b - a, '') });
  }
  return out;
}

/** A metric's 95% interval as metrics.json keeps it: a rate's `ci95`, a trend's `ci95[key]`. */
function ciOf(s: MetricSummary, key?: string): number[] | undefined {
  const ci = key === undefined ? s.ci95 : (s.ci95 as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(ci) && ci.length === 2 ? (ci as number[]) : undefined;
}

/**
 * A change is marked better or worse only when it lies outside both runs' noise: each value
 * outside the other's 95% interval. Otherwise it reads "within noise" (reports without
 * intervals, from before they existed, keep the plain comparison).
 */
function noise(delta: Delta, a: number, aInterval: number[] | undefined, b: number, bInterval: number[] | undefined): Delta {
  if (!aInterval || !bInterval || delta.worse === undefined) return delta;
  const outside = (v: number, [low, high]: number[]) => v < low || v > high;
  if (outside(b, aInterval) && outside(a, bInterval)) return delta;
  return { ...delta, change: `${delta.change} (within noise)`, worse: undefined };
}

function isDuration(name: string): boolean {
  return /duration|latency|time/.test(name);
}

/** `worseWhen`: which way of moving is a regression. */
function relative(label: string, a: number, b: number, show: (v: number) => string, worseWhen: Direction): Delta {
  const ratio = a === 0 ? (b === 0 ? 0 : Infinity) : ((b - a) / a) * 100;
  const change = Number.isFinite(ratio) ? signed(ratio, '%') : 'new';
  return { label, baseline: show(a), current: show(b), change, worse: judge(b - a, change, worseWhen) };
}

function points(label: string, a: number, b: number, worseWhen: Direction): Delta {
  const change = signed((b - a) * 100, ' pt');
  return { label, baseline: percent(a), current: percent(b), change, worse: judge(b - a, change, worseWhen) };
}

/** A change that rounds to ±0 is neither better nor worse. */
function judge(difference: number, change: string, worseWhen: Direction): boolean | undefined {
  if (worseWhen === 'neutral' || change.startsWith('±')) return undefined;
  return worseWhen === 'up' ? difference > 0 : difference < 0;
}
