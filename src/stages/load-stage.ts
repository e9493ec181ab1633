/**
 * The load stage: traffic at the system under test for a fixed duration, recorded with k6's
 * metric names. A target that dies mid-run shows up as failed requests; one that refuses every
 * connection from the start fails the stage with that cause.
 */
import { formatDuration } from '../units/duration.js';
import { runLoad } from '../load/engine.js';
import { formatProgress } from '../load/progress.js';
import { LoadRecorder, type PointSink } from '../load/recorder.js';
import { describeFlows, type LoadStageConfig } from '../load/schema.js';
import type { ThresholdConfig } from '../gate/schema.js';
import type { SeriesPoint, StageReport } from '../results/types.js';
import type { StageContext } from './command-stage.js';

export interface LoadStageResult {
  report: Omit<StageReport, 'metrics'>;
  /** Its traffic second by second, for the charts. */
  series: SeriesPoint[];
}

export async function runLoadStage(
  load: LoadStageConfig,
  ctx: StageContext & { runStart: number; thresholds?: Record<string, ThresholdConfig[]>; out?: PointSink },
): Promise<LoadStageResult> {
  const recorder = LoadRecorder.for(load, ctx.metrics, ctx.runStart, ctx.thresholds, { sink: ctx.out, tags: { stage: 'load' } });
  const unit = load.rate !== undefined ? '/s' : ' connections';
  const model = load.stages
    ? `stages ${load.stages.map((s) => `→ ${s.target}${unit} over ${formatDuration(s.durationMs)}`).join(', ')}`
    : load.rate !== undefined
      ? `${load.rate}/s`
      : `${load.connections} connections`;
  const what = load.flows ? describeFlows(load.flows) : load.targets.map((t) => `${t.method} ${t.url}`).join(', ');
  ctx.log.info(`load: ${model} for ${formatDuration(load.duration)} → ${what}`);
  const summary = await runLoad(load, {
    durationMs: load.duration,
    signal: ctx.signal,
    onSample: recorder.record,
    onDropped: recorder.dropped,
    onProgress: (p) => ctx.log.progress(formatProgress(p)),
    ...recorder.flowHooks((message) => ctx.log.warn(`load: the flow failed: ${message}`)),
  });
  ctx.log.progress(undefined);
  const report: Omit<StageReport, 'metrics'> = { status: 'passed', exit_code: null, duration_ms: Math.round(summary.elapsedMs) };
  if (ctx.signal.aborted) report.status = 'cancelled';
  else if (summary.unreachable) {
    report.status = 'failed';
    report.reason = `${summary.unreachable}; is the service running?`;
  } else if (summary.error) {
    report.status = 'failed';
    report.reason = summary.error;
  }
  const { checks, dropped } = recorder.checks();
  if (checks.length > 0) report.checks = checks;
  if (dropped > 0) ctx.log.warn(`load: ${dropped} check results past the first 200 check names were counted in \`checks\` only`);
  return { report, series: recorder.points() };
}
