/**
 * Runs the matrix: each cell is one experiment (the same runner as `experiments:`), judged into
 * an outcome, one after another in the fixed order; a cell after which the system is not back at
 * its steady state stops the rest, named.
 *
 *   cell ──► steady ──► fault ──► hold ──► revert ──► recovery ──► steady_state checks ──► outcome
 *     survived  success ≥ survive.success_rate and p95 ≤ survive.p95 during the fault
 *     degraded  not, but back at the steady success rate within recover_within
 *     failed    not back within recover_within, or its steady_state checks not holding again by then (later cells
 *               then skipped); a service died during it; or not at steady state before its fault
 *     skipped   not applicable, past the budget, the load never reached it, or after a failure to recover
 *
 * Each cell's load metrics are kept under `matrix.<dependency>.<fault>.<phase>`; its outcome and
 * the counts (`matrix.failed`, `matrix.regressions` against the baseline) are read from the
 * report itself (gate/report-metrics.ts), so a merged report answers them the same way.
 */
import { runExperiments, type ExperimentContext } from '../chaos/experiments.js';
import { changes } from '../results/matrix.js';
import type { ExperimentReport, FaultWindow, MatrixCell, MatrixReport, RunReport, SeriesPoint } from '../results/types.js';
import { cellName, planCells, type Cell, type Dependency } from './cells.js';
import type { MatrixConfig } from './schema.js';
import { awaitSteadyState, compileSteadyState } from './steady-state.js';

export interface MatrixContext extends ExperimentContext {
  /** This shard's share: cells whose index % total is index − 1. */
  shard?: { index: number; total: number };
  /** The base branch's report, for `matrix.regressions`. */
  baseline?: RunReport;
  /** The services' states, to fail a cell during which one died. */
  services?: () => { name: string; state: string; restarts: number }[];
}

export interface MatrixOutcome {
  report: MatrixReport;
  series: SeriesPoint[];
  windows: FaultWindow[];
}

/** The scope of a cell's metrics: `matrix.redis.down`. */
export function cellScope(dependency: string, fault: string): string {
  return `matrix.${dependency}.${fault}`;
}

export async function runMatrix(matrix: MatrixConfig, dependencies: Dependency[], ctx: MatrixContext): Promise<MatrixOutcome> {
  const started = performance.now();
  const plan = planCells(matrix, dependencies);
  const mine = plan.cells.filter((c) => !ctx.shard || c.index % ctx.shard.total === ctx.shard.index - 1);
  const scopes = new Map(plan.cells.map((c) => [cellName(c.dependency.name, c.fault), cellScope(c.dependency.name, c.fault)]));
  const runnable = mine.filter((c) => !c.skip).length;
  ctx.log.info(
    `matrix: ${dependencies.length} dependencies × ${matrix.faults.length} fault classes, ${runnable} cells to run here` +
      ` (steady ${plan.steady / 1000}s, hold ${plan.hold / 1000}s, recover within ${matrix.recover_within / 1000}s; budget ${matrix.budget / 1000}s)`,
  );
  const cells: MatrixCell[] = [];
  const series: SeriesPoint[] = [];
  const windows: FaultWindow[] = [];
  let note: string | undefined;
  const steadyState = matrix.steady_state && compileSteadyState(matrix.steady_state);
  // Before the first cell: a system already off its steady state would blame the first dependency.
  const offBefore = steadyState && runnable > 0 ? await awaitSteadyState(steadyState, matrix.recover_within, ctx.signal) : undefined;
  for (const cell of mine) {
    const base = { index: cell.index, dependency: cell.dependency.name, kind: cell.dependency.kind, fault: cell.fault };
    const skipped = (reason: string): MatrixCell => ({ ...base, outcome: 'skipped', success_rate: null, p95_ms: null, recovery_time_ms: null, reason });
    if (cell.skip) {
      cells.push(skipped(cell.skip));
      continue;
    }
    if (note || ctx.signal.aborted) {
      cells.push(skipped(note ? 'an earlier cell left the system away from its steady state' : 'the run was stopped'));
      continue;
    }
    if (offBefore) {
      const judged = {
        outcome: 'failed' as const,
        success_rate: null,
        p95_ms: null,
        recovery_time_ms: null,
        reason: `not at steady state before its fault: ${offBefore}`,
      };
      cells.push({ ...base, ...judged });
      ctx.log.info(`matrix: ${cellName(cell.dependency.name, cell.fault)}: failed (${judged.reason})`);
      note = stopNote(cell, judged.reason, ctx);
      continue;
    }
    const before = new Map((ctx.services?.() ?? []).map((s) => [s.name, s.restarts]));
    const outcome = await runExperiments([cell.experiment!], { ...ctx, scopeOf: (name) => scopes.get(name) ?? `matrix.${name}` });
    const report = outcome.reports[0];
    // A service that crashed (and was restarted, or is down) failed the cell, whatever the load saw after.
    const died = (ctx.services?.() ?? []).filter((s) => s.restarts > (before.get(s.name) ?? 0) || (s.state !== 'running' && s.state !== 'frozen'));
    const alone = judgeCell(cell, report, matrix);
    // Then the steady-state checks must hold again within recover_within (unless the cell already stops the matrix).
    const probe = died.length > 0 || alone.stops || report.cancelled || !steadyState;
    const off = probe ? undefined : await awaitSteadyState(steadyState, matrix.recover_within, ctx.signal);
    const judged: typeof alone =
      died.length > 0
        ? {
            ...alone,
            outcome: 'failed',
            reason: `service ${died.map((s) => `${s.name} (${s.state})`).join(', ')} died during it`,
            stops: died.some((s) => s.state !== 'running'),
          }
        : off !== undefined
          ? { ...alone, outcome: 'failed', reason: `steady state not back within ${matrix.recover_within / 1000}s: ${off}`, stops: true }
          : alone;
    cells.push({ ...base, ...judged, series: outcome.series });
    series.push(...outcome.series);
    windows.push(...outcome.windows);
    ctx.log.info(`matrix: ${cellName(cell.dependency.name, cell.fault)}: ${judged.outcome}${judged.reason ? ` (${judged.reason})` : ''}`);
    if (judged.outcome === 'failed' && judged.stops) note = stopNote(cell, judged.reason!, ctx);
  }
  const regressions = changes(cells, ctx.baseline?.matrix).filter((c) => c.worse).length;
  const report: MatrixReport = {
    dependencies: dependencies.map((d) => d.name),
    faults: [...matrix.faults],
    cells,
    budget_ms: matrix.budget,
    elapsed_ms: Math.round(performance.now() - started),
    ...(note ? { note } : {}),
    ...(ctx.baseline?.matrix ? { regressions } : {}),
  };
  return { report, series, windows };
}

/** Why the matrix stops after a cell: the system was off its steady state before it, or did not come back after it. */
function stopNote(cell: Cell, reason: string, ctx: MatrixContext): string {
  const name = cellName(cell.dependency.name, cell.fault);
  const note = reason.startsWith('not at steady state before')
    ? `the system was not at its steady state before ${name}; later cells skipped`
    : `the system did not return to steady state after ${name}; later cells skipped`;
  ctx.log.warn(`matrix: ${note}`);
  return note;
}

/** A cell's outcome from its experiment's report. `stops`: the system was left away from its steady state. */
function judgeCell(
  cell: Cell,
  report: ExperimentReport,
  matrix: MatrixConfig,
): Pick<MatrixCell, 'outcome' | 'success_rate' | 'p95_ms' | 'recovery_time_ms' | 'reason'> & { stops?: boolean } {
  const fault = report.phases.fault;
  const p95 = fault.metrics.http_req_duration === undefined ? null : Number(fault.metrics.http_req_duration.p95);
  const measured = { success_rate: fault.success_rate, p95_ms: p95, recovery_time_ms: report.recovery_time_ms };
  const percent = (r: number) => `${+(r * 100).toFixed(2)}%`;
  if (report.cancelled) return { ...measured, outcome: 'skipped', reason: 'the run was stopped' };
  const steady = report.phases.steady.success_rate;
  if (steady !== null && steady < matrix.survive.success_rate) {
    return { ...measured, outcome: 'failed', stops: true, reason: `not at steady state before its fault: ${percent(steady)} succeeded` };
  }
  if (report.recovery_time_ms === null) {
    return { ...measured, outcome: 'failed', stops: true, reason: `not back at the steady success rate within ${matrix.recover_within / 1000}s` };
  }
  if (report.recovery_time_ms > matrix.recover_within) {
    return { ...measured, outcome: 'failed', reason: `recovered in ${report.recovery_time_ms} ms (limit ${matrix.recover_within} ms)` };
  }
  if (report.vacuous) return { ...measured, outcome: 'skipped', reason: `the load never reached ${cell.dependency.name}` };
  const problems: string[] = [];
  if (fault.success_rate !== null && fault.success_rate < matrix.survive.success_rate) {
    problems.push(`${percent(fault.success_rate)} succeeded (limit ${percent(matrix.survive.success_rate)})`);
  }
  if (p95 !== null && p95 > matrix.survive.p95) problems.push(`p95 ${Math.round(p95)} ms (limit ${matrix.survive.p95} ms)`);
  if (fault.success_rate === null) problems.push('no request completed during the fault');
  return problems.length === 0 ? { ...measured, outcome: 'survived' } : { ...measured, outcome: 'degraded', reason: problems.join('; ') };
}
