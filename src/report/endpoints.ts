/**
 * Per-endpoint rows and flow checks for the summary and report.html: a tagged load keeps each
 * endpoint's metrics as `http_req_duration{name:…}` (and reqs, failed); these read them back.
 */
import type { CheckReport, MetricSummaries, RunReport } from '../results/types.js';
import { ms, percent } from './format.js';

export interface EndpointRow {
  /** `load`, or the experiment's name. */
  where: string;
  name: string;
  requests: number;
  /** Share failed, 0..1, per phase for an experiment (steady, fault, recovery), or over the stage. */
  failed: { all?: number; steady?: number; fault?: number; recovery?: number };
  p95: number;
  /** An experiment's p95 during the fault. */
  faultP95?: number;
}

const NAMED = /^http_reqs\{name:(.*)\}$/;

function names(metrics: MetricSummaries): string[] {
  return Object.keys(metrics)
    .map((key) => NAMED.exec(key)?.[1])
    .filter((n): n is string => n !== undefined);
}

function failedOf(metrics: MetricSummaries, name: string): number | undefined {
  const m = metrics[`http_req_failed{name:${name}}`];
  return m === undefined ? undefined : Number(m.rate);
}

/** The endpoints of the load stage and of each experiment, in the order first recorded. */
export function endpointRows(report: RunReport): EndpointRow[] {
  const rows: EndpointRow[] = [];
  const load = report.stages.load?.metrics;
  if (load) {
    for (const name of names(load)) {
      rows.push({
        where: 'load',
        name,
        requests: Number(load[`http_reqs{name:${name}}`].count),
        failed: { all: failedOf(load, name) },
        p95: Number(load[`http_req_duration{name:${name}}`]?.p95 ?? 0),
      });
    }
  }
  for (const x of report.experiments) {
    const phases = { steady: x.phases.steady.metrics, fault: x.phases.fault.metrics, recovery: x.phases.recovery.metrics };
    const all = [...new Set(Object.values(phases).flatMap(names))];
    for (const name of all) {
      const count = (m: MetricSummaries) => Number(m[`http_reqs{name:${name}}`]?.count ?? 0);
      rows.push({
        where: x.name,
        name,
        requests: count(phases.steady) + count(phases.fault) + count(phases.recovery),
        failed: { steady: failedOf(phases.steady, name), fault: failedOf(phases.fault, name), recovery: failedOf(phases.recovery, name) },
        p95: Number(phases.steady[`http_req_duration{name:${name}}`]?.p95 ?? 0),
        faultP95: phases.fault[`http_req_duration{name:${name}}`] === undefined ? undefined : Number(phases.fault[`http_req_duration{name:${name}}`].p95),
      });
    }
  }
  return rows;
}

/** Cells for one row: where, endpoint, requests, success (steady / during fault / after, or overall), p95 (steady → fault). */
export function endpointCells(row: EndpointRow): string[] {
  const ok = (failed: number | undefined) => (failed === undefined ? '–' : percent(1 - failed));
  const success = row.failed.all !== undefined ? ok(row.failed.all) : `${ok(row.failed.steady)} → ${ok(row.failed.fault)} → ${ok(row.failed.recovery)}`;
  const p95 = row.faultP95 === undefined ? ms(row.p95) : `${ms(row.p95)} → ${ms(row.faultP95)}`;
  return [row.where, row.name, String(row.requests), success, p95];
}

export const ENDPOINT_HEADERS = ['where', 'endpoint', 'requests', 'success (steady → fault → after)', 'p95 (steady → fault)'];

/** The checks of the load stage and every experiment, each with where it ran. */
export function checkRows(report: RunReport): (CheckReport & { where: string })[] {
  return [
    ...(report.stages.load?.checks ?? []).map((c) => ({ ...c, where: 'load' })),
    ...report.experiments.flatMap((x) => (x.checks ?? []).map((c) => ({ ...c, where: x.name }))),
  ];
}

/** `201 {"sku":"A-1"}` or `timeout`, for a failing check's example. */
export function exampleText(check: CheckReport): string {
  if (!check.example) return '';
  const { status, body } = check.example;
  return body ? `${status} ${body.replace(/\s+/g, ' ')}` : String(status);
}
