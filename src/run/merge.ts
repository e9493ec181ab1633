/**
 * `chaos-gate merge DIR... --config F`: the shards' reports become one, thresholds are judged
 * once on the merged metrics, and the usual report files are written.
 */
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { mergeReports } from '../gate/merge-reports.js';
import { reportLookup } from '../gate/report-metrics.js';
import { judge, unrecovered } from '../gate/thresholds.js';
import { decide } from '../gate/verdict.js';
import { readRunReport } from '../results/read.js';
import type { ReportSource, RunReport } from '../results/types.js';
import { writeReports } from '../report/write.js';
import type { Log } from '../log.js';
import { lookUpBaseline, printVerdict, type RunOutcome } from './run.js';

export interface MergeOptions {
  /** Folders holding each shard's metrics.json. */
  dirs: string[];
  /** chaos-gate.yml as the face loaded it (for the thresholds and `report.baseline`). */
  config: LoadedConfig;
  reportDir: string;
  cwd?: string;
  /** As in run(): finds the report to compare with, given `report.baseline`. */
  baseline?: (branch: string | undefined) => Promise<RunReport | undefined>;
  /** As in run(): recorded in metrics.json as `source`. */
  source?: ReportSource;
}

export async function merge(options: MergeOptions, log: Log): Promise<RunOutcome> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { config } = options.config;
  if (options.dirs.length === 0) throw new UsageError('merge: name the folders of the shard reports, e.g. chaos-gate merge shards/* --config chaos-gate.yml');
  const shards = await Promise.all(options.dirs.map((dir) => readShardReport(resolve(cwd, dir))));
  log.info(`merging ${shards.length} shard reports: ${options.dirs.join(', ')}`);

  const baseline = await lookUpBaseline(options.baseline, config, log);
  const merged = mergeReports(shards);
  const thresholds = judge(config.thresholds, reportLookup({ ...merged, thresholds: [], verdict: 'pass' }), {
    durationMs: merged.duration_ms,
    baseline: baseline ? reportLookup(baseline) : undefined,
    unrecovered: unrecovered(merged.experiments),
  });
  const unverdicted = { ...merged, thresholds };
  const report: RunReport = { ...unverdicted, verdict: decide(unverdicted), ...(options.source ? { source: options.source } : {}) };
  const reportDir = resolve(cwd, options.reportDir);
  await writeReports(reportDir, report, {}, baseline);
  printVerdict(report, reportDir, cwd, log);
  return { exitCode: report.verdict === 'pass' ? 0 : 1, verdict: report.verdict, report, reportDir, baseline };
}

async function readShardReport(dir: string): Promise<RunReport> {
  try {
    return await readRunReport(join(dir, 'metrics.json'));
  } catch (error) {
    throw new UsageError(`merge: ${(error as Error).message}`);
  }
}
