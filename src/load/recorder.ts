/**
 * Samples into metrics, with k6's names:
 *
 *   Sample ──► http_reqs (counter), http_req_failed (rate, hit = failed), http_req_duration (trend)
 *          ──► errors_timeout | errors_reset | errors_refused | errors_5xx | errors_429 | errors_4xx | errors_other
 *          ──► SecondSeries (per-second requests, failures, p50, p99 for the charts)
 *   dropped ──► dropped_iterations (counter)
 *
 * Tagged loads (flows, or several targets) also keep each endpoint's metrics under
 * `http_req_duration{name:…}` (and reqs, failed), plus the sub-metrics thresholds filter by
 * (`{status:500}`, `{method:POST,name:checkout}`). Flows add k6's `checks` (a rate of passes, and
 * `checks{check:…}` per check), `iterations` and `iteration_duration`; the checks' counts and one
 * failing answer each are kept for the summary.
 *
 * The MetricSet can be swapped mid-run (`into`), so the chaos runner can split one load into
 * steady / fault / recovery phases; the series runs on across swaps.
 */
import type { Counter, MetricSet, Rate, Trend } from '../gate/metrics.js';
import { tagFilters, taggedName, type TagFilter } from '../gate/metric-address.js';
import type { ThresholdConfig } from '../gate/schema.js';
import type { LoadOptions } from './engine.js';
import type { Traffic } from './schema.js';
import type { CheckExample, CheckReport, SeriesPoint } from '../results/types.js';
import type { ErrorClass, RequestTags, Sample } from './sample.js';
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

/** Where points go while the run goes (`--out`); the out/ folder's Outputs fits it. */
export interface PointSink {
  add(point: { metric: string; type: 'counter' | 'gauge' | 'rate' | 'trend'; value: number; tags: Readonly<Record<string, string>>; time: number }): void;
}

export interface RecorderOptions {
  /** Every request, check and iteration also goes here, tagged with its request's tags and `tags`. */
  out?: PointSink;
  /** Tags of every point sent out: `stage`, and in an experiment `experiment` and `phase`. */
  tags?: Record<string, string>;
  /** Keep each endpoint's metrics (`{name:…}`): the load has flows or several targets. */
  byName?: boolean;
  /** Sub-metrics thresholds ask for. */
  filters?: TagFilter[];
}

/** At most this many checks keep counts and an example: a module naming checks by id cannot grow the report. */
const MAX_CHECKS = 200;

interface Endpoint {
  reqs: Counter;
  failed: Rate;
  duration: Trend;
}

export class LoadRecorder {
  private set: MetricSet;
  private readonly byName: boolean;
  private readonly filters: TagFilter[];
  private endpoints = new Map<string, Endpoint>();
  private readonly checkReports = new Map<string, CheckReport>();
  private checksDropped = 0;
  private readonly out: PointSink | undefined;
  private outTags: Record<string, string>;
  private readonly series: SecondSeries;
  // Metrics are created on the first sample, so a load that sent nothing reads as "no data", not as 0% failed.
  private reqs: Counter | undefined;
  private failed: Rate | undefined;
  private duration: Trend | undefined;

  /** `runStart`: performance.now() ms the series' `t` counts from (the run's start, not the load's). */
  constructor(set: MetricSet, runStart: number, options: RecorderOptions = {}) {
    this.set = set;
    this.series = new SecondSeries(runStart);
    this.byName = options.byName ?? false;
    this.filters = options.filters ?? [];
    this.out = options.out;
    this.outTags = options.tags ?? {};
  }

  /** A recorder for this traffic: endpoints kept when it has flows or several targets, and the sub-metrics `thresholds` filter by. */
  static for(
    traffic: Traffic,
    set: MetricSet,
    runStart: number,
    thresholds?: Record<string, ThresholdConfig[]>,
    out?: { sink: PointSink | undefined; tags: Record<string, string> },
  ): LoadRecorder {
    return new LoadRecorder(set, runStart, {
      byName: traffic.flows !== undefined || traffic.targets.length > 1,
      filters: tagFilters(thresholds),
      out: out?.sink,
      tags: out?.tags,
    });
  }

  /** The engine's callbacks for flows: checks, iterations, module errors (the first logged by `onError`). */
  flowHooks(onError: (message: string) => void): Pick<LoadOptions, 'onCheck' | 'onIteration' | 'onFlowError'> {
    let logged = false;
    return {
      onCheck: this.check,
      onIteration: this.iteration,
      onFlowError: (message) => {
        this.flowError();
        if (!logged) onError(message);
        logged = true;
      },
    };
  }

  /** Records into `set` from now on; `tags` replace the out tags (an experiment's next phase). */
  into(set: MetricSet, tags?: Record<string, string>): void {
    this.set = set;
    if (tags) this.outTags = tags;
    this.reqs = this.failed = this.duration = undefined;
    this.endpoints = new Map();
  }

  /** Records one request; pass it as the engine's `onSample`. */
  readonly record = (sample: Sample): void => {
    (this.reqs ??= this.set.counter('http_reqs')).add(1);
    (this.failed ??= this.set.rate('http_req_failed')).add(!sample.ok);
    (this.duration ??= this.set.trend('http_req_duration')).add(sample.latencyMs);
    if (sample.errorClass !== undefined) this.set.counter(ERROR_COUNTERS[sample.errorClass]).add(1);
    this.series.add(sample.start, sample.latencyMs, sample.ok);
    if (this.out) this.send(sample);
    if (sample.tags === undefined) return;
    if (this.byName) {
      const endpoint = this.endpoints.get(sample.tags.name) ?? this.endpoint(sample.tags.name);
      endpoint.reqs.add(1);
      endpoint.failed.add(!sample.ok);
      endpoint.duration.add(sample.latencyMs);
    }
    for (const filter of this.filters) if (matches(filter, sample)) this.recordInto(filter, sample);
  };

  /** k6's three points per request, tagged as it tags them (status as text, 0 without an answer). */
  private send(sample: Sample): void {
    const time = performance.timeOrigin + sample.start + sample.latencyMs;
    const tags: Record<string, string> = { ...this.outTags, ...sample.tags, status: String(sample.status ?? 0) };
    this.out!.add({ metric: 'http_reqs', type: 'counter', value: 1, tags, time });
    this.out!.add({ metric: 'http_req_duration', type: 'trend', value: sample.latencyMs, tags, time });
    this.out!.add({ metric: 'http_req_failed', type: 'rate', value: sample.ok ? 0 : 1, tags, time });
  }

  private endpoint(name: string): Endpoint {
    const tags = [['name', name]] as const;
    const endpoint = {
      reqs: this.set.counter(taggedName('http_reqs', tags)),
      failed: this.set.rate(taggedName('http_req_failed', tags)),
      duration: this.set.trend(taggedName('http_req_duration', tags)),
    };
    this.endpoints.set(name, endpoint);
    return endpoint;
  }

  private recordInto(filter: TagFilter, sample: Sample): void {
    if (filter.metric === 'http_reqs') this.set.counter(filter.key).add(1);
    else if (filter.metric === 'http_req_failed') this.set.rate(filter.key).add(!sample.ok);
    else if (filter.metric === 'http_req_duration') this.set.trend(filter.key).add(sample.latencyMs);
  }

  /** Records one check; pass it as the engine's `onCheck`. */
  readonly check = (name: string, ok: boolean, example: (() => CheckExample) | undefined): void => {
    this.set.rate('checks').add(ok);
    this.out?.add({ metric: 'checks', type: 'rate', value: ok ? 1 : 0, tags: { ...this.outTags, check: name }, time: Date.now() });
    let report = this.checkReports.get(name);
    if (report === undefined) {
      if (this.checkReports.size >= MAX_CHECKS) {
        this.checksDropped += 1;
        return;
      }
      report = { name, passes: 0, fails: 0 };
      this.checkReports.set(name, report);
    }
    this.set.rate(taggedName('checks', [['check', name]])).add(ok);
    if (ok) report.passes += 1;
    else {
      report.fails += 1;
      if (report.example === undefined && example) report.example = example();
    }
  };

  /** Records an iteration that ended by itself; pass it as the engine's `onIteration`. */
  readonly iteration = (durationMs: number): void => {
    this.set.counter('iterations').add(1);
    this.set.trend('iteration_duration').add(durationMs);
    if (this.out) {
      const time = Date.now();
      this.out.add({ metric: 'iterations', type: 'counter', value: 1, tags: this.outTags, time });
      this.out.add({ metric: 'iteration_duration', type: 'trend', value: durationMs, tags: this.outTags, time });
    }
  };

  /** Records a module flow's error; pass it as the engine's `onFlowError`. */
  readonly flowError = (): void => {
    this.set.counter('flow_errors').add(1);
  };

  /** Every check judged so far, in the order first seen; `dropped` counts judgements of checks past the first 200 names. */
  checks(): { checks: CheckReport[]; dropped: number } {
    return { checks: [...this.checkReports.values()], dropped: this.checksDropped };
  }

  /** Records a request the open model could not send (max_in_flight reached); pass it as `onDropped`. */
  readonly dropped = (): void => {
    this.set.counter('dropped_iterations').add(1);
    this.out?.add({ metric: 'dropped_iterations', type: 'counter', value: 1, tags: this.outTags, time: Date.now() });
  };

  /** The per-second series so far, in time order. */
  points(): SeriesPoint[] {
    return this.series.points();
  }
}

const TAG_OF: Record<string, (tags: RequestTags, sample: Sample) => string | undefined> = {
  name: (tags) => tags.name,
  method: (tags) => tags.method,
  step: (tags) => tags.step,
  flow: (tags) => tags.flow,
  status: (_, sample) => String(sample.status ?? 0), // k6 tags a request without an answer status 0
};

function matches(filter: TagFilter, sample: Sample): boolean {
  for (const [key, value] of filter.tags) if (TAG_OF[key]?.(sample.tags!, sample) !== value) return false;
  return true;
}
