/**
 * Retries a GitHub REST call the way GitHub asks clients to: server errors (5xx, and network
 * failures, which octokit reports as 500) with exponential backoff; rate limits after the time
 * the response names (`retry-after`, else `x-ratelimit-reset`). Everything is bounded: a few
 * attempts, and a rate limit that resets too far away is given up on at once rather than
 * holding the job.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** What octokit throws for an HTTP error (RequestError), read structurally. */
interface HttpError {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** First backoff after a server error, ms; doubled each time. */
  backoffMs: number;
  /** Longest wait for a rate limit to reset, ms; beyond it the call fails as rate-limited. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 1000, maxWaitMs: 60_000 };

/** A rate limit that did not reset within the policy's wait. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
}

/** Runs `call`, retrying server errors and rate limits within `policy`; other errors are thrown at once. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isHttpError(error) || attempt >= policy.attempts) throw error;
      const limitWait = rateLimitWait(error);
      if (limitWait !== undefined) {
        if (limitWait > policy.maxWaitMs) {
          throw new RateLimitedError(`GitHub rate limit: it resets in ${Math.ceil(limitWait / 1000)} s, longer than chaos-gate waits (${policy.maxWaitMs / 1000} s)`);
        }
        await sleep(limitWait);
      } else if (error.status >= 500) {
        await sleep(policy.backoffMs * 2 ** (attempt - 1));
      } else {
        throw error;
      }
    }
  }
}

function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as Partial<HttpError>).status === 'number';
}

/** ms until a rate limit lifts, or undefined when the error is not a rate limit. */
function rateLimitWait(error: HttpError): number | undefined {
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const secondary = /secondary rate limit|abuse detection/i.test(error.message);
  const primary = (error.status === 403 || error.status === 429) && String(headers['x-ratelimit-remaining']) === '0';
  if (error.status !== 429 && !secondary && !primary) return undefined;
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  const reset = Number(headers['x-ratelimit-reset']);
  // GitHub's reset is a whole second; wait until just past it. Without headers, a minute (GitHub's advice for secondary limits).
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - Date.now()) + 250;
  return 60_000;
}
