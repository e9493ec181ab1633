/**
 * summary.md: the markdown a reviewer reads in the PR comment and the job summary.
 *
 *   verdict ─ broken thresholds ─ all thresholds ─ stages, failed tests ─ experiments
 *           ─ endpoints, checks ─ deltas against the baseline ─ charts ─ every metric (when there is room)
 *
 * It must fit a budget (65,536 for a comment, 1 MiB for the job summary). Detail is dropped in
 * a fixed order until it fits — the metrics table, passing threshold rows, the charts, failure
 * messages, then rows of every long list — and the text says what was cut. Sections are always
 * whole, so a cut never leaves a broken table or an open code fence.
 */
import { computeDeltas } from './deltas.js';
import { checkRows, ENDPOINT_HEADERS, endpointCells, endpointRows, exampleText } from './endpoints.js';
import { CELL_HEADERS, cellCells, changeLines, grid, LEGEND, notableCells, symbolOf } from './matrix.js';
import { actualText, describeFault, describeMetric, describeRecovery, ms, num, successText, testCells } from './format.js';
import { codeBlock, table, text } from './markdown.js';
import { mermaidCharts } from './mermaid.js';
import { describeReach } from '../results/reach.js';
import {
  STAGE_ORDER,
  type ExperimentReport,
  type MatrixReport,
  type MetricSummary,
  type RunReport,
  type StageReport,
  type ThresholdOutcome,
  type ThresholdResult,
  outcomeOf,
} from '../results/types.js';

/** GitHub's limit on an issue comment body, characters. */
export const COMMENT_LIMIT = 65_536;
/** GitHub's limit on a step's job summary (`core.summary`), bytes. */
export const JOB_SUMMARY_LIMIT = 1_048_576;

export interface SummaryOptions {
  /** Maximum size of the result in UTF-8 bytes (which also bounds characters); default COMMENT_LIMIT. */
  budget?: number;
  /** Where the full data is: the workflow run page and the uploaded artifact. */
  links?: { run?: string; artifact?: string };
  /** The base branch's latest successful run, for deltas. */
  baseline?: RunReport;
}

/** Renders the run as markdown within `options.budget` bytes, verdict first. */
export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const budget = options.budget ?? COMMENT_LIMIT;
  const fits = (s: string) => Buffer.byteLength(s, 'utf8') <= budget;
  for (const detail of LEVELS) {
    const out = compose(report, options, detail, budget);
    if (fits(out)) return out;
  }
  // Even without optional sections it is too long: show the first `rows` of every list, as many as fit.
  let low = 0;
  let high = longestList(report, options.baseline);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(compose(report, options, { ...LEAST, rows: mid }, budget))) low = mid;
    else high = mid - 1;
  }
  const out = compose(report, options, { ...LEAST, rows: low }, budget);
  return fits(out) ? out : verdictOnly(report, budget);
}

interface Detail {
  /** The table of every metric's summary (the job summary has room for it). */
  metrics: boolean;
  /** Passing rows of the thresholds table (broken ones are always listed first). */
  passing: boolean;
  charts: boolean;
  /** Failure messages as code blocks, as one clipped line, or not at all. */
  messages: 'block' | 'line' | 'none';
  /** At most this many rows in each long list. */
  rows: number;
}

const FULL: Detail = { metrics: true, passing: true, charts: true, messages: 'block', rows: Infinity };
const LEVELS: Detail[] = [
  FULL,
  { ...FULL, metrics: false },
  { ...FULL, metrics: false, passing: false },
  { ...FULL, metrics: false, passing: false, charts: false },
  { ...FULL, metrics: false, passing: false, charts: false, messages: 'line' },
  { ...FULL, metrics: false, passing: false, charts: false, messages: 'none' },
];
const LEAST = LEVELS[LEVELS.length - 1];

/** Failures shown with their whole message in a code block; the rest get its first line. */
const MESSAGE_BLOCKS = 20;
/** Longest characters kept of one failure message, in a code block. */
const MESSAGE_BLOCK_CHARS = 4000;
const MESSAGE_LINE_CHARS = 200;

function compose(report: RunReport, options: SummaryOptions, detail: Detail, budget: number): string {
  const cuts: string[] = [];
  const sections: string[] = [];
  const take = <T>(items: T[], what: string): T[] => {
    if (items.length <= detail.rows) return items;
    cuts.push(`${items.length - detail.rows} of ${items.length} ${what}`);
    return items.slice(0, detail.rows);
  };

  if (report.errors.length > 0) {
    const shown = take(report.errors, 'run errors');
    sections.push(section('Run errors', shown.map((e) => `- ${text(e, 500)}`).join('\n'), more(report.errors, shown)));
  }

  const baselineOf = baselineLookup(options.baseline);
  const broken = report.thresholds.filter((t) => !t.ok);
  if (broken.length > 0) {
    const shown = take(broken, 'broken thresholds');
    sections.push(section('Broken thresholds', thresholdTable(shown, baselineOf, false), more(broken, shown)));
  }
  const passing = report.thresholds.filter((t) => t.ok);
  if (detail.passing) {
    const all = [...broken, ...passing];
    if (all.length > 0) {
      const shown = take(all, 'thresholds');
      sections.push(section('Thresholds', thresholdTable(shown, baselineOf, true), more(all, shown), confidenceNote(all)));
    }
  } else if (passing.length > 0) {
    cuts.push(`${passing.length} passing thresholds`);
  }

  const stages = STAGE_ORDER.filter((s) => report.stages[s]).map((s) => [s, report.stages[s]!] as const);
  if (stages.length > 0) sections.push(section('Stages', stageTable(stages)));
  const failures = stages.flatMap(([stage, r]) => (r.failures ?? []).map((f) => ({ stage, ...f })));
  if (failures.length > 0) {
    const shown = take(failures, 'failed tests');
    if (detail.messages === 'none' && shown.some((f) => f.message)) cuts.push('failure messages');
    else if (shown.slice(detail.messages === 'block' ? MESSAGE_BLOCKS : 0).some((f) => f.message.trim().includes('\n'))) {
      cuts.push(`failure messages past their first line${detail.messages === 'block' ? ` after the first ${MESSAGE_BLOCKS} failures` : ''}`);
    }
    sections.push(section('Failed tests', failureList(shown, detail.messages), more(failures, shown)));
  }

  if (report.experiments.length > 0) {
    const shown = take(report.experiments, 'experiments');
    const vacuous = report.experiments.filter((e) => e.vacuous);
    const warning = vacuous.length > 0 ? `\n\n${vacuousWarning(vacuous)}` : '';
    sections.push(section('Experiments', experimentTable(shown) + warning, more(report.experiments, shown)));
  }

  if (report.matrix) sections.push(section('Resilience matrix', matrixBlock(report.matrix, options.baseline?.matrix, take)));

  const endpoints = endpointRows(report);
  if (endpoints.length > 0) {
    const shown = take(endpoints, 'endpoints');
    const rows = shown.map((row) => endpointCells(row).map((cell) => text(cell)));
    sections.push(section('Endpoints', table(ENDPOINT_HEADERS, rows, ['l', 'l', 'r', 'r', 'r']), more(endpoints, shown)));
  }
  const checks = checkRows(report);
  if (checks.length > 0) {
    const failing = checks.filter((c) => c.fails > 0);
    const shown = take(detail.passing ? checks : failing, detail.passing ? 'checks' : 'failing checks');
    if (!detail.passing && checks.length > failing.length) cuts.push(`${checks.length - failing.length} passing checks`);
    const rows = shown.map((c) => [c.fails > 0 ? '❌' : '✅', text(c.where), text(c.name), String(c.passes), String(c.fails), text(exampleText(c), 160)]);
    if (rows.length > 0) {
      sections.push(
        section('Checks', table(['', 'where', 'check', 'passed', 'failed', 'a failing answer'], rows, ['l', 'l', 'l', 'r', 'r', 'l']), more(checks, shown)),
      );
    }
  }

  if (options.baseline) {
    const deltas = computeDeltas(report, options.baseline);
    const shown = take(deltas, 'baseline deltas');
    const rows = shown.map((d) => [text(d.label), d.baseline, d.current, `${d.change}${d.worse === true ? ' ⚠️' : d.worse === false ? ' ✅' : ''}`]);
    const body =
      rows.length > 0 ? table(['metric', 'baseline', 'this run', 'change'], rows, ['l', 'r', 'r', 'r']) : 'No metric in common with the baseline run.';
    sections.push(section('Against the baseline', body, more(deltas, shown)));
  }

  const charts = mermaidCharts(report);
  if (charts && detail.charts) sections.push(section('Timeline', charts));
  else if (charts) cuts.push('the charts');

  const metricNames = Object.keys(report.metrics);
  if (metricNames.length > 0 && detail.metrics) {
    const shown = take(metricNames, 'metrics');
    sections.push(section('Metrics', metricTable(shown.map((n) => [n, report.metrics[n]] as const)), more(metricNames, shown)));
  } else if (metricNames.length > 0) {
    cuts.push('the metrics table');
  }

  const head = [headline(report), overview(report), links(options.links)].filter(Boolean).join('\n\n');
  const cutNote =
    cuts.length > 0
      ? `> ✂️ Shortened to fit ${budget.toLocaleString('en-US')} bytes; left out: ${cuts.join('; ')}. The full report is in the artifact (report.html, metrics.json).`
      : '';
  return `${[head, cutNote, ...sections].filter(Boolean).join('\n\n')}\n`;
}

function headline(report: RunReport): string {
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.total})` : '';
  return report.verdict === 'pass' ? `## ✅ chaos-gate passed${shard}` : `## ❌ chaos-gate failed${shard}`;
}

/** One line that says why: thresholds broken, stages failed, experiments not recovered. */
function overview(report: RunReport): string {
  const parts: string[] = [];
  const broken = report.thresholds.filter((t) => !t.ok).length;
  if (report.thresholds.length > 0) {
    const held = report.thresholds.filter((t) => outcomeOf(t) === 'held').length;
    const others = otherOutcomes(report.thresholds);
    parts.push(
      (broken > 0 ? `**${broken} of ${report.thresholds.length} thresholds broken**` : `${held} of ${report.thresholds.length} thresholds held`) +
        (others ? ` (${others})` : ''),
    );
  }
  const stages = STAGE_ORDER.filter((s) => report.stages[s]);
  const failed = stages.filter((s) => !['passed', 'not_run'].includes(report.stages[s]!.status));
  if (stages.length > 0)
    parts.push(failed.length > 0 ? `**stage ${failed.join(', ')} failed**` : `${stages.length} stage${stages.length === 1 ? '' : 's'} passed`);
  const unrecovered = report.experiments.filter((e) => !e.ok && !e.cancelled).length;
  const cancelled = report.experiments.filter((e) => e.cancelled).length;
  if (report.experiments.length > 0) {
    parts.push(
      unrecovered > 0
        ? `**${unrecovered} of ${report.experiments.length} experiments did not recover in time**`
        : cancelled > 0
          ? `**${cancelled} of ${report.experiments.length} experiments cancelled**`
          : `${report.experiments.length} experiments recovered`,
    );
  }
  parts.push(`ran ${ms(report.duration_ms)}`);
  return parts.join(' · ');
}

/** Says how thresholds with `confidence` were judged, and what an inconclusive one counted as. */
function confidenceNote(thresholds: ThresholdResult[]): string {
  const judged = thresholds.filter((t) => t.on_inconclusive !== undefined);
  const withConfidence = thresholds.filter((t) => t.interval);
  if (withConfidence.length === 0) return '';
  const lines = ['Actual values show their interval in brackets (95% unless the threshold sets `confidence`).'];
  if (judged.length > 0) {
    const how = [...new Set(judged.map((t) => t.on_inconclusive ?? 'fail'))].join(', ');
    lines.push(
      `Thresholds with \`confidence\` are judged on the interval: held when all of it is on the right side of the limit, broken when none is, otherwise inconclusive, counted as \`on_inconclusive\` says (here: ${how}; default fail; extend holds the fault longer, up to \`max_hold\`, then fails).`,
    );
  }
  return lines.join(' ');
}

/** `1 skipped: --stage unit; 2 inconclusive, counted as failed`: what is neither held nor broken. */
function otherOutcomes(thresholds: ThresholdResult[]): string {
  const parts: string[] = [];
  const skipped = thresholds.filter((t) => outcomeOf(t) === 'skipped');
  if (skipped.length > 0) parts.push(`${skipped.length} skipped: ${[...new Set(skipped.map((t) => t.reason ?? 'not judged'))].join('; ')}`);
  const inconclusive = thresholds.filter((t) => outcomeOf(t) === 'inconclusive');
  if (inconclusive.length > 0) parts.push(`${inconclusive.length} inconclusive`);
  return parts.join('; ');
}

function links(given: SummaryOptions['links']): string {
  const parts: string[] = [];
  if (given?.run) parts.push(`[Workflow run](${safeUrl(given.run)})`);
  if (given?.artifact) parts.push(`[Full report (artifact)](${safeUrl(given.artifact)})`);
  return parts.join(' · ');
}

/** A URL that cannot end the link early. */
function safeUrl(url: string): string {
  return url.replace(/[\s()<>`|]/g, (c) => encodeURIComponent(c));
}

function section(title: string, ...blocks: string[]): string {
  return [`### ${title}`, ...blocks.filter(Boolean)].join('\n\n');
}

function more(all: unknown[], shown: unknown[]): string {
  return all.length > shown.length ? `… and ${all.length - shown.length} more.` : '';
}

type BaselineLookup = (t: ThresholdResult) => number | null | undefined;

function baselineLookup(baseline: RunReport | undefined): BaselineLookup | undefined {
  if (!baseline) return undefined;
  return (t) => baseline.thresholds.find((b) => b.metric === t.metric && b.expression === t.expression)?.actual;
}

function thresholdTable(rows: ThresholdResult[], baselineOf: BaselineLookup | undefined, withStatus: boolean): string {
  const headers = [...(withStatus ? [''] : []), 'metric', 'threshold', 'actual', 'limit', ...(baselineOf ? ['baseline'] : []), 'note'];
  const align: ('l' | 'r')[] = [...(withStatus ? ['l' as const] : []), 'l', 'l', 'r', 'r', ...(baselineOf ? ['r' as const] : []), 'l'];
  const body = rows.map((t) => [
    ...(withStatus ? [STATUS_ICON[outcomeOf(t)]] : []),
    text(t.metric),
    text(t.expression),
    actualText(t),
    num(t.limit),
    ...(baselineOf ? [num(baselineOf(t))] : []),
    text(t.reason ?? ''),
  ]);
  return table(headers, body, align);
}

const STATUS_ICON: Record<ThresholdOutcome, string> = { held: '✅', broken: '❌', skipped: '⏭️ skipped', inconclusive: '❔ inconclusive' };

const STATUS: Record<StageReport['status'], string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  timed_out: '⏱️ timed out',
  cancelled: '🛑 cancelled',
  not_run: '⏭️ not run',
};

function stageTable(stages: (readonly [string, StageReport])[]): string {
  const rows = stages.map(([name, r]) => [
    name,
    STATUS[r.status],
    ...testCells(r.tests),
    ms(r.duration_ms),
    text([r.reason, r.tests_note].filter(Boolean).join('; ')),
  ]);
  return table(['stage', 'result', 'tests', 'passed', 'failed', 'skipped', 'duration', 'note'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']);
}

function failureList(failures: { stage: string; suite: string; name: string; message: string }[], messages: Detail['messages']): string {
  const title = (f: { stage: string; suite: string; name: string }) => `**${f.stage}** · ${text(f.suite)} › ${text(f.name)}`;
  const line = (f: { stage: string; suite: string; name: string; message: string }) => {
    const first = f.message.trim().split('\n')[0] ?? '';
    return `- ${title(f)}${messages !== 'none' && first ? ` — ${text(first, MESSAGE_LINE_CHARS)}` : ''}`;
  };
  const blocks = messages === 'block' ? failures.slice(0, MESSAGE_BLOCKS) : [];
  const lines = failures.slice(blocks.length);
  return [
    ...blocks.map((f) => (f.message ? `${title(f)}\n\n${codeBlock(clipLines(f.message, MESSAGE_BLOCK_CHARS), 'text')}` : title(f))),
    ...(lines.length > 0 ? [lines.map(line).join('\n')] : []),
  ].join('\n\n');
}

/** Keeps whole lines up to `max` characters, noting how much was left out. */
function clipLines(message: string, max: number): string {
  if (message.length <= max) return message;
  const cut = message.slice(0, max);
  const kept = cut.includes('\n') ? cut.slice(0, cut.lastIndexOf('\n')) : cut;
  return `${kept}\n… (${message.length - kept.length} more characters)`;
}

/** The grid, its legend, what changed against the baseline, and the cells that did not survive. */
function matrixBlock(matrix: MatrixReport, baseline: MatrixReport | undefined, take: <T>(items: T[], what: string) => T[]): string {
  const rows = grid(matrix).map((row) => [text(row.dependency), ...row.cells.map(symbolOf)]);
  const parts = [table(['dependency', ...matrix.faults.map((f) => text(f))], rows, ['l', ...matrix.faults.map(() => 'l' as const)]), LEGEND];
  if (matrix.note) parts.push(`> ⚠️ ${text(matrix.note)}`);
  if (baseline) {
    const lines = changeLines(matrix, baseline);
    parts.push(lines.length > 0 ? `**Against the base branch:**\n${lines.map((l) => `- ${text(l)}`).join('\n')}` : 'No cell changed against the base branch.');
  }
  const notable = notableCells(matrix);
  if (notable.length > 0) {
    const shown = take(notable, 'matrix cells');
    parts.push(
      table(
        CELL_HEADERS,
        shown.map((c) => cellCells(c).map((cell) => text(cell))),
        ['l', 'l', 'r', 'r', 'r', 'l'],
      ) + more(notable, shown),
    );
  }
  return parts.join('\n\n');
}

function experimentTable(experiments: ExperimentReport[]): string {
  const rows = experiments.map((e) => [
    e.ok ? '✅' : e.cancelled ? '⏹️' : '❌',
    text(e.name),
    text(describeFault(e.fault)),
    describeRecovery(e),
    e.recover_within_ms === undefined ? '–' : ms(e.recover_within_ms),
    successText(e.phases.steady.success_rate, e.phases.steady.metrics.http_req_failed),
    successText(e.phases.fault.success_rate, e.phases.fault.metrics.http_req_failed),
    successText(e.phases.recovery.success_rate, e.phases.recovery.metrics.http_req_failed),
    e.reach ? `${e.vacuous ? '⚠️ vacuous: ' : ''}${text(describeReach(e.reach))}` : '–',
  ]);
  return table(['', 'experiment', 'fault', 'recovered in', 'limit', 'steady', 'during fault', 'after', 'reached'], rows, [
    'l',
    'l',
    'l',
    'r',
    'r',
    'r',
    'r',
    'r',
    'l',
  ]);
}

/** A fault that reached nothing proves nothing, even when it "passed": said in words under the table. */
function vacuousWarning(experiments: ExperimentReport[]): string {
  const names = experiments.map((e) => `**${text(e.name)}**`).join(', ');
  const failing = experiments.some((e) => !e.ok && e.recovery_time_ms !== null);
  return (
    `> ⚠️ **Vacuous fault:** ${names}: the fault reached no connection or request, so the experiment could not have failed.` +
    (failing ? '' : ' Set `fail_on_vacuous: true` to fail it.')
  );
}

function metricTable(metrics: (readonly [string, MetricSummary])[]): string {
  const rows = metrics.map(([name, m]) => [text(name), m.type, text(describeMetric(m))]);
  return table(['metric', 'type', 'values'], rows);
}

function longestList(report: RunReport, baseline: RunReport | undefined): number {
  const failures = STAGE_ORDER.reduce((n, s) => n + (report.stages[s]?.failures?.length ?? 0), 0);
  const deltas = baseline ? computeDeltas(report, baseline).length : 0;
  return Math.max(
    report.errors.length,
    report.thresholds.length,
    failures,
    report.experiments.length,
    deltas,
    Object.keys(report.metrics).length,
    endpointRows(report).length,
    checkRows(report).length,
  );
}

/** The last resort for a tiny budget: the verdict and where to find the rest. */
function verdictOnly(report: RunReport, budget: number): string {
  const out = `${headline(report)}\n\nThe details did not fit ${budget} bytes; the full report is in the artifact.\n`;
  return Buffer.byteLength(out, 'utf8') <= budget ? out : `${headline(report)}\n`;
}
