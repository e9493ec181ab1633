/**
 * The shape of metrics.json: everything a run measured and decided. Every report (junit.xml,
 * summary.md, report.html, the PR comment) is rendered from this one object, and shard
 * reports are merged from it. Durations are milliseconds; times `t` are seconds since the run began.
 */

export type StageName = 'unit' | 'integration' | 'load' | 'chaos';
export const STAGE_ORDER: readonly StageName[] = ['unit', 'integration', 'load', 'chaos'];

export type Verdict = 'pass' | 'fail';

/** `cancelled`: stopped by a signal, max_duration or abort_on_fail; `not_run`: skipped after max_failures. */
export type StageStatus = 'passed' | 'failed' | 'timed_out' | 'cancelled' | 'not_run';

/** A metric's summary as written: `{ type: 'counter', count, rate }`, `{ type: 'trend', count, p99, hdr, … }`. */
export type MetricSummary = { type: 'counter' | 'gauge' | 'rate' | 'trend' } & Record<string, unknown>;
export type MetricSummaries = Record<string, MetricSummary>;

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

/** A failed or errored test case, as read from the stage's JUnit files (untrusted text). */
export interface TestFailure {
  suite: string;
  name: string;
  message: string;
  /** Where the test is, when the JUnit says (`file` / `line` on the testcase): for an annotation at that line. */
  file?: string;
  line?: number;
}

/** One test case as read; re-emitted into chaos-gate's own junit.xml (not part of metrics.json). */
export interface JunitCase {
  suite: string;
  name: string;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  /** Seconds, as JUnit writes it. */
  time?: number;
  message?: string;
  file?: string;
  line?: number;
}

/** A failed check's answer, kept once per check so the summary can show what came back. */
export interface CheckExample {
  /** The step's name. */
  step: string;
  /** The status, or what the connection did (`timeout`, `reset`). */
  status: number | string;
  /** The start of the body (512 bytes at most, `…` when cut). */
  body: string;
}

/** A flow's `expect` (or capture) over a stage or experiment: k6's `checks`, with one failing answer. */
export interface CheckReport {
  name: string;
  passes: number;
  fails: number;
  example?: CheckExample;
}

export interface StageReport {
  status: StageStatus;
  /** null when the command did not exit on its own (killed on timeout, cancelled) or there is no command. */
  exit_code: number | null;
  duration_ms: number;
  tests?: TestCounts;
  failures?: TestFailure[];
  /** Why the stage failed, in a sentence: "exit code 1", "2 tests failed", "timed out after 30s". */
  reason?: string;
  /** What reading its JUnit files left out of the report (cases past the byte budget, cut names), in a sentence. */
  tests_note?: string;
  /** The stage's output, relative to the report dir (e.g. `logs/unit.log`). */
  log?: string;
  /** Metrics recorded while this stage ran. */
  metrics: MetricSummaries;
  /** The load's flow checks, in the order first judged. */
  checks?: CheckReport[];
}

/** An experiment's phases, as scopes of its metrics: `chaos.<experiment>.fault.http_req_failed`. */
export const PHASES = ['steady', 'fault', 'recovery', 'boundary'] as const;

export interface PhaseReport {
  /** Share of successful requests, 0..1; null when the phase saw no requests. */
  success_rate: number | null;
  requests: number;
  metrics: MetricSummaries;
}

/** What an experiment's fault reached: proof it acted, or that it could not have failed anything. */
export interface FaultReach {
  /** Requests of the experiment's load in flight at some moment while the fault was in (its fault and boundary phases). */
  requests: number;
  /** Proxy faults: connections through the proxy while the toxic was in, and how many it acted on. */
  connections?: { touched: number; total: number };
  /** Proxy faults: bytes that went into the toxic on the connections it acted on (held, slowed, dropped or changed). */
  bytes?: number;
  /** Mock and HTTP proxy faults: requests to the mock or through the HTTP proxy that the fault took. */
  faulted_requests?: number;
  /** Where those requests were taken: `mock llm`, `http proxy billing` (several when a list of faults spans them). */
  faulted_at?: string;
}

export interface ExperimentReport {
  name: string;
  /** What was injected, as declared (`{ proxy, type, … }` or `{ mock, route, … }`). */
  fault: Record<string, unknown>;
  /** ms from revert until the success rate was back at the steady level; null when it never recovered. */
  recovery_time_ms: number | null;
  recover_within_ms?: number;
  /** `ok` is false when it did not recover within recover_within, its fault was vacuous with `fail_on_vacuous`, or it was cancelled. */
  ok: boolean;
  /** Stopped before it could be judged (Ctrl-C, a cancelled job, max_duration, abort_on_fail): neither recovered nor not. */
  cancelled?: true;
  /** `repeat: N`: the injections done (fewer when one did not recover), each one's recovery time, and their percentiles. */
  repeats?: {
    asked: number;
    done: number;
    /** null for an injection that did not recover (the last one done). */
    recovery_times_ms: (number | null)[];
    /** Over the injections that recovered (nearest rank); absent when none did. */
    recovery_time?: { p50: number; p90: number; p99: number; max: number };
  };
  reach?: FaultReach;
  /** The fault reached nothing (no connection, no request): the experiment could not have failed. */
  vacuous?: boolean;
  /**
   * A request counts in a phase when it ran wholly inside it; `boundary` holds those in flight
   * when the fault started or ended, which no phase counts (absent in reports before it existed).
   */
  /** With `steps:`: when each step began (seconds since the run began; one entry per step and injection). */
  steps?: { step: number; at_ms: number; start: number }[];
  /** Each reconnect storm: connections closed, how many came back, and how long that took (null: not all within `within`). */
  reconnects?: { proxy: string; closed: number; back: number; reconnect_time_ms: number | null }[];
  phases: { steady: PhaseReport; fault: PhaseReport; recovery: PhaseReport; boundary?: PhaseReport };
  /** The load's flow checks over the whole experiment. */
  checks?: CheckReport[];
}

/** One second of traffic (load stage and experiments), for the charts. */
export interface SeriesPoint {
  t: number;
  requests: number;
  failures: number;
  /** Latency percentiles of the requests that started in this second, ms. */
  p50: number;
  p99: number;
}

/** A span where a fault was active, shaded on the charts. */
export interface FaultWindow {
  experiment: string;
  start: number;
  end: number;
}

/**
 * held: the expression is true; broken: it is false (or there is no data); skipped: not judged in
 * this run (`reason` says why, e.g. `--stage unit`); inconclusive: with `confidence`, the interval
 * straddles the limit.
 */
export type ThresholdOutcome = 'held' | 'broken' | 'skipped' | 'inconclusive';

export interface ThresholdResult {
  /** As written in the config: `http_req_failed`, `load.http_req_duration`, `chaos.<experiment>.fault.http_req_failed`. */
  metric: string;
  expression: string;
  /** The measured value the expression compared; null when no stage produced the metric. */
  actual: number | null;
  /** The number it was compared with (after resolving `baseline*1.2`). */
  limit: number | null;
  /** false fails the gate: broken, or inconclusive with `on_inconclusive: fail`. */
  ok: boolean;
  /** The interval of `actual` at `confidence` (rates: Wilson; percentiles: order statistics over the HDR buckets). */
  interval?: [number, number];
  /** The interval's level: the threshold's `confidence`, else 0.95 (then the estimate decides, not the interval). */
  confidence?: number;
  /** With `confidence`: what an inconclusive outcome counts as (extend: held longer, then failed). */
  on_inconclusive?: 'extend' | 'fail' | 'pass';
  /** Experiments in this threshold's scope that never recovered: its actual reads "not recovered". */
  not_recovered?: string[];
  /** Absent in reports written before outcomes existed: read it with outcomeOf(). */
  outcome?: ThresholdOutcome;
  /** Why it failed besides the comparison ("no data"), or why it was skipped ("--stage unit"). */
  reason?: string;
}

export function outcomeOf(t: ThresholdResult): ThresholdOutcome {
  return t.outcome ?? (t.ok ? 'held' : 'broken');
}

/**
 * Where a run happened, as the GitHub face saw it: what `mode: comment` in a `workflow_run`
 * workflow needs to comment for a pull request from a fork, whose own run cannot.
 */
export interface ReportSource {
  /** `owner/repo`. */
  repository: string;
  /** The pull request the run checked, when it ran for one. */
  pull_request?: number;
  /** The pull request's head commit, which the `workflow_run` event names too (it must match). */
  head_sha?: string;
  run_id?: number;
  /** What tells this job's sticky comment from its siblings' (workflow, job, matrix values, artifact). */
  comment_key?: string;
}

/** A resilience matrix cell's verdict: held up, bent and came back, broke, or not tried. */
export type CellOutcome = 'survived' | 'degraded' | 'failed' | 'skipped';

/** A cell's outcome as a number, for thresholds (`matrix.redis.down.outcome: value<2`). */
export const OUTCOME_CODE = { survived: 0, degraded: 1, failed: 2 } as const;

export interface MatrixCell {
  /** Its place in the matrix's fixed order (shards deal cells by it). */
  index: number;
  dependency: string;
  kind: 'proxy' | 'http_proxy' | 'mock';
  /** latency, down, reset, slow_body, errors. */
  fault: string;
  outcome: CellOutcome;
  /** Share of successful requests while the fault was in; null when not run. */
  success_rate: number | null;
  p95_ms: number | null;
  recovery_time_ms: number | null;
  /** Why it was degraded, failed or skipped. */
  reason?: string;
  /** Its traffic second by second (t from the run's start), for its chart. */
  series?: SeriesPoint[];
}

export interface MatrixReport {
  dependencies: string[];
  faults: string[];
  cells: MatrixCell[];
  budget_ms: number;
  /** How long the cells run here took. */
  elapsed_ms: number;
  /** Said when the matrix stopped early: `the system did not return to steady state after postgres × down; later cells skipped`. */
  note?: string;
  /** Cells worse than in the base branch's report (survived → degraded or failed, degraded → failed). */
  regressions?: number;
}

export interface RunReport {
  version: 1;
  /** The chaos-gate that wrote the file (its package version; `dev` when run from source). Set by writeReports. */
  chaos_gate_version?: string;
  verdict: Verdict;
  /** ISO time the run began. */
  started_at: string;
  duration_ms: number;
  /** Present in a shard's report: `{ index: 1, total: 4 }`. */
  shard?: { index: number; total: number };
  stages: Partial<Record<StageName, StageReport>>;
  /** The whole run: all stages and experiments together. */
  metrics: MetricSummaries;
  experiments: ExperimentReport[];
  /** `stages.chaos.matrix`: every dependency × fault class it explored. */
  matrix?: MatrixReport;
  thresholds: ThresholdResult[];
  timeline: { series: SeriesPoint[]; windows: FaultWindow[] };
  /** Things that went wrong outside a stage (a service that crashed, a run stopped by max_duration). */
  errors: string[];
  /** Set by the GitHub face: the repository, pull request and job the run was for. */
  source?: ReportSource;
}
