/**
 * The summary's charts as Mermaid `xychart-beta` blocks (GitHub renders them in comments and job
 * summaries): latency p99 and success rate per second, fault windows as bars behind the line,
 * the first threshold of each as a flat line. Only numbers and our own titles go in, so the
 * blocks need no escaping.
 */
import { bucketSeries, latencyLimits, niceCeil, successLimits, type Bucket } from './chart-data.js';
import type { RunReport } from '../results/types.js';

/** Enough points to show a spike, few enough to keep the comment small. */
const MAX_POINTS = 60;

/** Two fenced mermaid blocks, or undefined when the run has no timeline (no load, no experiments). */
export function mermaidCharts(report: RunReport): string | undefined {
  const buckets = bucketSeries(report.timeline.series, report.timeline.windows, MAX_POINTS);
  if (buckets.length === 0) return undefined;
  const latencyLimit = latencyLimits(report)[0];
  const latencyTop = niceCeil(Math.max(...buckets.map((b) => b.p99), latencyLimit?.value ?? 0));
  const latency = chart({
    title: 'Latency p99 per second (ms), bars: fault active',
    axis: 'p99 (ms)',
    top: latencyTop,
    buckets,
    values: buckets.map((b) => b.p99),
    limit: latencyLimit?.value,
  });
  const successLimit = successLimits(report)[0];
  const success = chart({
    title: 'Success rate per second (%), bars: fault active',
    axis: 'success (%)',
    top: 100,
    buckets,
    values: carryForward(buckets.map((b) => b.successRate)).map((r) => r * 100),
    limit: successLimit === undefined ? undefined : successLimit.value * 100,
  });
  return `${latency}\n\n${success}`;
}

interface ChartSpec {
  title: string;
  axis: string;
  top: number;
  buckets: Bucket[];
  values: number[];
  limit?: number;
}

function chart(spec: ChartSpec): string {
  const first = spec.buckets[0].start;
  const last = spec.buckets[spec.buckets.length - 1].end;
  const lines = [
    'xychart-beta',
    `  title "${spec.title}"`,
    `  x-axis "time (s)" ${first} --> ${Math.max(last, first + 1)}`,
    `  y-axis "${spec.axis}" 0 --> ${spec.top}`,
  ];
  if (spec.buckets.some((b) => b.fault)) lines.push(`  bar ${list(spec.buckets.map((b) => (b.fault ? spec.top : 0)))}`);
  lines.push(`  line ${list(spec.values)}`);
  if (spec.limit !== undefined) lines.push(`  line ${list(spec.buckets.map(() => spec.limit!))}`);
  return ['```mermaid', ...lines, '```'].join('\n');
}

function list(values: number[]): string {
  return `[${values.map((v) => +v.toFixed(1)).join(', ')}]`;
}

/** A bucket without requests has no success rate; the line holds the last known value (100% at the start). */
function carryForward(rates: (number | null)[]): number[] {
  let last = 1;
  return rates.map((r) => (last = r ?? last));
}
