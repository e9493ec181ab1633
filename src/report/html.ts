/**
 * report.html: one self-contained page a reviewer opens from the artifact.
 *
 *   verdict ─ charts (latency p50/p99, throughput, success rate; fault windows shaded,
 *   thresholds as dashed lines) ─ thresholds ─ stages, failed tests ─ experiments
 *   ─ deltas against the baseline ─ every metric ─ run errors
 *
 * Charts are inline SVG drawn here, styles are inline, and a Content-Security-Policy forbids
 * every fetch, so the page works offline and untrusted text (escaped) can never run.
 */
import { bucketSeries, latencyLimits, successLimits } from './chart-data.js';
import { computeDeltas } from './deltas.js';
import { checkRows, ENDPOINT_HEADERS, endpointCells, endpointRows, exampleText } from './endpoints.js';
import { CELL_HEADERS, cellCells, changeLines, grid, LEGEND, notApplicable, symbolOf } from './matrix.js';
import { actualText, describeFault, describeMetric, describeRecovery, ms, num, percent, testCells } from './format.js';
import { escapeHtml as e } from './html-escape.js';
import { svgChart } from './svg-chart.js';
import { describeReach } from '../results/reach.js';
import { outcomeOf, STAGE_ORDER, type RunReport, type StageReport, type ThresholdResult } from '../results/types.js';

/** One point per second up to 10 minutes of traffic; longer runs are folded. */
const MAX_POINTS = 600;

/** Renders the whole page; `baseline` adds a deltas table and a baseline column to the thresholds. */
export function renderHtml(report: RunReport, baseline?: RunReport): string {
  const verdict = report.verdict === 'pass' ? 'passed' : 'failed';
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.total})` : '';
  const body = [
    `<header class="verdict ${report.verdict}"><h1>${status(report.verdict === 'pass')} chaos-gate ${verdict}${shard}</h1>`,
    `<p>Started ${e(report.started_at)} · ran ${ms(report.duration_ms)}</p></header>`,
    errorsSection(report),
    chartsSection(report),
    thresholdsSection(report, baseline),
    stagesSection(report),
    experimentsSection(report),
    matrixSection(report, baseline),
    endpointsSection(report),
    checksSection(report),
    baseline ? deltasSection(report, baseline) : '',
    metricsSection(report),
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chaos-gate ${verdict}${e(shard)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

function chartsSection(report: RunReport): string {
  const { series, windows } = report.timeline;
  if (series.length === 0) return '<section id="charts"><h2>Timeline</h2><p>No load or experiment traffic was recorded.</p></section>';
  const buckets = bucketSeries(series, windows, MAX_POINTS);
  const seconds = buckets.length > 1 ? (buckets[buckets.length - 1].end - buckets[0].start + 1) / buckets.length : 1;
  const at = (b: (typeof buckets)[number]) => (b.start + b.end) / 2;
  const shaded = windows.map((w) => ({ label: w.experiment, start: w.start, end: w.end }));
  const gap = Math.max(1.5, seconds * 1.5);
  const latency = svgChart({
    id: 'chart-latency',
    title: 'Latency (ms)',
    series: [
      { name: 'p50', label: 'p50', points: buckets.map((b) => [at(b), b.p50]) },
      { name: 'p99', label: 'p99', points: buckets.map((b) => [at(b), b.p99]) },
    ],
    windows: shaded,
    limits: latencyLimits(report),
    gap,
  });
  const throughput = svgChart({
    id: 'chart-throughput',
    title: 'Throughput (requests/s)',
    series: [
      { name: 'requests', label: 'requests/s', points: buckets.map((b) => [at(b), b.requests / (b.end - b.start + 1)]) },
      { name: 'failures', label: 'failed/s', points: buckets.map((b) => [at(b), b.failures / (b.end - b.start + 1)]) },
    ],
    windows: shaded,
    limits: [],
    gap,
  });
  const success = svgChart({
    id: 'chart-success',
    title: 'Success rate (%)',
    series: [
      {
        name: 'success',
        label: 'success rate',
        points: buckets.filter((b) => b.successRate !== null).map((b) => [at(b), b.successRate! * 100]),
      },
    ],
    windows: shaded,
    limits: successLimits(report).map((l) => ({ ...l, value: l.value * 100 })),
    top: 100,
    gap,
  });
  return `<section id="charts"><h2>Timeline</h2>\n${latency}\n${throughput}\n${success}\n</section>`;
}

function thresholdsSection(report: RunReport, baseline: RunReport | undefined): string {
  if (report.thresholds.length === 0) return '';
  const baselineOf = (t: ThresholdResult) => baseline?.thresholds.find((b) => b.metric === t.metric && b.expression === t.expression)?.actual;
  // Broken first: that is what the reader came for.
  const rows = [...report.thresholds].sort((a, b) => Number(a.ok) - Number(b.ok));
  return section(
    'thresholds',
    'Thresholds',
    table(
      ['', 'metric', 'threshold', 'actual', 'limit', ...(baseline ? ['baseline'] : []), 'note'],
      rows.map((t) => [
        outcomeOf(t) === 'skipped' ? 'skipped' : outcomeOf(t) === 'inconclusive' ? `${status(t.ok)} inconclusive` : status(t.ok),
        e(t.metric),
        `<code>${e(t.expression)}</code>`,
        actualText(t),
        num(t.limit),
        ...(baseline ? [num(baselineOf(t))] : []),
        e(t.reason ?? ''),
      ]),
      rows.map((t) => (t.ok ? 'ok' : 'broken')),
    ),
  );
}

const STAGE_STATUS: Record<StageReport['status'], string> = {
  passed: `${status(true)} passed`,
  failed: `${status(false)} failed`,
  timed_out: `${status(false)} timed out`,
  cancelled: `${status(false)} cancelled`,
  not_run: 'not run',
};

function stagesSection(report: RunReport): string {
  const stages = STAGE_ORDER.filter((s) => report.stages[s]).map((s) => [s, report.stages[s]!] as const);
  if (stages.length === 0) return '';
  const rows = stages.map(([name, r]) => [
    name,
    STAGE_STATUS[r.status],
    ...testCells(r.tests),
    ms(r.duration_ms),
    r.exit_code === null ? '–' : String(r.exit_code),
    e([r.reason, r.tests_note].filter(Boolean).join('; ')),
    r.log ? `<code>${e(r.log)}</code>` : '',
  ]);
  const failures = stages.flatMap(([stage, r]) =>
    (r.failures ?? []).map(
      (f) => `<details class="failure"><summary><b>${stage}</b> · ${e(f.suite)} › ${e(f.name)}</summary><pre>${e(f.message)}</pre></details>`,
    ),
  );
  return section(
    'stages',
    'Stages',
    table(
      ['stage', 'result', 'tests', 'passed', 'failed', 'skipped', 'duration', 'exit code', 'note', 'log'],
      rows,
      stages.map(([, r]) => r.status),
    ),
    failures.length > 0 ? `<h3>Failed tests (${failures.length})</h3>\n${failures.join('\n')}` : '',
  );
}

function experimentsSection(report: RunReport): string {
  if (report.experiments.length === 0) return '';
  const rows = report.experiments.map((x) => [
    status(x.ok),
    e(x.name),
    e(describeFault(x.fault)),
    e(describeRecovery(x)),
    x.recover_within_ms === undefined ? '–' : ms(x.recover_within_ms),
    `${percent(x.phases.steady.success_rate)} <small>(${x.phases.steady.requests})</small>`,
    `${percent(x.phases.fault.success_rate)} <small>(${x.phases.fault.requests})</small>`,
    `${percent(x.phases.recovery.success_rate)} <small>(${x.phases.recovery.requests})</small>`,
    x.reach ? `${x.vacuous ? '⚠️ vacuous: ' : ''}${e(describeReach(x.reach))}` : '–',
  ]);
  return section(
    'experiments',
    'Experiments',
    table(
      ['', 'experiment', 'fault', 'recovered in', 'limit', 'steady', 'during fault', 'after', 'reached'],
      rows,
      report.experiments.map((x) => (x.ok ? 'ok' : 'broken')),
    ),
  );
}

/** The matrix as a heat map: a coloured cell per dependency × fault, each opening to its numbers and its traffic. */
function matrixSection(report: RunReport, baseline: RunReport | undefined): string {
  const matrix = report.matrix;
  if (!matrix) return '';
  const head = `<thead><tr><th>dependency</th>${matrix.faults.map((f) => `<th>${e(f)}</th>`).join('')}</tr></thead>`;
  const body = grid(matrix)
    .map(
      (row) =>
        `<tr><th>${e(row.dependency)}</th>${row.cells
          .map((cell) => {
            if (!cell) return '<td></td>';
            const kind = notApplicable(cell) ? 'na' : cell.outcome;
            const numbers = cellCells(cell)
              .map((value, i) => `<dt>${e(CELL_HEADERS[i])}</dt><dd>${e(value)}</dd>`)
              .join('');
            const chart = cell.series?.length
              ? svgChart({
                  id: `matrix-${cell.index}`,
                  title: 'p99 (ms) and failed/s',
                  series: [
                    { name: 'p99', label: 'p99', points: cell.series.map((p) => [p.t, p.p99]) },
                    { name: 'failures', label: 'failed/s', points: cell.series.map((p) => [p.t, p.failures]) },
                  ],
                  windows: [],
                  limits: [],
                  gap: 1.5,
                })
              : '';
            return `<td class="cell ${kind}" title="${e(`${cell.dependency} × ${cell.fault}: ${cell.outcome}${cell.reason ? ` (${cell.reason})` : ''}`)}"><details><summary>${symbolOf(cell)}</summary><dl>${numbers}</dl>${chart}</details></td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  const changed = baseline?.matrix ? changeLines(matrix, baseline.matrix) : [];
  const against = baseline?.matrix
    ? changed.length > 0
      ? `<ul>${changed.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`
      : '<p>No cell changed against the base branch.</p>'
    : '';
  return section(
    'matrix',
    'Resilience matrix',
    `<table class="heatmap">${head}<tbody>\n${body}\n</tbody></table>`,
    `<p><small>${e(LEGEND)}; open a cell for its numbers and traffic.</small></p>`,
    matrix.note ? `<p class="bad">${e(matrix.note)}</p>` : '',
    against,
  );
}

function endpointsSection(report: RunReport): string {
  const rows = endpointRows(report);
  if (rows.length === 0) return '';
  return section(
    'endpoints',
    'Endpoints',
    table(
      ENDPOINT_HEADERS,
      rows.map((row) => endpointCells(row).map((cell) => e(cell))),
    ),
  );
}

function checksSection(report: RunReport): string {
  const checks = checkRows(report);
  if (checks.length === 0) return '';
  const rows = checks.map((c) => [
    status(c.fails === 0),
    e(c.where),
    e(c.name),
    String(c.passes),
    String(c.fails),
    c.example ? `<code>${e(exampleText(c))}</code>` : '',
  ]);
  return section(
    'checks',
    'Checks',
    table(
      ['', 'where', 'check', 'passed', 'failed', 'a failing answer'],
      rows,
      checks.map((c) => (c.fails > 0 ? 'broken' : 'ok')),
    ),
  );
}

function deltasSection(report: RunReport, baseline: RunReport): string {
  const deltas = computeDeltas(report, baseline);
  const body =
    deltas.length > 0
      ? table(
          ['metric', 'baseline', 'this run', 'change'],
          deltas.map((d) => [e(d.label), e(d.baseline), e(d.current), e(d.change)]),
          deltas.map((d) => (d.worse === true ? 'worse' : d.worse === false ? 'better' : '')),
        )
      : '<p>No metric in common with the baseline run.</p>';
  return section('baseline', `Against the baseline (started ${e(baseline.started_at)})`, body);
}

function metricsSection(report: RunReport): string {
  const names = Object.keys(report.metrics);
  if (names.length === 0) return '';
  const rows = names.map((n) => [e(n), report.metrics[n].type, e(describeMetric(report.metrics[n]))]);
  return section('metrics', 'Metrics', table(['metric', 'type', 'values'], rows));
}

function errorsSection(report: RunReport): string {
  if (report.errors.length === 0) return '';
  return section('errors', 'Run errors', `<ul>${report.errors.map((x) => `<li>${e(x)}</li>`).join('')}</ul>`);
}

function section(id: string, title: string, ...content: string[]): string {
  return `<section id="${id}"><h2>${title}</h2>\n${content.filter(Boolean).join('\n')}\n</section>`;
}

/** Cells are already HTML (escaped text or our own markup); `classes` marks rows for styling. */
function table(headers: string[], rows: string[][], classes: string[] = []): string {
  const head = `<thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = rows.map((cells, i) => `<tr${classes[i] ? ` class="${classes[i]}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>${head}<tbody>\n${body}\n</tbody></table>`;
}

/** Plain check marks rather than emoji: they render with any font. */
function status(ok: boolean): string {
  return ok ? '<span class="ok">✓</span>' : '<span class="bad">✗</span>';
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --bad: #cf222e; --good: #1a7f37;
  --fault: rgba(207, 34, 46, 0.14); --p50: #0969da; --p99: #8250df; --requests: #0969da; --failures: #cf222e; --success: #1a7f37; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --bad: #f85149; --good: #3fb950;
  --fault: rgba(248, 81, 73, 0.18); --p50: #4493f8; --p99: #ab7df8; --requests: #4493f8; --failures: #f85149; --success: #3fb950; } }
body { font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); max-width: 1000px; margin: 0 auto; padding: 16px; }
header.verdict { border-left: 6px solid var(--good); padding: 4px 12px; }
header.verdict.fail { border-color: var(--bad); }
h1 { margin: 0; font-size: 24px; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
tr.broken td, tr.worse td, tr.failed td, tr.timed_out td { background: var(--fault); }
table.heatmap td.cell { text-align: center; }
td.cell.survived { background: rgba(26, 127, 55, 0.18); } td.cell.degraded { background: rgba(191, 135, 0, 0.25); }
td.cell.failed { background: var(--fault); } td.cell.skipped, td.cell.na { color: var(--muted); }
td.cell dl { text-align: left; font-size: 12px; } td.cell dt { color: var(--muted); }
small, .tick, .axis, .legend { color: var(--muted); }
.ok { color: var(--good); font-weight: 700; }
.bad { color: var(--bad); font-weight: 700; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: rgba(127, 127, 127, 0.1); padding: 8px; }
figure.chart { margin: 16px 0; }
figcaption { font-weight: 600; }
svg { width: 100%; height: auto; }
svg .plot { fill: none; stroke: var(--line); }
svg .grid { stroke: var(--line); stroke-width: 0.5; }
svg text { fill: var(--muted); font-size: 11px; }
svg .fault-window { fill: var(--fault); }
svg .limit { stroke: var(--muted); stroke-dasharray: 6 4; stroke-width: 1.5; }
svg .limit.broken { stroke: var(--bad); }
svg .series { fill: none; stroke-width: 1.5; }
svg .series.p50, .legend .p50::before { stroke: var(--p50); background: var(--p50); }
svg .series.p99, .legend .p99::before { stroke: var(--p99); background: var(--p99); }
svg .series.requests, .legend .requests::before { stroke: var(--requests); background: var(--requests); }
svg .series.failures, .legend .failures::before { stroke: var(--failures); background: var(--failures); }
svg .series.success, .legend .success::before { stroke: var(--success); background: var(--success); }
.legend { list-style: none; padding: 0; margin: 0; display: flex; gap: 16px; }
.legend li::before { content: ""; display: inline-block; width: 12px; height: 3px; margin-right: 6px; vertical-align: middle; }
.legend .fault::before { background: var(--fault); height: 12px; }
.legend .limit::before { border-top: 2px dashed var(--muted); height: 0; }
`;
