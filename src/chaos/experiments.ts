/**
 * Declarative experiments: a fault window under load, and how long the system takes to recover.
 *
 *   load ─────────────────────────────────────────────────────────────────►
 *        │ steady │ inject ─ fault ─ hold │ revert ─ recovery (until back) │
 *
 * A request counts in a phase only when it ran wholly inside it; one in flight when the fault
 * starts or ends goes to the boundary bucket (phases.ts). When the load stops, requests still in
 * flight are drained and recorded. A fault is always reverted: on success, failure or stop.
 */
import { formatDuration } from '../units/duration.js';
import type { MetricSet } from '../gate/metrics.js';
import type { MetricsStore } from '../gate/store.js';
import { runLoad } from '../load/engine.js';
import { formatProgress } from '../load/progress.js';
import { LoadRecorder, type PointSink } from '../load/recorder.js';
import type { Log } from '../log.js';
import { describeHttpFault } from '../http-proxy/faults.js';
import type { HttpProxyRegistry } from '../http-proxy/registry.js';
import type { MockRegistry } from '../mock/registry.js';
import type { ProxyRegistry } from '../proxy/registry.js';
import type { ExperimentReport, FaultReach, FaultWindow, PhaseReport, SeriesPoint } from '../results/types.js';
import { describeReach, isVacuous } from '../results/reach.js';
import { phaseOf, unreachedBounds } from './phases.js';
import { extendHold, maxExtension } from './extend.js';
import type { ThresholdConfig } from '../gate/schema.js';
import { RecoveryTracker, WINDOW_MS } from './recovery.js';
import type { PressureSpec } from '../pressure/schema.js';
import type { ExperimentConfig, FaultConfig, ServiceAction, StepConfig } from './schema.js';

/** What experiments inject their faults into: the run's proxies, mocks and services. */
export interface FaultTargets {
  proxies: Pick<ProxyRegistry, 'addToxic' | 'removeToxic' | 'updateToxic' | 'get'>;
  mocks: Pick<MockRegistry, 'addFault' | 'removeFault' | 'faultTaken'>;
  httpProxies?: Pick<HttpProxyRegistry, 'addFault' | 'removeFault' | 'faultTaken'>;
  /** Applies a process fault; resolves with its revert (a kill's revert lets the service restart). `skewClock` moves a faketime'd service's clock. */
  services?: {
    inject(name: string, action: ServiceAction, by: string): Promise<() => Promise<void>>;
    skewClock?(name: string, offsetMs: number, by: string, rate?: number): Promise<() => Promise<void>>;
  };
  /** Starts resource pressure on the runner; resolves, once it holds, with its revert. */
  pressure?: { start(spec: PressureSpec, by: string): Promise<() => Promise<void>> };
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
  /** The run's thresholds, for `on_inconclusive: extend` and the sub-metrics they filter by. */
  thresholds?: Record<string, ThresholdConfig[]>;
  /** `--out`: where the experiments' requests go while they run. */
  out?: PointSink;
  /** Where an experiment's metrics are kept; `chaos.<name>` by default (the matrix keeps its cells under `matrix.<dependency>.<fault>`). */
  scopeOf?: (name: string) => string;
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
    const { report, series, windows } = await runExperiment(experiment, ctx);
    outcome.reports.push(report);
    outcome.series.push(...series);
    outcome.windows.push(...windows);
  }
  return outcome;
}

async function runExperiment(
  e: ExperimentConfig,
  ctx: ExperimentContext,
): Promise<{ report: ExperimentReport; series: SeriesPoint[]; windows: FaultWindow[] }> {
  const scope = ctx.scopeOf?.(e.name) ?? `chaos.${e.name}`;
  const sets = {
    steady: ctx.store.scope(`${scope}.steady`),
    fault: ctx.store.scope(`${scope}.fault`),
    recovery: ctx.store.scope(`${scope}.recovery`),
    boundary: ctx.store.scope(`${scope}.boundary`),
  };
  const recoveryMax = e.recovery ?? (e.recover_within !== undefined ? Math.max(2 * e.recover_within, 2 * WINDOW_MS) : DEFAULT_RECOVERY_MS);
  const outTags = (phase: string) => ({ stage: 'chaos', experiment: e.name, phase });
  const recorder = LoadRecorder.for(e.load, sets.steady, ctx.runStart, ctx.thresholds, { sink: ctx.out, tags: outTags('steady') });
  let recording: keyof typeof sets = 'steady';
  // Ends the load cleanly (requests in flight drained); the run's own signal abandons them.
  const stopLoad = new AbortController();

  // The current injection's switches; each repeat starts afresh (its steady follows the last recovery).
  let bounds = unreachedBounds();
  let tracker: RecoveryTracker | undefined;
  let started: number;
  const repeats = e.repeat > 1 ? ` ${e.repeat} times` : '';
  ctx.log.info(`experiment "${e.name}": steady ${formatDuration(e.steady)}, then ${describeScenario(e)} for ${formatDuration(e.hold)}${repeats}`);
  let onStart!: (t0: number) => void;
  const loadStarted = new Promise<number>((resolve) => (onStart = resolve));
  const load = runLoad(e.load, {
    onStart,
    durationMs: e.repeat * (e.steady + e.hold + maxExtension(e, ctx.thresholds) + recoveryMax),
    signal: ctx.signal,
    stop: stopLoad.signal,
    onSample: (sample) => {
      const phase = phaseOf(sample, bounds);
      if (phase !== recording) recorder.into(sets[(recording = phase)], outTags(phase));
      recorder.record(sample);
      tracker?.add(sample);
    },
    onDropped: recorder.dropped,
    onProgress: (p) => ctx.log.progress(formatProgress(p)),
    ...recorder.flowHooks((message) => ctx.log.warn(`experiment "${e.name}": the flow failed: ${message}`)),
  });

  /** Each injection's recovery time; undefined for one that did not recover (no repeat follows it). */
  const recoveryTimes: (number | undefined)[] = [];
  const targetReach: TargetReach = {};
  const windows: FaultWindow[] = [];
  /** When each step began (seconds since the run began), for attributing what happened to it. */
  const stepStarts: NonNullable<ExperimentReport['steps']> = [];
  // Phase durations, summed over the repeats.
  const phaseMs = { steady: 0, fault: 0, recovery: 0, boundary: 0 };
  let series: SeriesPoint[];
  try {
    // Steady counts from the load's first request, not from the call: on a busy machine its
    // start-up (probe, timer thread) can take longer than steady itself.
    started = await Promise.race([loadStarted, load.then(() => performance.now())]);
    let steadyFrom = started;
    for (let round = 0; round < e.repeat && !ctx.signal.aborted; round++) {
      bounds = unreachedBounds();
      tracker = undefined;
      await delay(e.steady, ctx.signal);
      bounds.injecting = performance.now();
      phaseMs.steady += bounds.injecting - steadyFrom;
      const scenario = new Scenario(e, ctx.targets, targetReach);
      await scenario.start();
      bounds.injected = performance.now();
      try {
        await scenario.hold(ctx.signal, (step, at) => stepStarts.push({ step: step + 1, at_ms: e.steps?.[step]?.at ?? 0, start: seconds(at - ctx.runStart) }));
        await extendHold(e, {
          thresholds: ctx.thresholds,
          lookup: (a) => ctx.store.lookup(a),
          signal: ctx.signal,
          log: ctx.log,
          wait: (ms) => delay(ms, ctx.signal),
        });
      } finally {
        bounds.reverting = performance.now();
        await scenario.revert();
        bounds.reverted = performance.now();
        phaseMs.fault += bounds.reverting - bounds.injected;
        windows.push({ experiment: e.name, start: seconds(bounds.injecting - ctx.runStart), end: seconds(bounds.reverted - ctx.runStart) });
      }
      const recoveryTime = await awaitRecovery(
        e,
        ctx,
        (tracker = new RecoveryTracker(bounds.reverted)),
        successRate(sets.steady) ?? 1,
        bounds.reverted + recoveryMax,
      );
      recoveryTimes.push(recoveryTime);
      steadyFrom = performance.now();
      phaseMs.recovery += steadyFrom - bounds.reverted;
      if (recoveryTime === undefined) break;
      if (e.repeat > 1) ctx.log.info(`experiment "${e.name}": injection ${round + 1} of ${e.repeat} recovered in ${recoveryTime} ms`);
    }
  } finally {
    stopLoad.abort();
    const { error } = await load;
    if (error) ctx.log.warn(`experiment "${e.name}": no load: ${error}`);
    ctx.log.progress(undefined);
    series = recorder.points();
  }

  // A reconnect storm is judged like recovery: not back within its `within` fails the experiment.
  const { reconnects, ...faultReach } = targetReach;
  for (const r of reconnects ?? []) if (r.reconnect_time_ms !== null) ctx.store.scope(scope).trend('reconnect_time').add(r.reconnect_time_ms);
  const recovered = recoveryTimes.filter((t): t is number => t !== undefined);
  for (const t of recovered) ctx.store.scope(scope).trend('recovery_time').add(t);
  // One injection that did not recover is the experiment's answer; otherwise the slowest.
  const recoveryTime = recoveryTimes.length > 0 && recovered.length === recoveryTimes.length ? Math.max(...recovered) : undefined;
  // A stop during the experiment (Ctrl-C, a cancelled job) leaves it unjudged, not failed to recover.
  const cancelled = recoveryTime === undefined && ctx.signal.aborted;
  const ended = performance.now();
  phaseMs.boundary = ended - started;
  const report: ExperimentReport = {
    name: e.name,
    fault: describeScenarioConfig(e),
    recovery_time_ms: recoveryTime ?? null,
    ok: recoveryTime !== undefined && (e.recover_within === undefined || recoveryTime <= e.recover_within),
    phases: {
      steady: phase(sets.steady, phaseMs.steady),
      fault: phase(sets.fault, phaseMs.fault),
      recovery: phase(sets.recovery, phaseMs.recovery),
      boundary: phase(sets.boundary, phaseMs.boundary),
    },
  };
  if (e.recover_within !== undefined) report.recover_within_ms = e.recover_within;
  if (e.steps) report.steps = stepStarts;
  const { checks, dropped } = recorder.checks();
  if (checks.length > 0) report.checks = checks;
  if (dropped > 0) ctx.log.warn(`experiment "${e.name}": ${dropped} check results past the first 200 check names were counted in \`checks\` only`);
  if (reconnects) {
    report.reconnects = reconnects;
    if (reconnects.some((r) => r.closed > 0 && r.reconnect_time_ms === null)) report.ok = false;
  }
  if (cancelled) report.cancelled = true;
  if (e.repeat > 1) report.repeats = repeatsReport(e.repeat, recoveryTimes);
  if (windows.length > 0) {
    report.reach = { requests: report.phases.fault.requests + report.phases.boundary!.requests, ...faultReach };
    report.vacuous = isVacuous(report.reach);
    if (report.vacuous && e.fail_on_vacuous) report.ok = false;
  }
  const failedRound = recoveryTimes.length > 1 && recoveryTime === undefined ? ` (injection ${recoveryTimes.length} of ${e.repeat})` : '';
  ctx.log.info(
    `experiment "${e.name}": ${cancelled ? 'cancelled (the run was stopped)' : recoveryTime === undefined ? `did not recover within ${formatDuration(recoveryMax)}${failedRound}` : `recovered in ${recoveryTime} ms`}` +
      (report.repeats && report.repeats.recovery_time
        ? ` (recovery over ${report.repeats.done} injections: p50 ${report.repeats.recovery_time.p50} ms, max ${report.repeats.recovery_time.max} ms)`
        : '') +
      ` (success: steady ${pct(report.phases.steady.success_rate)}, fault ${pct(report.phases.fault.success_rate)}, recovery ${pct(report.phases.recovery.success_rate)};` +
      ` ${report.phases.boundary!.requests} in flight at a switch, counted in no phase)`,
  );
  if (report.reach) ctx.log.info(`experiment "${e.name}": the fault reached ${describeReach(report.reach)}`);
  if (report.vacuous) {
    ctx.log.warn(
      `experiment "${e.name}": the fault reached nothing, so the experiment could not have failed (vacuous)` +
        (e.fail_on_vacuous ? '; it fails (fail_on_vacuous)' : '; set fail_on_vacuous: true to fail it'),
    );
  }
  return { report, series, windows };
}

/** Waits until the success rate is back at `steady` (the recovery time, ms from the revert) or `deadline` passes (undefined). */
async function awaitRecovery(
  e: ExperimentConfig,
  ctx: ExperimentContext,
  tracker: RecoveryTracker,
  steady: number,
  deadline: number,
): Promise<number | undefined> {
  while (!ctx.signal.aborted && performance.now() < deadline) {
    // A window is judged once its requests have had time to answer.
    const recoveryTime = tracker.recoveryTime(steady, performance.now() - settleMs(e));
    if (recoveryTime !== undefined) return recoveryTime;
    await delay(100, ctx.signal);
  }
  return undefined;
}

/** `repeat: N`: each injection's recovery time and their percentiles (nearest rank over the recovered ones). */
function repeatsReport(asked: number, times: (number | undefined)[]): NonNullable<ExperimentReport['repeats']> {
  const recovered = times.filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const rank = (p: number) => recovered[Math.max(0, Math.ceil((p / 100) * recovered.length) - 1)];
  return {
    asked,
    done: times.length,
    recovery_times_ms: times.map((t) => t ?? null),
    ...(recovered.length > 0 ? { recovery_time: { p50: rank(50), p90: rank(90), p99: rank(99), max: recovered.at(-1)! } } : {}),
  };
}

/** What a fault reached at its target (the proxy's or the mock's own counts), summed over its injections; and each reconnect storm's outcome. */
type TargetReach = Omit<FaultReach, 'requests'> & { reconnects?: NonNullable<ExperimentReport['reconnects']> };

/**
 * The fault phase: the experiment's faults (or its steps, each replacing the one before at its
 * `at`), and a ramp moving one attribute of its toxics linearly over the hold. Every revert is
 * kept, so whatever ends the hold (its end, a stop, an error) reverts what is applied.
 */
class Scenario {
  private readonly steps: StepConfig[];
  private reverts: (() => Promise<void>)[] = [];
  /** The toxics the ramp moves, as applied now. */
  private ramped: { proxy: string; name: string }[] = [];
  private applied = 0;

  constructor(
    private readonly e: ExperimentConfig,
    private readonly targets: FaultTargets,
    private readonly reach: TargetReach,
  ) {
    this.steps = e.steps ?? [{ at: 0, fault: e.fault! }];
  }

  /** Applies the first step's faults, the ramp at its start value. */
  async start(): Promise<void> {
    await this.apply(0);
  }

  /** Waits out the hold, applying each later step at its time and moving the ramp; `onStep` is told when a step starts. */
  async hold(signal: AbortSignal, onStep: (step: number, at: number) => void): Promise<void> {
    const started = performance.now();
    onStep(0, started);
    const ramp = this.e.ramp;
    const rampDone = new AbortController();
    const moving = ramp ? this.moveRamp(started, signal, rampDone.signal) : Promise.resolve();
    try {
      for (let i = 1; i < this.steps.length && !signal.aborted; i++) {
        await delay(started + this.steps[i].at - performance.now(), signal);
        if (signal.aborted) break;
        await this.revert();
        await this.apply(i);
        onStep(i, performance.now());
      }
      await delay(started + this.e.hold - performance.now(), signal);
    } finally {
      rampDone.abort();
      await moving;
    }
  }

  /** Reverts what is applied, the last applied first; never throws. */
  async revert(): Promise<void> {
    const reverts = this.reverts.reverse();
    this.reverts = [];
    this.ramped = [];
    for (const revert of reverts) await revert();
  }

  private async apply(step: number): Promise<void> {
    const ramp = this.e.ramp;
    for (const fault of this.steps[step].fault) {
      // Each applied fault has a name of its own: two on one proxy, or a step replacing another, never collide.
      const name = `experiment: ${this.e.name}${this.applied++ === 0 ? '' : ` #${this.applied}`}`;
      const rampsThis = ramp !== undefined && fault.kind === 'proxy' && ramp.attribute in fault.toxic.attributes;
      const shaped = rampsThis ? { ...fault, toxic: { ...fault.toxic, attributes: { ...fault.toxic.attributes, [ramp.attribute]: ramp.from } } } : fault;
      this.reverts.push(await applyFault(shaped, name, this.e, this.targets, this.reach));
      if (rampsThis) this.ramped.push({ proxy: fault.proxy, name });
    }
  }

  /** Every `every` ms until the hold ends: the attribute at from + (to − from) × elapsed / hold. */
  private async moveRamp(started: number, signal: AbortSignal, done: AbortSignal): Promise<void> {
    const ramp = this.e.ramp!;
    while (!signal.aborted && !done.aborted) {
      await delay(ramp.every, done);
      const share = Math.min(1, (performance.now() - started) / this.e.hold);
      const value = ramp.from + (ramp.to - ramp.from) * share;
      for (const { proxy, name } of this.ramped) {
        try {
          this.targets.proxies.updateToxic(proxy, name, { attributes: { [ramp.attribute]: value } });
        } catch {
          // Removed meanwhile (a reset, a step ending): the next step brings its own.
        }
      }
    }
  }
}

/**
 * Applies one fault under `name`; returns its revert, which never throws (a fault removed by hand
 * is fine) and adds what the fault reached to `reach`.
 */
async function applyFault(fault: FaultConfig, name: string, e: ExperimentConfig, targets: FaultTargets, reach: TargetReach): Promise<() => Promise<void>> {
  if (fault.kind === 'clock') {
    if (!targets.services?.skewClock) throw new Error('no services whose clock can move');
    return targets.services.skewClock(fault.service, fault.offset, `experiment "${e.name}"`, fault.rate);
  }
  if (fault.kind === 'pressure') {
    if (!targets.pressure) throw new Error('no way to start resource pressure');
    return targets.pressure.start(fault.pressure, `experiment "${e.name}"`);
  }
  if (fault.kind === 'reconnect_storm') {
    // Every live connection closed at once; the clients' way back is timed in the background, and read at the revert.
    const proxy = targets.proxies.get(fault.proxy);
    const before = proxy.connectionCount;
    const closedAt = performance.now();
    await proxy.closeConnections();
    const back = before === 0 ? Promise.resolve(0) : proxy.waitForConnections(before, fault.within);
    const timed = back.then((count) => ({ count, ms: Math.round(performance.now() - closedAt) }));
    return async () => {
      const { count, ms } = await timed;
      (reach.reconnects ??= []).push({ proxy: fault.proxy, closed: before, back: count, reconnect_time_ms: before > 0 && count >= before ? ms : null });
    };
  }
  if (fault.kind === 'service') {
    if (!targets.services) throw new Error('no services to fault');
    // A process fault has no count of its own: what it reached is the load's requests.
    return targets.services.inject(fault.service, fault.action, `experiment "${e.name}"`);
  }
  if (fault.kind === 'proxy') {
    const toxic = targets.proxies.addToxic(fault.proxy, { ...fault.toxic, name });
    return async () => {
      try {
        targets.proxies.removeToxic(fault.proxy, name);
      } catch {
        // Already removed (a test reset the proxies); nothing is left faulted.
      }
      // The toxic keeps its counts once removed (a stand-in registry may give none).
      if (toxic?.reach) {
        const connections = (reach.connections ??= { touched: 0, total: 0 });
        connections.touched += toxic.reach.touched;
        connections.total += toxic.reach.connections;
        reach.bytes = (reach.bytes ?? 0) + toxic.reach.bytes;
      }
    };
  }
  if (fault.kind === 'http_proxy') {
    if (!targets.httpProxies) throw new Error('no http proxies to fault');
    return requestFault(targets.httpProxies, fault.httpProxy, fault.fault, `http proxy ${fault.httpProxy}`, reach);
  }
  return requestFault(targets.mocks, fault.mock, fault.fault, `mock ${fault.mock}`, reach);
}

/** Where faults take whole requests (a mock, an HTTP proxy): on by id, counted, off. */
interface RequestFaults<F> {
  addFault(owner: string, fault: F): string;
  faultTaken(owner: string, id: string): number | undefined;
  removeFault(owner: string, id: string): boolean;
}

/** Switches a request fault on; its revert adds the requests it took to the reach, and switches it off. */
function requestFault<F>(registry: RequestFaults<F>, owner: string, fault: F, at: string, reach: TargetReach): () => Promise<void> {
  const id = registry.addFault(owner, fault);
  return async () => {
    // Read before removing: the count goes with the fault.
    const taken = registry.faultTaken(owner, id);
    if (taken !== undefined) {
      reach.faulted_requests = (reach.faulted_requests ?? 0) + taken;
      reach.faulted_at = joinTargets(reach.faulted_at, at);
    }
    try {
      registry.removeFault(owner, id);
    } catch {
      // Already removed by a reset.
    }
  };
}

/** `mock llm`, then `mock llm and http proxy billing` when a list of faults spans both. */
function joinTargets(before: string | undefined, target: string): string {
  if (before === undefined || before === target) return target;
  return before.split(' and ').includes(target) ? before : `${before} and ${target}`;
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

/** `latency on proxy pg (downstream)`, `… and …` for several, `3 steps: …` for steps, with the ramp. */
export function describeScenario(e: ExperimentConfig): string {
  const list = (faults: FaultConfig[]) => faults.map(describeFault).join(' and ');
  const what = e.steps ? `${e.steps.length} steps (${e.steps.map((s) => `at ${formatDuration(s.at)}: ${list(s.fault)}`).join('; ')})` : list(e.fault!);
  return e.ramp ? `${what}, ${e.ramp.attribute} ramped ${e.ramp.from} → ${e.ramp.to}` : what;
}

/** metrics.json's `fault`: one fault as before; `{ all: […] }` for several; `{ steps: […] }`; plus `ramp`. */
function describeScenarioConfig(e: ExperimentConfig): Record<string, unknown> {
  const one = (faults: FaultConfig[]) => (faults.length === 1 ? describeFaultConfig(faults[0]) : { all: faults.map(describeFaultConfig) });
  const described = e.steps ? { steps: e.steps.map((s) => ({ at_ms: s.at, ...one(s.fault) })) } : one(e.fault!);
  return e.ramp ? { ...described, ramp: { attribute: e.ramp.attribute, from: e.ramp.from, to: e.ramp.to } } : described;
}

function describeFault(fault: FaultConfig): string {
  if (fault.kind === 'pressure') return `${fault.pressure.kind} pressure`;
  if (fault.kind === 'clock')
    return `the clock of service ${fault.service} moved ${formatOffset(fault.offset)}${fault.rate === 1 ? '' : `, running ${fault.rate}× its pace`}`;
  if (fault.kind === 'reconnect_storm') return `a reconnect storm on proxy ${fault.proxy}`;
  if (fault.kind === 'service') return `${fault.action} of service ${fault.service}`;
  if (fault.kind === 'http_proxy') return `${describeHttpFault(fault.fault)} on http proxy ${fault.httpProxy}`;
  return fault.kind === 'proxy' ? `${fault.toxic.type} on proxy ${fault.proxy} (${fault.toxic.stream})` : `a fault on mock ${fault.mock}`;
}

function describeFaultConfig(fault: FaultConfig): Record<string, unknown> {
  if (fault.kind === 'mock') return { mock: fault.mock, ...fault.fault };
  if (fault.kind === 'http_proxy') return { http_proxy: fault.httpProxy, ...fault.fault };
  if (fault.kind === 'service') return { service: fault.service, action: fault.action };
  if (fault.kind === 'reconnect_storm') return { proxy: fault.proxy, action: 'reconnect_storm', within_ms: fault.within };
  if (fault.kind === 'clock')
    return { service: fault.service, time: { offset: formatOffset(fault.offset), ...(fault.rate === 1 ? {} : { rate: fault.rate }) } };
  if (fault.kind === 'pressure') {
    const { kind, ...rest } = fault.pressure;
    return { pressure: kind, ...rest };
  }
  // The toxic's name is chaos-gate's own (`experiment: <name>`), not the user's.
  const { name, ...toxic } = fault.toxic;
  return { proxy: fault.proxy, ...toxic };
}

function formatOffset(ms: number): string {
  return `${ms < 0 ? '-' : '+'}${formatDuration(Math.abs(ms))}`;
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
