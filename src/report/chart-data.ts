/**
 * What the charts draw, shared by the Mermaid chart in the summary and the SVG charts in the
 * HTML page: the per-second timeline folded into at most N buckets, and the thresholds that
 * can be drawn as horizontal lines.
 *
 *   timeline.series (1 point/s) ──► buckets (≤ N; p99 = worst second, success = pooled)
 *   timeline.windows             ──► bucket.fault (the bucket overlaps a fault window)
 *   thresholds on http_req_duration / http_req_failed ──► limit lines
 */
import type { FaultWindow, RunReport, SeriesPoint } from '../results/types.js';

export interface Bucket {
  /** Seconds since the run began: first and last second folded into this bucket. */
  start: number;
  end: number;
  requests: number;
  failures: number;
  /** Request-weighted mean of the seconds' medians, ms. */
  p50: number;
  /** The worst second's p99, ms: folding must not hide a spike. */
  p99: number;
  /** Share of requests that succeeded, 0..1; null when the bucket saw none. */
  successRate: number | null;
  /** A fault window overlaps this bucket. */
  fault: boolean;
}

/** Folds consecutive seconds so there are at most `maxPoints` buckets. */
export function bucketSeries(series: SeriesPoint[], windows: FaultWindow[], maxPoints: number): Bucket[] {
  const sorted = [...series].sort((a, b) => a.t - b.t);
  const size = Math.max(1, Math.ceil(sorted.length / maxPoints));
  const buckets: Bucket[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const chunk = sorted.slice(i, i + size);
    const start = chunk[0].t;
    const end = chunk[chunk.length - 1].t;
    const requests = chunk.reduce((sum, p) => sum + p.requests, 0);
    const failures = chunk.reduce((sum, p) => sum + p.failures, 0);
    const weighted = chunk.reduce((sum, p) => sum + p.p50 * p.requests, 0);
    buckets.push({
      start,
      end,
      requests,
      failures,
      p50: requests > 0 ? weighted / requests : 0,
      p99: Math.max(...chunk.map((p) => p.p99)),
      successRate: requests > 0 ? (requests - failures) / requests : null,
      // A point covers [t, t+1): it overlaps a window that starts before t+1 and ends after t.
      fault: windows.some((w) => w.start < end + 1 && w.end > start),
    });
  }
  return buckets;
}

export interface LimitLine {
  /** `http_req_duration: p(99)<500`. */
  label: string;
  value: number;
  ok: boolean;
}

/** Latency limits (ms) from thresholds on `http_req_duration` (any stage or phase), aggregations with a duration value. */
export function latencyLimits(report: RunReport): LimitLine[] {
  return report.thresholds
    .filter((t) => baseName(t.metric) === 'http_req_duration' && t.limit !== null && /^(p\(|avg|med|max|min)/.test(t.expression))
    .map((t) => ({ label: `${t.metric}: ${t.expression}`, value: t.limit!, ok: t.ok }));
}

/** Success-rate limits (0..1) from `rate` thresholds on `http_req_failed`: `rate<0.05` is a floor of 0.95. */
export function successLimits(report: RunReport): LimitLine[] {
  return report.thresholds
    .filter((t) => baseName(t.metric) === 'http_req_failed' && t.limit !== null && t.expression.startsWith('rate'))
    .map((t) => ({ label: `${t.metric}: ${t.expression}`, value: 1 - t.limit!, ok: t.ok }));
}

/** `chaos.db loss.fault.http_req_failed` → `http_req_failed`. */
function baseName(address: string): string {
  return address.slice(address.lastIndexOf('.') + 1);
}

/** The next 1, 2 or 5 × 10^k at or above `value`, so the axis ends on a round number. */
export function niceCeil(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
