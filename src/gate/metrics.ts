/**
 * Metric kinds (k6's four) and a named set of them. A set is what one scope records (a stage,
 * an experiment phase, a shard); sets merge exactly, so the whole run, a stage and a merge of
 * shards are all computed the same way: counters add, rates add hits and totals, trends merge
 * their HDR histograms, gauges keep the latest value with the extremes.
 */
import * as hdr from 'hdr-histogram-js';
import type { MetricSummaries } from '../results/types.js';
import { percentileInterval, wilson } from './interval.js';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** Trend values are stored as integers in thousandths, so milliseconds keep microsecond precision. */
const TREND_SCALE = 1000;
/**
 * The largest trend value kept: 1e12 (ms, about 31 years). Past it the histogram's integers leave
 * the range it can index (2^53 / TREND_SCALE) and it throws; such a value is refused, by its line.
 */
export const MAX_TREND_VALUE = 1e12;

function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2 * 3600 * 1000 * TREND_SCALE,
    autoResize: true,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export class Counter {
  readonly type = 'counter';
  count = 0;
  add(value: number): void {
    this.count += value;
  }
  merge(other: Counter): void {
    this.count += other.count;
  }
  summary(durationMs: number): Record<string, number> {
    return { count: this.count, rate: durationMs > 0 ? round((this.count * 1000) / durationMs) : 0 };
  }
}

export class Gauge {
  readonly type = 'gauge';
  value = 0;
  min = Infinity;
  max = -Infinity;
  /** ms since epoch of the last set, so merging keeps the latest value. */
  updated = 0;
  add(value: number, at = Date.now()): void {
    if (at >= this.updated) {
      this.value = value;
      this.updated = at;
    }
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }
  merge(other: Gauge): void {
    if (other.updated === 0) return;
    this.add(other.value, other.updated);
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }
  summary(): Record<string, number> {
    return this.updated === 0 ? { value: 0 } : { value: this.value, min: this.min, max: this.max };
  }
}

/** A share of hits among a total; for `http_req_failed` a hit is a failed request, as in k6. */
export class Rate {
  readonly type = 'rate';
  hits = 0;
  total = 0;
  add(hit: boolean | number): void {
    this.total += 1;
    if (hit) this.hits += 1;
  }
  merge(other: Rate): void {
    this.hits += other.hits;
    this.total += other.total;
  }
  get rate(): number {
    return this.total === 0 ? 0 : this.hits / this.total;
  }
  /** `ci95`: the 95% Wilson interval of the rate (absent without data). */
  summary(): Record<string, number | number[]> {
    const out: Record<string, number | number[]> = { rate: round(this.rate, 6), hits: this.hits, total: this.total };
    if (this.total > 0) out.ci95 = wilson(this.hits, this.total).map((v) => round(v, 6));
    return out;
  }
}

/**
 * A distribution of non-negative values (durations in ms), kept as an HDR histogram, not samples.
 * Percentiles carry HDR's 3 significant digits; min and max are kept exactly beside it.
 */
export class Trend {
  readonly type = 'trend';
  readonly histogram: hdr.Histogram;
  private low = Infinity;
  private high = -Infinity;

  constructor(histogram: hdr.Histogram = newHistogram()) {
    this.histogram = histogram;
  }

  /** Throws a RangeError for a value the histogram cannot hold (past MAX_TREND_VALUE, or not a number). */
  static check(value: number): void {
    if (!(value <= MAX_TREND_VALUE)) throw new RangeError(`value ${value} is past the largest trend value (${MAX_TREND_VALUE} ms)`);
  }

  /** Rebuilds a trend from its metrics.json summary (the HDR histogram and the exact extremes). */
  static fromSummary(summary: Record<string, unknown>): Trend {
    const trend =
      typeof summary.hdr === 'string' && summary.hdr !== '' ? new Trend(hdr.decodeFromCompressedBase64(summary.hdr, 64, false) as hdr.Histogram) : new Trend();
    if (trend.count > 0) {
      trend.low = Number(summary.min);
      trend.high = Number(summary.max);
    }
    return trend;
  }

  /** Throws a RangeError, recording nothing, for a value past MAX_TREND_VALUE. */
  add(value: number): void {
    Trend.check(value);
    const v = Math.max(0, value);
    this.histogram.recordValue(Math.round(v * TREND_SCALE));
    if (v < this.low) this.low = v;
    if (v > this.high) this.high = v;
  }
  merge(other: Trend): void {
    this.histogram.add(other.histogram);
    this.low = Math.min(this.low, other.low);
    this.high = Math.max(this.high, other.high);
  }
  get count(): number {
    return this.histogram.totalCount;
  }
  /** The value at a percentile 0..100, in the unit recorded; never outside [min, max]. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    return Math.min(this.high, Math.max(this.low, this.histogram.getValueAtPercentile(p) / TREND_SCALE));
  }
  get min(): number {
    return this.count === 0 ? 0 : this.low;
  }
  get max(): number {
    return this.count === 0 ? 0 : this.high;
  }
  get avg(): number {
    return this.count === 0 ? 0 : this.histogram.mean / TREND_SCALE;
  }
  /** `ci95`: the 95% interval of each percentile (see interval.ts), so a change can be told from noise. */
  summary(): Record<string, number | string | Record<string, number[]>> {
    const ci95: Record<string, number[]> = {};
    if (this.count > 0)
      for (const [key, p] of [
        ['med', 50],
        ['p90', 90],
        ['p95', 95],
        ['p99', 99],
      ] as const)
        ci95[key] = percentileInterval(this, p).map((v) => round(v));
    return {
      count: this.count,
      min: round(this.min),
      avg: round(this.avg),
      med: round(this.percentile(50)),
      p90: round(this.percentile(90)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.max),
      ...(this.count > 0 ? { ci95 } : {}),
      hdr: hdr.encodeIntoCompressedBase64(this.histogram),
    };
  }
}

export type Metric = Counter | Gauge | Rate | Trend;

const constructors = { counter: Counter, gauge: Gauge, rate: Rate, trend: Trend } as const;

/** The metrics of one scope, by name. A name keeps the type it was first recorded with. */
export class MetricSet {
  readonly metrics = new Map<string, Metric>();

  /** Returns the metric, creating it; throws when the name already holds another type. */
  get(name: string, type: MetricType): Metric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) throw new Error(`metric "${name}" is a ${existing.type}, not a ${type}`);
      return existing;
    }
    const created = new constructors[type]();
    this.metrics.set(name, created);
    return created;
  }

  counter(name: string): Counter {
    return this.get(name, 'counter') as Counter;
  }
  gauge(name: string): Gauge {
    return this.get(name, 'gauge') as Gauge;
  }
  rate(name: string): Rate {
    return this.get(name, 'rate') as Rate;
  }
  trend(name: string): Trend {
    return this.get(name, 'trend') as Trend;
  }

  /** Records one value the way a metrics line or a POST /metrics does. */
  record(name: string, type: MetricType, value: number | boolean): void {
    // Checked first, so a refused value leaves no empty metric behind.
    if (type === 'trend') Trend.check(Number(value));
    const metric = this.get(name, type);
    if (metric instanceof Rate) metric.add(value);
    else metric.add(Number(value));
  }

  /** Adds `other`'s metrics (or only the one named `only`) into this set. */
  merge(other: MetricSet, only?: string): this {
    if (only !== undefined) {
      const metric = other.metrics.get(only);
      if (metric) (this.get(only, metric.type) as { merge(m: Metric): void }).merge(metric);
      return this;
    }
    for (const [name, metric] of other.metrics) {
      (this.get(name, metric.type) as { merge(m: Metric): void }).merge(metric);
    }
    return this;
  }

  /** Summaries keyed by name, as written to metrics.json. */
  summary(durationMs: number): MetricSummaries {
    const out: MetricSummaries = {};
    for (const name of [...this.metrics.keys()].sort()) {
      const metric = this.metrics.get(name)!;
      out[name] = { type: metric.type, ...metric.summary(durationMs) };
    }
    return out;
  }

  /** Rebuilds a set from a metrics.json summary (used to merge shards and read baselines). */
  static fromSummary(summary: MetricSummaries): MetricSet {
    const set = new MetricSet();
    for (const [name, s] of Object.entries(summary)) {
      switch (s.type) {
        case 'counter':
          set.counter(name).count = Number(s.count);
          break;
        case 'rate': {
          const rate = set.rate(name);
          rate.hits = Number(s.hits);
          rate.total = Number(s.total);
          break;
        }
        case 'gauge':
          if (s.min !== undefined) {
            const gauge = set.gauge(name);
            gauge.add(Number(s.min), 1);
            gauge.add(Number(s.max), 1);
            gauge.add(Number(s.value), 2);
          }
          break;
        case 'trend':
          set.metrics.set(name, Trend.fromSummary(s));
          break;
      }
    }
    return set;
  }
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
