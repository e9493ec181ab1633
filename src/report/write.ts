/** Writes a run's report files into the report dir: metrics.json, junit.xml, summary.md, report.html. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import { renderJunit } from './junit-xml.js';
import { JOB_SUMMARY_LIMIT, renderSummary } from './summary.js';
import type { JunitCase, RunReport, StageName } from '../results/types.js';

/** Injected by the build (scripts/build.mjs) from package.json. */
declare const CHAOS_GATE_VERSION: string | undefined;

/** `baseline`: the base branch's report, for the deltas in summary.md and report.html. */
export async function writeReports(dir: string, report: RunReport, cases: Partial<Record<StageName, JunitCase[]>>, baseline?: RunReport): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { version, ...rest } = report;
  const stamped: RunReport = { version, chaos_gate_version: typeof CHAOS_GATE_VERSION === 'string' ? CHAOS_GATE_VERSION : 'dev', ...rest };
  await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(stamped, null, 2)}\n`);
  await writeFile(join(dir, 'junit.xml'), renderJunit(report, cases));
  // The file has the job summary's room; the PR comment is rendered again with its own budget and links.
  await writeFile(join(dir, 'summary.md'), renderSummary(report, { budget: JOB_SUMMARY_LIMIT, baseline }));
  await writeFile(join(dir, 'report.html'), renderHtml(report, baseline));
}
