/**
 * Internal errors: a bug in chaos-gate, not the user's input. Whatever phase one hits (a stage,
 * an experiment, judging, a report file), the run still writes its report with the error named
 * and exits 3, so a crash is never mistaken for a verdict.
 *
 * The tests prove that for each phase through one seam: CHAOS_GATE_TEST_THROW_IN=<phase> makes
 * that phase throw. It exists for the safety tests only (docs/safety.md) and changes nothing
 * when unset.
 */
import { UserFacingError } from '../errors.js';

/** Where a test may inject a throw: `stage`, `experiment`, `judge`, or `report:<file>` (e.g. `report:summary.md`). */
export const THROW_IN_VARIABLE = 'CHAOS_GATE_TEST_THROW_IN';

/** Throws when the safety tests asked for a throw in `phase`. */
export function throwIfInjected(phase: string): void {
  const wanted = process.env[THROW_IN_VARIABLE];
  if (wanted && wanted.split(',').includes(phase)) throw new Error(`injected failure in ${phase} (${THROW_IN_VARIABLE})`);
}

/** A thrown error's message for the report: its first line; the stack goes to the log. */
export function describeError(error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}
