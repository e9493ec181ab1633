/**
 * Points folded into series per flush interval, for the outputs that push (Prometheus remote
 * write, OTLP): a series is a metric with one set of tags. Counters keep their running total;
 * rates, trends and gauges are what the interval saw. At most MAX_SERIES series are kept; points
 * of further ones are dropped and counted (a tag with an id in it would otherwise grow without end).
 */
import * as hdr from 'hdr-histogram-js';
import type { OutPoint, PointType } from './point.js';

export const MAX_SERIES = 2000;

/** Trend bucket bounds, ms (OTLP's explicit histogram): fine where services answer, coarse where faults push them. */
export const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export interface Series {
  metric: string;
  type: PointType;
  tags: Readonly<Record<string, string>>;
  /** Counters: the total since the run began. */
  total: number;
  /** This interval: values seen, their sum, hits (rates), the last value (gauges). */
  count: number;
  sum: number;
  hits: number;
  last: number;
  min: number;
  max: number;
  /** Trends: this interval's values, in µs, and how many fell at or below each of BOUNDS_MS (one more: above them all). */
  histogram?: hdr.Histogram;
  buckets?: number[];
}

export class Aggregator {
  private readonly series = new Map<string, Series>();
  dropped = 0;

  /** False when the point was dropped (too many series). */
  add(point: OutPoint): boolean {
    let key = point.metric;
    for (const name in point.tags) key += `\u0000${name}\u0001${point.tags[name]}`;
    let series = this.series.get(key);
    if (!series) {
      if (this.series.size >= MAX_SERIES) {
        this.dropped += 1;
        return false;
      }
      series = { metric: point.metric, type: point.type, tags: point.tags, total: 0, count: 0, sum: 0, hits: 0, last: 0, min: Infinity, max: -Infinity };
      if (point.type === 'trend') {
        series.histogram = newHistogram();
        series.buckets = new Array<number>(BOUNDS_MS.length + 1).fill(0);
      }
      this.series.set(key, series);
    }
    series.count += 1;
    series.sum += point.value;
    series.last = point.value;
    if (point.value < series.min) series.min = point.value;
    if (point.value > series.max) series.max = point.value;
    if (point.type === 'counter') series.total += point.value;
    else if (point.type === 'rate' && point.value) series.hits += 1;
    else if (series.histogram) {
      series.histogram.recordValue(Math.max(1, Math.round(point.value * 1000)));
      let i = 0;
      while (i < BOUNDS_MS.length && point.value > BOUNDS_MS[i]) i++;
      series.buckets![i] += 1;
    }
    return true;
  }

  /** Every series, with this interval's values; then starts the next interval (counters keep their totals). */
  take(): Series[] {
    const out: Series[] = [];
    for (const s of this.series.values()) {
      out.push({ ...s });
      s.count = s.sum = s.hits = 0;
      s.min = Infinity;
      s.max = -Infinity;
      if (s.histogram) {
        s.histogram = newHistogram();
        s.buckets = new Array<number>(BOUNDS_MS.length + 1).fill(0);
      }
    }
    return out;
  }
}

function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
    autoResize: true,
    useWebAssembly: false,
  });
}

/** A trend's value at a percentile over the interval, in ms. */
export function percentile(series: Series, p: number): number {
  return series.histogram && series.count > 0 ? series.histogram.getValueAtPercentile(p) / 1000 : 0;
}
