// Retry with exponential backoff and a per-try timeout: the resilience pattern this example gates.

/** Calls `attempt` up to `tries` times, waiting base·2^n ms between tries; rethrows the last error. */
export async function withRetry(attempt, { tries = 3, baseMs = 25, timeoutMs = 500 } = {}) {
  let lastError;
  for (let n = 0; n < tries; n++) {
    try {
      return await attempt(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      lastError = error;
      if (n < tries - 1) await new Promise((r) => setTimeout(r, baseMs * 2 ** n));
    }
  }
  throw lastError;
}
