/**
 * Traffic per second for the report's charts: requests, failures, p50 and p99 of the requests
 * that *started* in each second. Each second keeps a small HDR histogram (2 significant digits),
 * never the samples, so an hour of load costs a few MB at most.
 */
import * as hdr from 'hdr-histogram-js';
import type { SeriesPoint } from '../results/types.js';

interface Second {
  requests: number;
  failures: number;
  /** Latencies in µs. */
  latency: hdr.Histogram;
}

export class SecondSeries {
  private readonly seconds = new Map<number, Second>();

  /** `runStart` is the performance.now() ms that `t` counts from. */
  constructor(private readonly runStart: number) {}

  /** One request that started at `start` (performance.now() ms). */
  add(start: number, latencyMs: number, ok: boolean): void {
    const t = Math.max(0, Math.floor((start - this.runStart) / 1000));
    let second = this.seconds.get(t);
    if (second === undefined) {
      second = {
        requests: 0,
        failures: 0,
        latency: hdr.build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: 3_600_000_000,
          numberOfSignificantValueDigits: 2,
          autoResize: true,
          useWebAssembly: false,
          bitBucketSize: 'packed',
        }),
      };
      this.seconds.set(t, second);
    }
    second.requests += 1;
    if (!ok) second.failures += 1;
    second.latency.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
  }

  /** Points in time order; `t` is whole seconds since the run start. */
  points(): SeriesPoint[] {
    return [...this.seconds.entries()]
      .sort(([a], [b]) => a - b)
      .map(([t, s]) => ({
        t,
        requests: s.requests,
        failures: s.failures,
        p50: round(s.latency.getValueAtPercentile(50) / 1000),
        p99: round(s.latency.getValueAtPercentile(99) / 1000),
      }));
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
