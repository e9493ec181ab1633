/**
 * A stage that runs the user's test command: its process tree, its JUnit files and the metric
 * lines it wrote give one StageReport. Tests failing fail the stage even when the command exits 0;
 * a failing command fails it even when its JUnit says all passed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { formatDuration } from '../units/duration.js';
import type { CommandStageConfig } from '../config/schema.js';
import { recordFile } from '../gate/lines.js';
import type { MetricSet } from '../gate/metrics.js';
import type { JunitCase, StageName, StageReport } from '../results/types.js';
import type { Log } from '../log.js';
import { JUNIT_LIMITS, readJunit } from './junit.js';
import { formatBytes, MAX_LINE_BYTES } from './output.js';
import { startCommand, type ProcessGroups } from './spawn.js';

export interface StageContext {
  cwd: string;
  /** CHAOS_GATE_* variables for this stage. */
  env: Record<string, string>;
  reportDir: string;
  log: Log;
  signal: AbortSignal;
  /** Where this stage's metrics go. */
  metrics: MetricSet;
  /** Where the command's process group is tracked. */
  groups?: ProcessGroups;
  /** The byte budget of the stage's log file (`report.log_limit`). */
  logLimit?: number;
  /** The byte budget of the test cases its JUnit files keep (`report.junit_limit`). */
  junitLimit?: number;
}

export interface CommandStageResult {
  report: Omit<StageReport, 'metrics'>;
  /** Every test case its JUnit files held. */
  cases: JunitCase[];
}

/** Runs `stage.run` and judges it; never throws for a failing command. */
export async function runCommandStage(name: StageName, stage: CommandStageConfig, ctx: StageContext): Promise<CommandStageResult> {
  const logFile = join(ctx.reportDir, 'logs', `${name}.log`);
  const metricsFile = resolve(ctx.reportDir, 'stage-metrics', `${name}.jsonl`);
  await mkdir(join(ctx.reportDir, 'logs'), { recursive: true });
  await mkdir(join(ctx.reportDir, 'stage-metrics'), { recursive: true });
  await writeFile(metricsFile, '');
  const cwd = resolve(ctx.cwd, stage.working_directory ?? '.');
  const since = Date.now();

  ctx.log.info(`$ ${stage.run}`);
  const result = await startCommand(stage.run, {
    cwd,
    env: { ...ctx.env, ...stage.env, CHAOS_GATE_METRICS: metricsFile },
    logFile,
    logLimit: ctx.logLimit,
    timeoutMs: stage.timeout,
    signal: ctx.signal,
    groups: ctx.groups,
    onLine: (line) => ctx.log.output(name, line),
  }).done;

  for (const problem of await recordFile(metricsFile, ctx.metrics)) ctx.log.warn(`metrics line skipped: ${problem}`);
  if (result.cutLines > 0)
    ctx.log.warn(
      `${result.cutLines} line${result.cutLines === 1 ? '' : 's'} of output longer than ${formatBytes(MAX_LINE_BYTES)} cut (each says so in logs/${name}.log)`,
    );
  if (result.logDropped.lines > 0) {
    ctx.log.warn(
      `logs/${name}.log keeps the head and tail of the output: ${result.logDropped.lines} lines (${result.logDropped.bytes} bytes) in between were dropped (report.log_limit)`,
    );
  }

  const report: Omit<StageReport, 'metrics'> = {
    status: 'passed',
    exit_code: result.exitCode,
    duration_ms: result.durationMs,
    log: `logs/${name}.log`,
  };
  const reasons: string[] = [];
  let cases: JunitCase[] = [];
  if (stage.junit) {
    const junit = await readJunit(stage.junit, cwd, since, { ...JUNIT_LIMITS, keptBytes: ctx.junitLimit ?? JUNIT_LIMITS.keptBytes });
    for (const { file, why } of junit.ignored) ctx.log.warn(`JUnit file ignored: ${file}: ${why}`);
    report.tests = junit.counts;
    cases = junit.cases;
    if (junit.failures.length > 0) report.failures = junit.failures;
    if (junit.dropped.note) {
      report.tests_note = junit.dropped.note;
      ctx.log.warn(`JUnit: ${junit.dropped.note}`);
    }
    const broken = junit.counts.failed + junit.counts.errors;
    if (broken > 0) reasons.push(`${broken} test${broken === 1 ? '' : 's'} failed`);
    for (const { file, why } of junit.unreadable) {
      ctx.log.error(`could not parse JUnit file ${file}: ${why}`);
      reasons.push(`could not parse ${relative(cwd, file)}: ${why}`);
    }
    if (junit.files.length === 0 && junit.unreadable.length === 0 && !result.timedOut && !result.cancelled) {
      reasons.push(`no JUnit file matched ${stage.junit.join(', ')}`);
    }
  }
  if (result.timedOut) {
    report.status = 'timed_out';
    reasons.unshift(`timed out after ${formatDuration(stage.timeout!)}`);
  } else if (result.cancelled) {
    report.status = 'cancelled';
    reasons.unshift('stopped');
  } else if (result.exitCode !== 0) {
    reasons.unshift(`exit code ${result.exitCode}`);
  }
  if (reasons.length > 0) {
    if (report.status === 'passed') report.status = 'failed';
    report.reason = reasons.join('; ');
  }
  return { report, cases };
}
