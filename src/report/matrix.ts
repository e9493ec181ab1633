/**
 * The resilience matrix for people: dependencies × fault classes, one symbol per cell, then
 * what changed against the base branch, then the cells that did not simply survive, with why.
 */
import { changes } from '../results/matrix.js';
import type { CellOutcome, MatrixCell, MatrixReport } from '../results/types.js';
import { ms, percent } from './format.js';

export const SYMBOL: Record<CellOutcome | 'n/a', string> = { survived: '✅', degraded: '⚠️', failed: '❌', skipped: '⏭️', 'n/a': '–' };
export const LEGEND = '✅ survived · ⚠️ degraded (recovered) · ❌ failed · ⏭️ skipped · – does not apply';

/** A cell skipped because its fault class has no meaning for the dependency (errors on a TCP proxy). */
export function notApplicable(cell: MatrixCell): boolean {
  return cell.outcome === 'skipped' && (cell.reason ?? '').includes('does not apply');
}

/** Rows of the grid: the dependency, then the cell of each fault class (`undefined` where no cell is, as in another shard's share). */
export function grid(matrix: MatrixReport): { dependency: string; cells: (MatrixCell | undefined)[] }[] {
  return matrix.dependencies.map((dependency) => ({
    dependency,
    cells: matrix.faults.map((fault) => matrix.cells.find((c) => c.dependency === dependency && c.fault === fault)),
  }));
}

export function symbolOf(cell: MatrixCell | undefined): string {
  if (!cell) return ' ';
  return notApplicable(cell) ? SYMBOL['n/a'] : SYMBOL[cell.outcome];
}

/** `⚠️ redis × down: survived → failed`, for every cell whose outcome moved. */
export function changeLines(matrix: MatrixReport, baseline: MatrixReport | undefined): string[] {
  return changes(matrix.cells, baseline).map((c) => `${c.worse ? '⚠️' : '✅'} ${c.dependency} × ${c.fault}: ${c.from} → ${c.to}`);
}

/** Cells worth a line of their own: everything but survived and not-applicable. */
export function notableCells(matrix: MatrixReport): MatrixCell[] {
  return matrix.cells.filter((c) => c.outcome !== 'survived' && !notApplicable(c));
}

/** Cells of a notable row: outcome, cell, success during the fault, p95, recovery, why. */
export function cellCells(cell: MatrixCell): string[] {
  return [
    `${SYMBOL[cell.outcome]} ${cell.outcome}`,
    `${cell.dependency} × ${cell.fault}`,
    cell.success_rate === null ? '–' : percent(cell.success_rate),
    cell.p95_ms === null ? '–' : ms(cell.p95_ms),
    cell.recovery_time_ms === null ? '–' : ms(cell.recovery_time_ms),
    cell.reason ?? '',
  ];
}

export const CELL_HEADERS = ['outcome', 'cell', 'success during fault', 'p95 during fault', 'recovered in', 'why'];
