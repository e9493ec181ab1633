/**
 * Retry with exponential backoff: try, wait base·2^n (plus a little jitter), try again, within
 * a deadline. A failure can ask for a longer wait (a 429's Retry-After) and some failures are
 * not worth another try (a bad request, an open circuit).
 *
 *   try ─✘─ wait 50ms ─ try ─✘─ wait 100ms ─ try ─✘─ wait 200ms ─ try ─✘─► the last error
 */

export interface RetryOptions {
  /** Retries after the first try; 0 tries once. */
  retries: number;
  /** The first wait in ms; each next one doubles. */
  baseMs: number;
  /** No single wait is longer than this, ms. */
  maxDelayMs?: number;
  /** Share of each wait added at random (0..1), so that clients do not retry in lockstep. */
  jitter?: number;
  /** Give up rather than wait past this time (a `now()` value, ms). */
  deadline?: number;
  /** Whether an error is worth another try; every error when omitted. */
  retryable?: (error: unknown) => boolean;
  /** A wait the error asks for, ms (a 429's Retry-After); used when longer than the backoff. */
  waitHint?: (error: unknown) => number | undefined;
  /** Told before each wait. */
  onRetry?: (retry: number, waitMs: number, error: unknown) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** The backoff before retry `n` (0-based): base·2^n, at most `maxMs`. */
export function backoffDelay(n: number, baseMs: number, maxMs = Infinity): number {
  return Math.min(baseMs * 2 ** n, maxMs);
}

/** Calls `attempt(n)` (n = 0, 1, …) until it resolves; rejects with the last error. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= options.retries || !(options.retryable?.(error) ?? true)) throw error;
      const backoff = backoffDelay(n, options.baseMs, options.maxDelayMs) * (1 + (options.jitter ?? 0) * random());
      const wait = Math.max(backoff, options.waitHint?.(error) ?? 0);
      if (options.deadline !== undefined && now() + wait > options.deadline) throw error;
      options.onRetry?.(n + 1, wait, error);
      await sleep(wait);
    }
  }
}

/** `Retry-After` as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
