/** A matrix against the base branch's: which cells changed outcome. Pure, for the runner (regressions) and the reports. */
import type { CellOutcome, MatrixCell, MatrixReport } from './types.js';

export interface CellChange {
  dependency: string;
  fault: string;
  from: CellOutcome;
  to: CellOutcome;
  /** survived → degraded or failed, degraded → failed. */
  worse: boolean;
}

const RANK: Record<CellOutcome, number> = { survived: 0, degraded: 1, failed: 2, skipped: -1 };

/** The cells whose outcome differs from the baseline's; a skipped cell on either side is not a change. */
export function changes(cells: readonly MatrixCell[], baseline: MatrixReport | undefined): CellChange[] {
  if (!baseline) return [];
  const before = new Map(baseline.cells.map((c) => [`${c.dependency}\u0000${c.fault}`, c.outcome]));
  const out: CellChange[] = [];
  for (const cell of cells) {
    const from = before.get(`${cell.dependency}\u0000${cell.fault}`);
    if (from === undefined || from === cell.outcome || from === 'skipped' || cell.outcome === 'skipped') continue;
    out.push({ dependency: cell.dependency, fault: cell.fault, from, to: cell.outcome, worse: RANK[cell.outcome] > RANK[from] });
  }
  return out;
}
