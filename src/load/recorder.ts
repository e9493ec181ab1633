/**
 * Samples into metrics, with k6's names:
 *
 *   Sample ──► http_reqs (counter), http_req_failed (rate, hit = failed), http_req_duration (trend)
 *          ──► errors_timeout | errors_reset | errors_refused | errors_5xx | errors_429 | errors_4xx | errors_other
 *          ──► SecondSeries (per-second requests, failures, p50, p99 for the charts)
 *   dropped ──► dropped_iterations (counter)
 *
 * The MetricSet can be swapped mid-run (`into`), so the chaos runner can split one load into
 * steady / fault / recovery phases; the series runs on across swaps.
 */
import type { Counter, MetricSet, Rate, Trend } from '../gate/metrics.js';
import type { SeriesPoint } from '../results/types.js';
import type { ErrorClass, Sample } from './sample.js';
import { SecondSeries } from './series.js';

const ERROR_COUNTERS: Record<ErrorClass, string> = {
  timeout: 'errors_timeout',
  reset: 'errors_reset',
  refused: 'errors_refused',
  status_5xx: 'errors_5xx',
  status_429: 'errors_429',
  status_4xx: 'errors_4xx',
  other: 'errors_other',
};

export class LoadRecorder {
  private set: MetricSet;
  private readonly series: SecondSeries;
  // Metrics are created on the first sample, so a load that sent nothing reads as "no data", not as 0% failed.
  private reqs: Counter | undefined;
  private failed: Rate | undefined;
  private duration: Trend | undefined;

  /** `runStart`: performance.now() ms the series' `t` counts from (the run's start, not the load's). */
  constructor(set: MetricSet, runStart: number) {
    this.set = set;
    this.series = new SecondSeries(runStart);
  }

  /** Records into `set` from now on. */
  into(set: MetricSet): void {
    this.set = set;
    this.reqs = this.failed = this.duration = undefined;
  }

  /** Records one request; pass it as the engine's `onSample`. */
  readonly record = (sample: Sample): void => {
    (this.reqs ??= this.set.counter('http_reqs')).add(1);
    (this.failed ??= this.set.rate('http_req_failed')).add(!sample.ok);
    (this.duration ??= this.set.trend('http_req_duration')).add(sample.latencyMs);
    if (sample.errorClass !== undefined) this.set.counter(ERROR_COUNTERS[sample.errorClass]).add(1);
    this.series.add(sample.start, sample.latencyMs, sample.ok);
  };

  /** Records a request the open model could not send (max_in_flight reached); pass it as `onDropped`. */
  readonly dropped = (): void => {
    this.set.counter('dropped_iterations').add(1);
  };

  /** The per-second series so far, in time order. */
  points(): SeriesPoint[] {
    return this.series.points();
  }
}
