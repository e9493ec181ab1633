/**
 * One run, the same from the terminal and from the action:
 *
 *   config ──► safety ──► environment (control API, proxies, mocks, services)
 *          ──► stages in order: unit → integration → load → chaos   (each records metrics)
 *          ──► thresholds ──► verdict ──► metrics.json, junit.xml, summary.md, report.html
 *
 * Whatever happens (a stage fails, max_duration passes, Ctrl-C), the environment is stopped and
 * every fault reverted before run() returns, and the report says what was measured.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runExperiments } from '../chaos/experiments.js';
import { formatDuration } from '../units/duration.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { MetricsStore } from '../gate/store.js';
import { watchAbortThresholds } from '../gate/abort.js';
import { reportLookup } from '../gate/report-metrics.js';
import { judge, unrecovered } from '../gate/thresholds.js';
import { decide } from '../gate/verdict.js';
import { writeReports } from '../report/write.js';
import {
  STAGE_ORDER,
  type ExperimentReport,
  type MatrixReport,
  type FaultWindow,
  type ReportSource,
  type RunReport,
  type SeriesPoint,
  type JunitCase,
  type StageName,
  type StageReport,
  type Verdict,
  outcomeOf,
} from '../results/types.js';
import { thresholdCounts } from '../report/format.js';
import { runCommandStage } from '../stages/command-stage.js';
import { PressureError, startPressure } from '../pressure/pressure.js';
import type { PressureSpec } from '../pressure/schema.js';
import { runLoadStage } from '../stages/load-stage.js';
import type { ProcessGroups } from '../stages/spawn.js';
import { Environment } from './environment.js';
import type { Log } from '../log.js';
import { EnvironmentError, UserFacingError } from '../errors.js';
import { describeError, throwIfInjected } from './internal-errors.js';
import { matrixMetric } from '../gate/report-metrics.js';
import { describePlan, selectStages } from './plan.js';
import { checkSafety } from './safety.js';
import { shardConfig, type Shard } from './shard.js';
import { Outputs } from '../out/outputs.js';
import { matrixDependencies } from '../matrix/cells.js';
import { runMatrix } from '../matrix/run.js';
import type { OutSummary } from '../out/point.js';
import type { OutSpec } from '../out/spec.js';

/** Set by the bundler (scripts/build.mjs); `dev` from source. */
declare const CHAOS_GATE_VERSION: string | undefined;

export interface RunOptions {
  /** chaos-gate.yml as the face loaded it; nothing below the faces reads the file again. */
  config: LoadedConfig;
  /** Where stage commands and services run, and relative paths resolve; default the process's. */
  cwd?: string;
  /** Default `chaos-gate-report`, relative to `cwd`. */
  reportDir?: string;
  /** Run only these stages (in the usual order). */
  stages?: string[];
  /** Run only experiments tagged with one of these categories. */
  categories?: string[];
  /** Validate and print the plan; start nothing. */
  dryRun?: boolean;
  /** Run this shard's share (see shard.ts). */
  shard?: Shard;
  /** Aborting stops the run: faults reverted, processes killed, a partial report written. */
  signal?: AbortSignal;
  /** Where the process groups of stages and services are tracked (the face kills them if it dies). */
  groups?: ProcessGroups;
  /** Finds the report to compare with; given `report.baseline` (a branch) when the config sets it. */
  baseline?: (branch: string | undefined) => Promise<RunReport | undefined>;
  /** Recorded in metrics.json as `source` (the GitHub face's repository, pull request and job). */
  source?: ReportSource;
  /** `--out`: where the load's metrics go while the run goes. */
  out?: OutSpec[];
  /** `chaos-gate explore`: the chaos stage runs its matrix only (not its command, not its experiments). */
  matrixOnly?: boolean;
}

export interface RunOutcome {
  /**
   * 0 passed, 1 a stage or threshold failed, 3 an internal error (the report is written all the
   * same, naming it). Bad config and environment errors throw.
   */
  exitCode: 0 | 1 | 3;
  verdict?: Verdict;
  report?: RunReport;
  reportDir?: string;
  baseline?: RunReport;
}

export async function run(options: RunOptions, log: Log): Promise<RunOutcome> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const config = options.shard ? shardConfig(options.config.config, options.shard) : options.config.config;
  const stages = selectStages(config, options.stages);
  checkSafety(config);
  if (options.dryRun) {
    log.info(describePlan(config, stages));
    log.info('dry run: the config is valid; nothing was started');
    return { exitCode: 0 };
  }

  const baseline = await lookUpBaseline(options.baseline, config, log);
  const reportDir = resolve(cwd, options.reportDir ?? 'chaos-gate-report');
  await mkdir(join(reportDir, 'logs'), { recursive: true });
  const runState = new RunState(config, Date.now(), options.shard, { stages: options.stages, categories: options.categories, matrixOnly: options.matrixOnly });

  // One signal for every way a run ends early: the caller's (Ctrl-C, cancelled job) and max_duration.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason ?? 'stopped');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const deadline = setTimeout(() => {
    runState.errors.push(`the run passed safety.max_duration (${formatDuration(config.safety.max_duration)}) and was stopped`);
    stop.abort('max_duration');
  }, config.safety.max_duration);
  const unwatch = watchAbortThresholds(
    config.thresholds,
    (address) => runState.store.lookup(address),
    () => performance.now() - runState.t0,
    (broken) => {
      runState.errors.push(`stopped early: ${broken.metric} ${broken.expression} broke (actual ${broken.actual}) with abort_on_fail`);
      stop.abort('abort_on_fail');
    },
  );

  const outputs = options.out?.length ? Outputs.open(options.out, typeof CHAOS_GATE_VERSION === 'string' ? CHAOS_GATE_VERSION : 'dev') : undefined;
  let environment: Environment | undefined;
  try {
    environment = await log.section('environment', () =>
      Environment.start(config, {
        cwd,
        logDir: join(reportDir, 'logs'),
        log,
        signal: stop.signal,
        groups: options.groups,
        currentMetrics: () => runState.store.scope(runState.scope),
      }),
    );
    let failures = 0;
    for (const stage of stages) {
      if (stop.signal.aborted || (config.max_failures !== undefined && failures >= config.max_failures)) {
        runState.stages[stage] = { status: stop.signal.aborted ? 'cancelled' : 'not_run', exit_code: null, duration_ms: 0, metrics: {} };
        continue;
      }
      runState.scope = stage;
      const stageStarted = performance.now();
      const report = await log
        .section(`${stage} stage`, () =>
          runStage(stage, config, environment!, runState, {
            cwd,
            reportDir,
            log,
            signal: stop.signal,
            groups: options.groups,
            categories: options.categories,
            shard: options.shard,
            logLimit: config.report.log_limit,
            junitLimit: config.report.junit_limit,
            out: outputs,
            baseline,
            matrixOnly: options.matrixOnly,
          }),
        )
        .catch((error: unknown): StageReport => {
          // A user-facing error (a service fault on a service that is down) fails the stage; anything else is a bug.
          const message = error instanceof UserFacingError ? error.message : runState.internalError(`in the ${stage} stage`, error, log);
          if (error instanceof UserFacingError) runState.errors.push(message);
          return {
            status: 'failed',
            exit_code: null,
            duration_ms: Math.round(performance.now() - stageStarted),
            reason: message,
            metrics: runState.store.scope(stage).summary(0),
          };
        });
      runState.stages[stage] = report;
      if (report.status !== 'passed') failures += 1;
      log.info(`${stage}: ${report.status}${report.reason ? ` (${report.reason})` : ''} in ${formatDuration(report.duration_ms)}`);
    }
  } catch (error) {
    // A user's mistake (a port taken, a service never ready) ends the run as before; a bug is reported.
    if (error instanceof UserFacingError) throw error;
    runState.internalError('while running', error, log);
  } finally {
    clearTimeout(deadline);
    unwatch();
    options.signal?.removeEventListener('abort', onAbort);
    await environment?.stop();
    runState.errors.push(...(environment?.errors ?? []));
    if (outputs) reportOutputs(await outputs.close(), log);
  }

  const report = runState.finish(baseline, log);
  if (options.source) report.source = options.source;
  const writeErrors = await writeReports(reportDir, report, runState.cases, baseline, (file) => throwIfInjected(`report:${file}`));
  for (const error of writeErrors) runState.internalError('', new Error(error), log, false);
  if (writeErrors.length > 0) Object.assign(report, { verdict: 'fail', errors: [...report.errors, ...writeErrors] });
  printVerdict(report, reportDir, cwd, log);
  const exitCode = runState.internal.length > 0 ? 3 : report.verdict === 'pass' ? 0 : 1;
  return { exitCode, verdict: report.verdict, report, reportDir, baseline };
}

/** A baseline that cannot be found is a warning: relative thresholds then fail as "no baseline value". */
export async function lookUpBaseline(provider: RunOptions['baseline'], config: Config, log: Log): Promise<RunReport | undefined> {
  if (!provider) return undefined;
  try {
    const baseline = await provider(config.report.baseline);
    if (!baseline && config.report.baseline) log.warn(`no baseline report found on ${config.report.baseline}; deltas and relative thresholds are skipped`);
    return baseline;
  } catch (error) {
    log.warn(`could not read the baseline: ${(error as Error).message}`);
    return undefined;
  }
}

/** What each `--out` delivered; what it dropped is a warning, never a failed gate. */
function reportOutputs(summaries: OutSummary[], log: Log): void {
  for (const s of summaries) {
    const dropped = s.dropped > 0 ? `, ${s.dropped} dropped` : '';
    (s.dropped > 0 || s.errors.length > 0 ? log.warn : log.info).call(
      log,
      `metrics out: ${s.output}: ${s.points - s.dropped} points${dropped}${s.errors.length > 0 ? ` (${s.errors.join('; ')})` : ''}`,
    );
  }
}

interface StageOptions {
  cwd: string;
  reportDir: string;
  log: Log;
  signal: AbortSignal;
  groups?: ProcessGroups;
  categories?: string[];
  shard?: Shard;
  logLimit: number;
  junitLimit: number;
  out?: Outputs;
  /** The base branch's report, for the matrix's regressions. */
  baseline?: RunReport;
  matrixOnly?: boolean;
}

async function runStage(stage: StageName, config: Config, environment: Environment, state: RunState, options: StageOptions): Promise<StageReport> {
  const metrics = state.store.scope(stage);
  const env = environment.variables(stage);
  // The chaos stage's own tests can select themselves by category too.
  if (options.categories?.length) env.CHAOS_GATE_CATEGORIES = options.categories.join(',');
  // Test runners split their files by it: `vitest run --shard=$CHAOS_GATE_SHARD`.
  if (options.shard) env.CHAOS_GATE_SHARD = `${options.shard.index}/${options.shard.total}`;
  const ctx = { ...options, env, metrics };
  const started = performance.now();
  throwIfInjected('stage');
  let report: Omit<StageReport, 'metrics'>;
  if (stage === 'load') {
    const result = await runLoadStage(config.stages.load!, { ...ctx, runStart: state.t0, thresholds: config.thresholds });
    report = result.report;
    state.series.push(...result.series);
  } else {
    const stageConfig = config.stages[stage]!;
    report = { status: 'passed', exit_code: null, duration_ms: 0 };
    if (stageConfig.run !== undefined && !options.matrixOnly) {
      const result = await runCommandStage(stage, { ...stageConfig, run: stageConfig.run }, ctx);
      report = result.report;
      state.cases[stage] = result.cases;
    }
    const chaos = stage === 'chaos' ? config.stages.chaos : undefined;
    if (chaos && (chaos.experiments?.length || chaos.matrix)) {
      const { proxies, mocks } = environment;
      throwIfInjected('experiment');
      const pressure = {
        start: async (spec: PressureSpec, by: string) => {
          const servicePid = (name: string) =>
            environment
              .serviceFaults()
              .list()
              .find((s) => s.name === name)?.pid ?? undefined;
          const started = await startPressure(spec, { cwd: options.cwd, groups: options.groups, marker: 'chaos-gate-pressure', servicePid }).catch(
            (error: unknown) => {
              // Not enough room on this runner is the environment's answer, not a bug: the run stops, naming it.
              throw error instanceof PressureError ? new EnvironmentError(`${by}: ${error.message}`) : error;
            },
          );
          options.log.info(`${by}: holding ${started.holding} (process group ${started.pid})`);
          return started.stop;
        },
      };
      const targets = { proxies, mocks, httpProxies: environment.httpProxies, services: environment.serviceFaults(), pressure };
      const experiments = await runExperiments(options.matrixOnly ? [] : (chaos.experiments ?? []), {
        ...ctx,
        targets,
        store: state.store,
        runStart: state.t0,
        thresholds: config.thresholds,
      });
      state.experiments.push(...experiments.reports);
      state.series.push(...experiments.series);
      state.windows.push(...experiments.windows);
      const failed = experiments.reports.filter((e) => !e.ok && !e.cancelled);
      if (failed.length > 0) {
        report.status = report.status === 'passed' ? 'failed' : report.status;
        const vacuous = failed.filter((e) => e.recovery_time_ms !== null && e.vacuous).length;
        const slow = failed.length - vacuous;
        const why = [
          slow > 0 ? `${slow} experiment${slow === 1 ? '' : 's'} did not recover in time` : '',
          vacuous > 0 ? `${vacuous} experiment${vacuous === 1 ? '' : 's'} with a fault that reached nothing (fail_on_vacuous)` : '',
        ]
          .filter(Boolean)
          .join('; ');
        report.reason = report.reason ? `${report.reason}; ${why}` : why;
      }
      if (chaos.matrix && !options.signal.aborted) {
        const { dependencies } = matrixDependencies(chaos.matrix.dependencies, config);
        const matrix = await runMatrix(chaos.matrix, dependencies, {
          ...ctx,
          targets,
          store: state.store,
          runStart: state.t0,
          thresholds: config.thresholds,
          shard: options.shard,
          baseline: options.baseline,
          services: () => environment.serviceFaults().list(),
        });
        state.matrix = matrix.report;
        state.series.push(...matrix.series);
        state.windows.push(...matrix.windows);
      }
      if (options.signal.aborted && report.status === 'passed') {
        report.status = 'cancelled';
        report.reason ??= 'stopped';
      }
    }
    report.duration_ms = Math.round(performance.now() - started);
  }
  return { ...report, metrics: metrics.summary(report.duration_ms) };
}

/** What a run accumulates while it goes, turned into the RunReport at the end. */
class RunState {
  readonly store = new MetricsStore();
  /** The scope POST /metrics records into: the stage running now. */
  scope = 'setup';
  readonly t0 = performance.now();
  readonly stages: RunReport['stages'] = {};
  readonly cases: Partial<Record<StageName, JunitCase[]>> = {};
  readonly experiments: ExperimentReport[] = [];
  matrix: MatrixReport | undefined;
  readonly series: SeriesPoint[] = [];
  readonly windows: FaultWindow[] = [];
  readonly errors: string[] = [];
  /** Internal errors (bugs) met on the way; any makes the run exit 3. */
  readonly internal: string[] = [];

  constructor(
    private readonly config: Config,
    private readonly startedAt: number,
    private readonly shard: Shard | undefined,
    /** What --stage and --category chose, to say why a threshold was skipped. */
    private readonly selection: { stages?: string[]; categories?: string[]; matrixOnly?: boolean } = {},
  ) {}

  /**
   * Why a threshold is not judged in this run: its stage was left out with --stage, or its
   * experiment with --category. It is reported as skipped, never failed for want of data nor dropped.
   */
  private skipReason(address: string): string | undefined {
    if (this.selection.matrixOnly && !address.startsWith('matrix.')) return 'chaos-gate explore runs the resilience matrix only';
    if (address.startsWith('matrix.')) {
      if (!('chaos' in this.stages) && this.selection.stages?.length) return `--stage ${this.selection.stages.join(',')}`;
      // A cell that did not run has no outcome to judge: said, not failed for want of data.
      const cell = this.matrix?.cells.find((c) => address.startsWith(`matrix.${c.dependency}.${c.fault}.`));
      if (cell?.outcome === 'skipped') return `${cell.dependency} × ${cell.fault} was skipped: ${cell.reason}`;
      return undefined;
    }
    const [stage] = address.split('.');
    if (address.includes('.') && (STAGE_ORDER as readonly string[]).includes(stage) && !(stage in this.stages) && this.selection.stages?.length) {
      return `--stage ${this.selection.stages.join(',')}`;
    }
    const ran = new Set(this.experiments.map((e) => e.name));
    const experiment = this.config.stages.chaos?.experiments?.find((e) => address.startsWith(`chaos.${e.name}.`));
    if (experiment && !ran.has(experiment.name) && this.stages.chaos?.status !== 'cancelled' && this.selection.categories?.length) {
      return `--category ${this.selection.categories.join(',')}`;
    }
    return undefined;
  }

  /** Records an internal error as a run error (named in every report); returns its sentence. */
  internalError(where: string, error: unknown, log: Log, report = true): string {
    const message = report ? `internal error ${where}: ${describeError(error)}` : describeError(error);
    this.internal.push(message);
    if (report) this.errors.push(message);
    log.error(`${message} (please report it)${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
    return message;
  }

  finish(baseline: RunReport | undefined, log: Log): RunReport {
    const durationMs = Math.round(performance.now() - this.t0);
    // A shard sees part of the traffic: its thresholds are judged once, on the merged report.
    let thresholds: RunReport['thresholds'] = [];
    try {
      throwIfInjected('judge');
      if (!this.shard) {
        thresholds = judge(this.config.thresholds, (address) => matrixMetric(this.matrix, address) ?? this.store.lookup(address), {
          durationMs,
          baseline: baseline ? reportLookup(baseline) : undefined,
          skip: (address) => this.skipReason(address),
          unrecovered: unrecovered(this.experiments),
        });
      }
    } catch (error) {
      this.internalError('while judging the thresholds (none was judged)', error, log);
    }
    const report: Omit<RunReport, 'verdict'> = {
      version: 1,
      started_at: new Date(this.startedAt).toISOString(),
      duration_ms: durationMs,
      stages: this.stages,
      metrics: this.store.collect('').summary(durationMs),
      experiments: this.experiments,
      ...(this.matrix ? { matrix: this.matrix } : {}),
      thresholds,
      timeline: { series: this.series, windows: this.windows },
      errors: this.errors,
      ...(this.shard ? { shard: this.shard } : {}),
    };
    return { ...report, verdict: decide(report) };
  }
}

export function printVerdict(report: RunReport, reportDir: string, cwd: string, log: Log): void {
  const stages = Object.entries(report.stages);
  const passedStages = stages.filter(([, s]) => s.status === 'passed').length;
  const head = report.verdict === 'pass' ? 'PASS' : 'FAIL';
  log.info(`\n${head}  ${passedStages}/${stages.length} stages passed, ${thresholdCounts(report.thresholds)} (${formatDuration(report.duration_ms)})`);
  for (const [name, s] of stages) if (s.status !== 'passed') log.info(`  ✘ stage ${name}: ${s.status}${s.reason ? ` — ${s.reason}` : ''}`);
  for (const e of report.experiments) {
    if (e.ok) continue;
    const why = e.cancelled
      ? 'cancelled'
      : e.recovery_time_ms === null
        ? 'did not recover'
        : e.recover_within_ms !== undefined && e.recovery_time_ms > e.recover_within_ms
          ? `recovered in ${e.recovery_time_ms} ms (limit ${e.recover_within_ms} ms)`
          : 'its fault reached nothing (fail_on_vacuous)';
    log.info(`  ✘ experiment ${e.name}: ${why}`);
  }
  for (const t of report.thresholds) {
    if (outcomeOf(t) === 'skipped') log.info(`  ⏭ ${t.metric} ${t.expression}: skipped (${t.reason})`);
    else if (!t.ok)
      log.info(
        `  ✘ ${t.metric} ${t.expression}: ${t.reason ?? `actual ${t.actual}, limit ${t.limit}${t.interval ? ` (${(t.confidence ?? 0.95) * 100}% interval ${t.interval[0]}–${t.interval[1]})` : ''}`}`,
      );
  }
  for (const error of report.errors) log.info(`  ✘ ${error}`);
  const shown = reportDir.startsWith(`${cwd}/`) ? reportDir.slice(cwd.length + 1) : reportDir;
  log.info(`report: ${shown}/ (metrics.json, junit.xml, summary.md, report.html)`);
}
