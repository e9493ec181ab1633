/** Writes a run's report files into the report dir: metrics.json, junit.xml, summary.md, report.html. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html.js';
import { renderJunit } from './junit-xml.js';
import { JOB_SUMMARY_LIMIT, renderSummary } from './summary.js';
import type { JunitCase, RunReport, StageName } from '../results/types.js';

/** Injected by the build (scripts/build.mjs) from package.json. */
declare const CHAOS_GATE_VERSION: string | undefined;

/** metrics.json says which chaos-gate wrote it, right after its format version. */
function stampVersion(report: RunReport): RunReport {
  const { version, ...rest } = report;
  return { version, chaos_gate_version: typeof CHAOS_GATE_VERSION === 'string' ? CHAOS_GATE_VERSION : 'dev', ...rest };
}

export const REPORT_FILES = ['metrics.json', 'junit.xml', 'summary.md', 'report.html'] as const;
export type ReportFile = (typeof REPORT_FILES)[number];

/**
 * `baseline`: the base branch's report, for the deltas in summary.md and report.html.
 * A renderer that throws costs only its own file: the others are written with the error added
 * to `report.errors` (and the verdict failed), and that file gets a plain stand-in naming the error.
 * Returns the errors, one per file that could not be rendered. `beforeRender` is the tests' seam.
 */
export async function writeReports(
  dir: string,
  report: RunReport,
  cases: Partial<Record<StageName, JunitCase[]>>,
  baseline?: RunReport,
  beforeRender?: (file: ReportFile) => void,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  report = stampVersion(report);
  const renderers: Record<ReportFile, (r: RunReport) => string> = {
    'metrics.json': (r) => `${JSON.stringify(r, null, 2)}\n`,
    'junit.xml': (r) => renderJunit(r, cases),
    // The file has the job summary's room; the PR comment is rendered again with its own budget and links.
    'summary.md': (r) => renderSummary(r, { budget: JOB_SUMMARY_LIMIT, baseline }),
    'report.html': (r) => renderHtml(r, baseline),
  };
  const render = (file: ReportFile, r: RunReport) => {
    beforeRender?.(file);
    return renderers[file](r);
  };
  // A renderer that fails is found first, so the files that do render can name it.
  const texts = new Map<ReportFile, string>();
  const errors: string[] = [];
  for (const file of REPORT_FILES) {
    try {
      texts.set(file, render(file, report));
    } catch (error) {
      errors.push(`internal error while writing ${file}: ${(error as Error)?.message ?? String(error)}`);
    }
  }
  const final: RunReport = errors.length === 0 ? report : { ...report, verdict: 'fail', errors: [...report.errors, ...errors] };
  for (const file of REPORT_FILES) {
    let text = errors.length === 0 ? texts.get(file) : undefined;
    if (text === undefined) {
      try {
        text = render(file, final);
      } catch (error) {
        text = standIn(file, final, (error as Error)?.message ?? String(error));
      }
    }
    await writeFile(join(dir, file), text);
  }
  return errors;
}

/** What a file holds when its renderer failed: the verdict and every error, in the file's own format. */
function standIn(file: ReportFile, report: RunReport, message: string): string {
  const lines = [`chaos-gate could not render ${file}: ${message}`, `verdict: ${report.verdict}`, ...report.errors];
  switch (file) {
    case 'metrics.json':
      return `${JSON.stringify({ version: 1, verdict: report.verdict, errors: report.errors }, null, 2)}\n`;
    case 'junit.xml':
      return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites><testsuite name="chaos-gate" tests="1" failures="1"><testcase classname="chaos-gate" name="report"><failure message="${xmlEscape(lines[0]!)}">${xmlEscape(lines.join('\n'))}</failure></testcase></testsuite></testsuites>\n`;
    case 'summary.md':
      return `## chaos-gate: ${report.verdict.toUpperCase()}\n\n${lines.map((l) => `- ${l}`).join('\n')}\n`;
    case 'report.html':
      return `<!doctype html><meta charset="utf-8"><title>chaos-gate</title><pre>${xmlEscape(lines.join('\n'))}</pre>\n`;
  }
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
