/**
 * When did the system come back? Samples are bucketed by when they were due; the recovery time
 * is the start of the first whole window after the revert whose success rate is back at the
 * steady level (less one percentage point of tolerance), measured from the revert.
 */
import type { Sample } from '../load/sample.js';

const SLOT_MS = 100;
/** The sliding window the success rate is judged over. */
export const WINDOW_MS = 1000;
const TOLERANCE = 0.01;

export class RecoveryTracker {
  private readonly slots = new Map<number, { ok: number; total: number }>();

  constructor(private readonly revertAt: number) {}

  add(sample: Sample): void {
    if (sample.start < this.revertAt) return;
    const slot = Math.floor((sample.start - this.revertAt) / SLOT_MS);
    const entry = this.slots.get(slot) ?? { ok: 0, total: 0 };
    entry.total += 1;
    if (sample.ok) entry.ok += 1;
    this.slots.set(slot, entry);
  }

  /**
   * ms from the revert to the first window (among those fully due before `settledBefore`) whose
   * success rate is at least `steady - 1 pt`; undefined while no such window exists.
   */
  recoveryTime(steady: number, settledBefore: number): number | undefined {
    const slotsPerWindow = WINDOW_MS / SLOT_MS;
    const lastStart = Math.floor((settledBefore - this.revertAt - WINDOW_MS) / SLOT_MS);
    for (let first = 0; first <= lastStart; first++) {
      let ok = 0;
      let total = 0;
      for (let s = first; s < first + slotsPerWindow; s++) {
        const entry = this.slots.get(s);
        if (entry) {
          ok += entry.ok;
          total += entry.total;
        }
      }
      if (total > 0 && ok / total >= steady - TOLERANCE) return first * SLOT_MS;
    }
    return undefined;
  }
}
