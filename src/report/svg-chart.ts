/**
 * A time-series line chart as inline SVG, so report.html needs no script and no network:
 *
 *   ┌──────────────────────────────┐  y: value axis with round ticks
 *   │   ░░░░         ░░░           │  ░ fault windows, shaded and titled with the experiment
 *   │ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─  │  ─ ─ threshold limits as dashed lines
 *   │ ╱╲__╱╲___╱‾‾╲______          │  series as paths, broken where the timeline has a gap
 *   └──────────────────────────────┘  x: seconds since the run began
 *
 * Every element carries a class and data-* attributes so the browser test can check it.
 */
import { escapeHtml } from './html-escape.js';
import { niceCeil } from './chart-data.js';

export interface ChartSeries {
  /** CSS class and legend name. */
  name: string;
  label: string;
  /** [seconds, value] in time order; a jump of more than `gap` seconds starts a new segment. */
  points: [number, number][];
}

export interface ChartSpec {
  id: string;
  /** With the unit: `Latency (ms)`. */
  title: string;
  series: ChartSeries[];
  windows: { label: string; start: number; end: number }[];
  limits: { label: string; value: number; ok: boolean }[];
  /** Fixed top of the value axis (100 for percentages); default a round number above the data. */
  top?: number;
  /** Seconds between points beyond which the line is broken. */
  gap: number;
}

const WIDTH = 900;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 16, top: 12, bottom: 32 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** An <svg> chart; empty series draw an empty frame with a note. */
export function svgChart(spec: ChartSpec): string {
  const all = spec.series.flatMap((s) => s.points);
  const times = [...all.map(([t]) => t), ...spec.windows.flatMap((w) => [w.start, w.end])];
  const x0 = times.length > 0 ? Math.min(...times) : 0;
  const x1 = Math.max(x0 + 1, ...times);
  const top = spec.top ?? niceCeil(Math.max(0, ...all.map(([, v]) => v), ...spec.limits.map((l) => l.value)));
  const x = (t: number) => MARGIN.left + ((t - x0) / (x1 - x0)) * PLOT_W;
  const y = (v: number) => MARGIN.top + PLOT_H - (Math.min(Math.max(v, 0), top) / top) * PLOT_H;
  const f = (n: number) => n.toFixed(1);

  const parts: string[] = [];
  for (const w of spec.windows) {
    const left = x(Math.max(w.start, x0));
    const right = x(Math.min(w.end, x1));
    parts.push(
      `<rect class="fault-window" data-start="${w.start}" data-end="${w.end}" x="${f(left)}" y="${MARGIN.top}" width="${f(Math.max(1, right - left))}" height="${PLOT_H}"><title>${escapeHtml(w.label)}: fault ${w.start}–${w.end} s</title></rect>`,
    );
  }
  for (const v of ticks(0, top, 5)) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(y(v))}" y2="${f(y(v))}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${formatTick(v)}</text>`);
  }
  for (const t of ticks(x0, x1, 8)) {
    parts.push(`<text class="tick" x="${f(x(t))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  parts.push(`<text class="axis" x="${WIDTH - MARGIN.right}" y="${HEIGHT - 4}" text-anchor="end">seconds since start</text>`);
  for (const limit of spec.limits) {
    const ly = f(y(limit.value));
    parts.push(
      `<line class="limit ${limit.ok ? 'ok' : 'broken'}" data-value="${limit.value}" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ly}" y2="${ly}"><title>${escapeHtml(limit.label)}</title></line>`,
    );
    parts.push(`<text class="limit-label" x="${WIDTH - MARGIN.right - 4}" y="${f(y(limit.value) - 4)}" text-anchor="end">${escapeHtml(limit.label)}</text>`);
  }
  for (const s of spec.series) {
    const d = s.points.map(([t, v], i) => `${i === 0 || t - s.points[i - 1][0] > spec.gap ? 'M' : 'L'}${f(x(t))} ${f(y(v))}`).join(' ');
    parts.push(`<path class="series ${s.name}" data-points="${s.points.length}" d="${d}"><title>${escapeHtml(s.label)}</title></path>`);
  }
  if (all.length === 0) parts.push(`<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no traffic was recorded</text>`);

  const legend = spec.series.map((s) => `<li class="${s.name}">${escapeHtml(s.label)}</li>`).join('');
  return [
    `<figure class="chart" id="${spec.id}">`,
    `<figcaption>${escapeHtml(spec.title)}</figcaption>`,
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}">`,
    `<rect class="plot" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}"/>`,
    ...parts,
    '</svg>',
    `<ul class="legend">${legend}${spec.windows.length > 0 ? '<li class="fault">fault active</li>' : ''}${spec.limits.length > 0 ? '<li class="limit">threshold</li>' : ''}</ul>`,
    '</figure>',
  ].join('\n');
}

/** About `count` round tick values from `low` to `high`. */
function ticks(low: number, high: number, count: number): number[] {
  const step = niceCeil((high - low) / count);
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) out.push(+v.toFixed(6));
  return out;
}

function formatTick(v: number): string {
  return String(+v.toFixed(2));
}
