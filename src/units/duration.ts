/** Durations as users write them in chaos-gate.yml: `250ms`, `30s`, `10m`, `1h`, `1m30s`. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * The longest wait a timer can hold: Node fires any setTimeout past 2^31-1 ms after 1 ms, so a
 * longer duration would end at once instead of never. Every duration field stops here.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a wait of `ms` cannot be scheduled, or undefined when it can. */
export function timerRangeProblem(ms: number): string | undefined {
  return ms > MAX_TIMER_MS ? `expected at most 596h (${MAX_TIMER_MS} ms, the longest a timer can wait)` : undefined;
}

/** Milliseconds for a duration string, or undefined when it is not one (a bare number has no unit). */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

/** `1500` → `1.5s`; for messages and plans. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
}
