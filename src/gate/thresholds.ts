/**
 * Judges thresholds against the metrics of a run: each expression gives the actual value, the
 * limit, and whether it held. A metric nobody produced fails as "no data", never passes silently.
 */
import type { ExperimentReport, ThresholdResult } from '../results/types.js';
import { compare, mismatch, type Expression } from './expression.js';
import { Counter, Gauge, Rate, Trend, type Metric } from './metrics.js';
import type { ThresholdConfig } from './schema.js';
import { compareInterval, percentileInterval, wilson, type Interval } from './interval.js';

/** Looks a metric up by its address (`load.http_req_duration`); undefined when nothing recorded it. */
export type MetricLookup = (address: string) => Metric | undefined;

export interface JudgeOptions {
  /** Seconds-based aggregations (a counter's rate) divide by this. */
  durationMs: number;
  /** The baseline run's metrics, for limits such as `p(99)<baseline*1.2`. */
  baseline?: MetricLookup;
  /** Why a threshold is not judged in this run (`--stage unit`); undefined to judge it. */
  skip?: (address: string) => string | undefined;
  /** Experiments that never recovered: every threshold on recovery_time over them is broken. */
  unrecovered?: string[];
}

export function judge(thresholds: Record<string, ThresholdConfig[]>, lookup: MetricLookup, options: JudgeOptions): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [address, list] of Object.entries(thresholds)) {
    const skipped = options.skip?.(address);
    const metric = skipped ? undefined : lookup(address);
    const unrecovered = skipped ? [] : unrecoveredIn(address, options.unrecovered ?? []);
    for (const config of list) {
      const { threshold } = config;
      const base = { metric: address, expression: threshold.text, actual: null, limit: fixedLimit(threshold) };
      if (skipped) results.push({ ...base, ok: true, outcome: 'skipped', reason: skipped });
      else if (unrecovered.length > 0) {
        // A recovery that never came has no time to compare; counting only the ones that did would read "held".
        const names = unrecovered.map((n) => `"${n}"`).join(', ');
        results.push({
          ...base,
          ok: false,
          outcome: 'broken',
          not_recovered: unrecovered,
          reason: `not recovered: ${names} never got back to the steady success rate`,
        });
      } else results.push(judgeThreshold(address, config, metric, options));
    }
  }
  return results;
}

/**
 * One threshold with its interval: a rate's Wilson interval, a percentile's order-statistic one.
 * Without `confidence` the estimate decides and the (95%) interval is reported beside it; with it,
 * the interval decides: held, broken, or inconclusive, which counts as `on_inconclusive` says.
 */
export function judgeThreshold(address: string, t: ThresholdConfig, metric: Metric | undefined, options: JudgeOptions): ThresholdResult {
  const result = judgeOne(address, t.threshold, metric, options);
  const confidence = t.confidence === undefined ? 0.95 : t.on_inconclusive === 'extend' ? lookConfidence(t.confidence) : t.confidence;
  const interval = metric && result.actual !== null && result.limit !== null ? intervalOf(metric, t.threshold, confidence) : undefined;
  if (!interval) return withOutcome(result);
  const measured: ThresholdResult = { ...result, interval: [round(interval[0]), round(interval[1])], confidence };
  if (t.confidence === undefined) return withOutcome(measured);
  const outcome = compareInterval(interval, t.threshold.op, result.limit!);
  if (outcome !== 'inconclusive') return { ...measured, ok: outcome === 'held', outcome, on_inconclusive: t.on_inconclusive };
  const passes = t.on_inconclusive === 'pass';
  return {
    ...measured,
    ok: passes,
    outcome,
    on_inconclusive: t.on_inconclusive,
    reason: `inconclusive: the ${+(confidence * 100).toFixed(2)}% interval ${round(interval[0])}–${round(interval[1])} straddles the limit; counted as ${passes ? 'held' : 'broken'} (on_inconclusive: ${t.on_inconclusive})`,
  };
}

/**
 * `extend` looks at the data up to EXTEND_LOOKS times and stops at the first clear answer. Each
 * look is judged at a stricter level (Bonferroni: 1 − (1 − c) / looks), so that looking again
 * and again cannot raise the chance of a wrong verdict above 1 − c.
 */
export const EXTEND_LOOKS = 6;

export function lookConfidence(confidence: number): number {
  return 1 - (1 - confidence) / EXTEND_LOOKS;
}

/** The interval of what an expression reads, when it is a rate or a percentile. */
function intervalOf(metric: Metric, e: Expression, confidence: number): Interval | undefined {
  if (metric instanceof Rate && e.aggregation === 'rate' && metric.total > 0) return wilson(metric.hits, metric.total, confidence);
  if (metric instanceof Trend && metric.count > 0 && (e.aggregation === 'p' || e.aggregation === 'med')) {
    return percentileInterval(metric, e.aggregation === 'med' ? 50 : e.percentile!, confidence);
  }
  return undefined;
}

export function judgeOne(address: string, expression: Expression, metric: Metric | undefined, options: JudgeOptions): ThresholdResult {
  const base = { metric: address, expression: expression.text };
  if (!metric) return { ...base, actual: null, limit: fixedLimit(expression), ok: false, reason: 'no data: no stage or experiment produced this metric' };
  const actual = aggregate(metric, expression, options.durationMs);
  if (typeof actual === 'string') return { ...base, actual: null, limit: fixedLimit(expression), ok: false, reason: actual };
  let limit: number;
  if ('value' in expression.limit) limit = expression.limit.value;
  else {
    const baselineMetric = options.baseline?.(address);
    const baselineValue = baselineMetric ? aggregate(baselineMetric, expression, options.durationMs) : undefined;
    if (typeof baselineValue !== 'number') {
      return { ...base, actual: round(actual), limit: null, ok: false, reason: 'no baseline value for this metric' };
    }
    limit = baselineValue * expression.limit.factor + expression.limit.offset;
  }
  return { ...base, actual: round(actual), limit: round(limit), ok: compare(actual, expression.op, limit) };
}

/** The unrecovered experiments a recovery_time address covers: all of them for the run or `chaos`, one for `chaos.<experiment>`. */
function unrecoveredIn(address: string, unrecovered: string[]): string[] {
  const dot = address.lastIndexOf('.');
  const [scope, name] = dot < 0 ? ['', address] : [address.slice(0, dot), address.slice(dot + 1)];
  if (name !== 'recovery_time') return [];
  if (scope === '' || scope === 'chaos') return unrecovered;
  return unrecovered.filter((e) => scope === `chaos.${e}`);
}

function withOutcome(result: ThresholdResult): ThresholdResult {
  return { ...result, outcome: result.outcome ?? (result.ok ? 'held' : 'broken') };
}

/**
 * The number an aggregation names, or a message when it does not apply to this kind of metric:
 * built-in metrics are checked at load, a user's own metric only now that its type is known.
 */
function aggregate(metric: Metric, e: Expression, durationMs: number): number | string {
  const wrongType = mismatch(e, metric.type);
  if (wrongType) return wrongType;
  const a = e.aggregation;
  if (metric instanceof Trend) {
    if (metric.count === 0) return 'no data: the trend has no values';
    if (a === 'p') return metric.percentile(e.percentile!);
    if (a === 'med') return metric.percentile(50);
    if (a === 'avg') return metric.avg;
    if (a === 'min') return metric.min;
    if (a === 'max') return metric.max;
    if (a === 'count') return metric.count;
  } else if (metric instanceof Rate) {
    if (metric.total === 0) return 'no data: the rate has no values';
    if (a === 'rate') return metric.rate;
    if (a === 'count') return metric.hits;
  } else if (metric instanceof Counter) {
    if (a === 'count') return metric.count;
    if (a === 'rate') return durationMs > 0 ? (metric.count * 1000) / durationMs : 0;
  } else if (metric instanceof Gauge) {
    if (metric.updated === 0) return 'no data: the gauge was never set';
    if (a === 'value') return metric.value;
    if (a === 'min') return metric.min;
    if (a === 'max') return metric.max;
  }
  return `${a} is not computed for a ${metric.type}`; // kept in step with mismatch()'s table
}

function fixedLimit(e: Expression): number | null {
  return 'value' in e.limit ? e.limit.value : null;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** The experiments of a run that never recovered, for JudgeOptions.unrecovered. */
export function unrecovered(experiments: ExperimentReport[]): string[] {
  return experiments.filter((e) => e.recovery_time_ms === null).map((e) => e.name);
}
