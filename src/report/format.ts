/** Numbers, faults and metric summaries as people read them in the summary and the HTML page. */
import { outcomeOf, type ExperimentReport, type MetricSummary, type TestCounts, type ThresholdResult } from '../results/types.js';

const MINUS = '\u2212';

/** `812.43` → `812`, `11.48` → `11.5`, `0.0042` → `0.0042`: about three significant digits. */
export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 4;
  return String(+value.toFixed(digits)).replace('-', MINUS);
}

/** Milliseconds for a reader: `840 ms`, `2.5 s`, `3m 20s`. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value < 1000) return `${num(value)} ms`;
  if (value < 60_000) return `${+(value / 1000).toFixed(1)} s`;
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.round((value % 60_000) / 1000);
  return seconds ? `${minutes}m ${seconds}s` : `${minutes}m`;
}

/** A share 0..1 as a percentage: `0.9962` → `99.62%`. */
export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${+(ratio * 100).toFixed(2)}%`;
}

/** A signed change with a real minus sign: `+12%`, `−0.3 pt`, `±0 ms`. */
export function signed(value: number, unit: string): string {
  const rounded = +value.toFixed(Math.abs(value) >= 10 ? 0 : 1);
  if (rounded === 0) return `±0${unit}`;
  return `${rounded > 0 ? '+' : MINUS}${Math.abs(rounded)}${unit}`;
}

/** `proxy postgres: reset_peer, toxicity 0.3`, `mock llm POST /v1/chat: status 503` or `service api: kill`. */
export function describeFault(fault: Record<string, unknown>): string {
  const target =
    typeof fault.proxy === 'string'
      ? `proxy ${fault.proxy}`
      : typeof fault.mock === 'string'
        ? `mock ${fault.mock}`
        : typeof fault.service === 'string'
          ? `service ${fault.service}`
          : 'fault';
  const details = Object.entries(fault)
    .filter(([key, value]) => key !== 'proxy' && key !== 'mock' && key !== 'service' && value !== undefined)
    .map(([key, value]) =>
      key === 'type' || key === 'action' ? String(value) : `${key} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    );
  return details.length > 0 ? `${target}: ${details.join(', ')}` : target;
}

/** `count 6000, avg 3.2, med 2.9, p99 11.5, max 40.2`: the summary's numbers without the histogram. */
export function describeMetric(m: MetricSummary): string {
  const values = Object.entries(m)
    .filter(([key, value]) => key !== 'type' && key !== 'hdr' && typeof value === 'number')
    .map(([key, value]) => `${key} ${num(value as number)}`);
  // A rate's 95% interval: 300 requests are an estimate, not the truth.
  if (m.type === 'rate' && Array.isArray(m.ci95)) values.push(`95% CI ${num(m.ci95[0] as number)}–${num(m.ci95[1] as number)}`);
  return values.join(', ');
}

/** A stage's test counts as table cells: tests, passed, failed (with errors), skipped; dashes without JUnit. */
export function testCells(tests: TestCounts | undefined): string[] {
  if (!tests) return ['–', '–', '–', '–'];
  return [String(tests.total), String(tests.passed), String(tests.failed + tests.errors), String(tests.skipped)];
}

/** The "recovered in" cell: the time, or with `repeat: N` the slowest and the median over the injections. */
export function describeRecovery(e: ExperimentReport): string {
  if (e.cancelled) return 'cancelled';
  const r = e.repeats;
  if (!r) return e.recovery_time_ms === null ? 'never' : ms(e.recovery_time_ms);
  const failed = e.recovery_time_ms === null ? `never (injection ${r.done} of ${r.asked})` : `max ${ms(r.recovery_time?.max)}`;
  return r.recovery_time
    ? `${failed}; p50 ${ms(r.recovery_time.p50)}, p90 ${ms(r.recovery_time.p90)}, p99 ${ms(r.recovery_time.p99)} over ${r.recovery_times_ms.filter((t) => t !== null).length}×`
    : failed;
}

/**
 * The thresholds in one phrase, every one accounted for: `5/6 thresholds held, 1 skipped: --stage unit`
 * (skipped and inconclusive ones are named, never folded into held).
 */
export function thresholdCounts(thresholds: ThresholdResult[]): string {
  const of = (outcome: string) => thresholds.filter((t) => outcomeOf(t) === outcome);
  const parts = [`${of('held').length}/${thresholds.length} thresholds held`];
  const inconclusive = of('inconclusive');
  if (inconclusive.length > 0) parts.push(`${inconclusive.length} inconclusive`);
  const skipped = of('skipped');
  if (skipped.length > 0) parts.push(`${skipped.length} skipped: ${[...new Set(skipped.map((t) => t.reason ?? 'not judged'))].join('; ')}`);
  return parts.join(', ');
}

/**
 * A threshold's measured value as read: `812`, `0.031 (0.012–0.05)` with its interval, `–` without
 * data, `not recovered` for a recovery that never came.
 */
export function actualText(t: ThresholdResult): string {
  if (t.not_recovered?.length) return 'not recovered';
  return t.interval ? `${num(t.actual)} (${num(t.interval[0])}–${num(t.interval[1])})` : num(t.actual);
}

/** A success rate with its 95% interval, from the phase's `http_req_failed` summary: `99.3% (98.1–99.8%)`. */
export function successText(rate: number | null, failed: MetricSummary | undefined): string {
  const ci = failed?.ci95;
  if (rate === null || !Array.isArray(ci)) return percent(rate);
  const [low, high] = ci as number[];
  return `${percent(rate)} (${percent(1 - high).replace('%', '')}–${percent(1 - low)})`;
}
