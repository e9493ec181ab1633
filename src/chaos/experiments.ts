/**
 * Declarative experiments: a fault window under load, and how long the system takes to recover.
 *
 *   load ─────────────────────────────────────────────────────────────────►
 *        │ steady │ inject ─ fault ─ hold │ revert ─ recovery (until back) │
 *
 * Samples are assigned to a phase by when they were due, so a slow response that straddles the
 * injection counts where it started. A fault is always reverted: on success, failure or stop.
 */
import { formatDuration } from '../units/duration.js';
import type { MetricSet } from '../gate/metrics.js';
import type { MetricsStore } from '../gate/store.js';
import { runLoad } from '../load/engine.js';
import { formatProgress } from '../load/progress.js';
import { LoadRecorder } from '../load/recorder.js';
import type { Log } from '../log.js';
import type { MockRegistry } from '../mock/registry.js';
import type { ProxyRegistry } from '../proxy/registry.js';
import type { ExperimentReport, FaultWindow, PhaseReport, SeriesPoint } from '../results/types.js';
import { extendHold, maxExtension } from './extend.js';
import type { ThresholdConfig } from '../gate/schema.js';
import { RecoveryTracker, WINDOW_MS } from './recovery.js';
import type { ExperimentConfig, FaultConfig } from './schema.js';

/** What experiments inject their faults into: the run's proxies and mocks. */
export interface FaultTargets {
  proxies: Pick<ProxyRegistry, 'addToxic' | 'removeToxic'>;
  mocks: Pick<MockRegistry, 'addFault' | 'removeFault'>;
}

export interface ExperimentContext {
  targets: FaultTargets;
  store: MetricsStore;
  /** performance.now() when the run began; timeline times are seconds since then. */
  runStart: number;
  log: Log;
  signal: AbortSignal;
  /** Run only experiments tagged with one of these (all when empty). */
  categories?: string[];
  /** The run's thresholds, for `on_inconclusive: extend`. */
  thresholds?: Record<string, ThresholdConfig[]>;
}

/** What the experiments that ran give the report: a verdict each, their traffic and their fault windows. */
export interface ExperimentsOutcome {
  reports: ExperimentReport[];
  series: SeriesPoint[];
  windows: FaultWindow[];
}

const DEFAULT_RECOVERY_MS = 10_000;

export async function runExperiments(experiments: ExperimentConfig[], ctx: ExperimentContext): Promise<ExperimentsOutcome> {
  const selected = ctx.categories?.length ? experiments.filter((e) => e.tags.some((t) => ctx.categories!.includes(t))) : experiments;
  const outcome: ExperimentsOutcome = { reports: [], series: [], windows: [] };
  for (const experiment of selected) {
    if (ctx.signal.aborted) break;
    const { report, series, window } = await runExperiment(experiment, ctx);
    outcome.reports.push(report);
    outcome.series.push(...series);
    if (window) outcome.windows.push(window);
  }
  return outcome;
}

async function runExperiment(e: ExperimentConfig, ctx: ExperimentContext): Promise<{ report: ExperimentReport; series: SeriesPoint[]; window?: FaultWindow }> {
  const scope = `chaos.${e.name}`;
  const sets = { steady: ctx.store.scope(`${scope}.steady`), fault: ctx.store.scope(`${scope}.fault`), recovery: ctx.store.scope(`${scope}.recovery`) };
  const recoveryMax = e.recovery ?? (e.recover_within !== undefined ? Math.max(2 * e.recover_within, 2 * WINDOW_MS) : DEFAULT_RECOVERY_MS);
  const recorder = new LoadRecorder(sets.steady, ctx.runStart);
  let recording: keyof typeof sets = 'steady';
  const stopLoad = new AbortController();
  const onAbort = () => stopLoad.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });

  // Phase boundaries on the performance.now() clock; Infinity until reached.
  const bounds = { fault: Infinity, recovery: Infinity };
  let tracker: RecoveryTracker | undefined;
  const started = performance.now();
  ctx.log.info(`experiment "${e.name}": steady ${formatDuration(e.steady)}, then ${describeFault(e.fault)} for ${formatDuration(e.hold)}`);
  const load = runLoad(e.load, {
    durationMs: e.steady + e.hold + maxExtension(e, ctx.thresholds) + recoveryMax,
    signal: stopLoad.signal,
    onSample: (sample) => {
      const phase = sample.start >= bounds.recovery ? 'recovery' : sample.start >= bounds.fault ? 'fault' : 'steady';
      if (phase !== recording) recorder.into(sets[(recording = phase)]);
      recorder.record(sample);
      tracker?.add(sample);
    },
    onDropped: recorder.dropped,
    onProgress: (p) => ctx.log.progress(formatProgress(p)),
  });

  let recoveryTime: number | undefined;
  let window: FaultWindow | undefined;
  let series: SeriesPoint[] = [];
  try {
    await delay(e.steady, ctx.signal);
    const revert = await inject(e, ctx.targets);
    bounds.fault = performance.now();
    try {
      await delay(e.hold, ctx.signal);
      await extendHold(e, { thresholds: ctx.thresholds, lookup: (a) => ctx.store.lookup(a), signal: ctx.signal, log: ctx.log, wait: (ms) => delay(ms, ctx.signal) });
    } finally {
      await revert();
      bounds.recovery = performance.now();
      window = { experiment: e.name, start: seconds(bounds.fault - ctx.runStart), end: seconds(bounds.recovery - ctx.runStart) };
    }
    tracker = new RecoveryTracker(bounds.recovery);
    // Samples of the recovery phase already recorded before the tracker existed are none: it starts at the revert.
    const steady = successRate(sets.steady) ?? 1;
    const deadline = bounds.recovery + recoveryMax;
    while (!ctx.signal.aborted && performance.now() < deadline) {
      // A window is judged once its requests have had time to answer.
      recoveryTime = tracker.recoveryTime(steady, performance.now() - settleMs(e));
      if (recoveryTime !== undefined) break;
      await delay(100, ctx.signal);
    }
  } finally {
    stopLoad.abort();
    await load;
    ctx.log.progress(undefined);
    ctx.signal.removeEventListener('abort', onAbort);
    series = recorder.points();
  }

  if (recoveryTime !== undefined) ctx.store.scope(scope).trend('recovery_time').add(recoveryTime);
  const ok = recoveryTime !== undefined && (e.recover_within === undefined || recoveryTime <= e.recover_within);
  const phaseMs = { steady: bounds.fault - started, fault: bounds.recovery - bounds.fault, recovery: performance.now() - bounds.recovery };
  const report: ExperimentReport = {
    name: e.name,
    fault: describeFaultConfig(e.fault),
    recovery_time_ms: recoveryTime ?? null,
    ok,
    phases: { steady: phase(sets.steady, phaseMs.steady), fault: phase(sets.fault, phaseMs.fault), recovery: phase(sets.recovery, phaseMs.recovery) },
  };
  if (e.recover_within !== undefined) report.recover_within_ms = e.recover_within;
  ctx.log.info(
    `experiment "${e.name}": ${recoveryTime === undefined ? `did not recover within ${formatDuration(recoveryMax)}` : `recovered in ${recoveryTime} ms`}` +
      ` (success: steady ${pct(report.phases.steady.success_rate)}, fault ${pct(report.phases.fault.success_rate)}, recovery ${pct(report.phases.recovery.success_rate)})`,
  );
  return { report, series, window };
}

/** Applies the fault; returns its revert, which never throws (a fault removed by hand is fine). */
async function inject(e: ExperimentConfig, targets: FaultTargets): Promise<() => Promise<void>> {
  const { fault } = e;
  if (fault.kind === 'proxy') {
    const name = `experiment: ${e.name}`;
    targets.proxies.addToxic(fault.proxy, { ...fault.toxic, name });
    return async () => {
      try {
        targets.proxies.removeToxic(fault.proxy, name);
      } catch {
        // Already removed (a test reset the proxies); nothing is left faulted.
      }
    };
  }
  const id = targets.mocks.addFault(fault.mock, fault.fault);
  return async () => {
    try {
      targets.mocks.removeFault(fault.mock, id);
    } catch {
      // Already removed by a reset.
    }
  };
}

function successRate(set: MetricSet): number | undefined {
  const failed = set.metrics.get('http_req_failed');
  if (!failed || failed.type !== 'rate' || failed.total === 0) return undefined;
  return 1 - failed.rate;
}

function phase(set: MetricSet, durationMs: number): PhaseReport {
  const failed = set.metrics.get('http_req_failed');
  const rate = successRate(set);
  return {
    success_rate: rate === undefined ? null : Math.round(rate * 1e4) / 1e4,
    requests: failed && failed.type === 'rate' ? failed.total : 0,
    metrics: set.summary(durationMs),
  };
}

/** How long a window's requests get to answer before it is judged: the request timeout, at most 1 s. */
function settleMs(e: ExperimentConfig): number {
  return Math.min(e.load.timeout, 1000);
}

function describeFault(fault: FaultConfig): string {
  return fault.kind === 'proxy' ? `${fault.toxic.type} on proxy ${fault.proxy} (${fault.toxic.stream})` : `a fault on mock ${fault.mock}`;
}

function describeFaultConfig(fault: FaultConfig): Record<string, unknown> {
  if (fault.kind === 'mock') return { mock: fault.mock, ...fault.fault };
  // The toxic's name is chaos-gate's own (`experiment: <name>`), not the user's.
  const { name: _name, ...toxic } = fault.toxic;
  return { proxy: fault.proxy, ...toxic };
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

function pct(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;
}

/** Resolves after `ms`, or early when the run is stopped. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
