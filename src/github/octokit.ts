/**
 * The REST client of every GitHub call here: @actions/github's octokit (with its paginate), and
 * retries the way GitHub asks clients to make them, bounded so a job is never held for long:
 *
 *   5xx, network failure ──► @octokit/plugin-retry: again after 1, 4, 9 … × backoffMs
 *   rate limited (429; 403 with x-ratelimit-remaining 0; a secondary limit)
 *                        ──► again after the time the response names (retry-after, else
 *                            x-ratelimit-reset), through the same plugin; a limit that resets
 *                            beyond maxWaitMs is given up at once
 *   anything else (401, 403 read-only, 404, 422) ──► thrown at once
 */
import { getOctokit } from '@actions/github';
import { retry, type RetryPlugin } from '@octokit/plugin-retry';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** The backoff unit after a server error, ms: the n-th retry waits n² of it. */
  backoffMs: number;
  /** Longest wait for a rate limit to reset, ms; beyond it the call fails as rate-limited. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 1000, maxWaitMs: 60_000 };

export type GitHubClient = ReturnType<typeof getOctokit>;

/** A client for the REST API at `apiUrl` (default GITHUB_API_URL, then https://api.github.com). */
export function githubClient(token: string, options: { apiUrl?: string; retry?: RetryPolicy } = {}): GitHubClient {
  const policy = options.retry ?? DEFAULT_RETRY;
  return getOctokit(
    token,
    {
      baseUrl: options.apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
      // 429 is left to waitOutRateLimits, which knows how long to wait.
      retry: { retries: policy.attempts - 1, retryAfterBaseValue: policy.backoffMs, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
      rateLimitPolicy: policy,
    },
    // Its error hook must sit inside the retry plugin's, which schedules what it asks for.
    waitOutRateLimits,
    retry,
  );
}

/** What octokit throws for an HTTP error (RequestError), read structurally. */
interface HttpError {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Hands a rate limit that resets within the policy's wait to the retry plugin, to try again then. */
function waitOutRateLimits(...[octokit, options]: Parameters<typeof retry>): object {
  const policy = options.rateLimitPolicy as RetryPolicy;
  octokit.hook.error('request', (error) => {
    const wait = rateLimitWait(error);
    if (wait === undefined || wait > policy.maxWaitMs) throw error;
    // In the retry plugin's unit, rounded up: never before the limit lifts.
    throw (octokit as unknown as RetryPlugin).retry.retryRequest(error as never, policy.attempts - 1, Math.ceil(wait / policy.backoffMs));
  });
  return {};
}

/** ms until a rate limit lifts, or undefined when the error is not a rate limit. */
export function rateLimitWait(error: unknown): number | undefined {
  if (!(error instanceof Error) || typeof (error as Partial<HttpError>).status !== 'number') return undefined;
  const { status, message, response } = error as unknown as HttpError;
  const headers = response?.headers ?? {};
  const secondary = /secondary rate limit|abuse detection/i.test(message);
  const primary = (status === 403 || status === 429) && String(headers['x-ratelimit-remaining']) === '0';
  if (status !== 429 && !secondary && !primary) return undefined;
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  const reset = Number(headers['x-ratelimit-reset']);
  // GitHub's reset is a whole second; wait until just past it. Without headers, a minute (GitHub's advice for secondary limits).
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - Date.now()) + 250;
  return 60_000;
}

/** Why a rate-limited call was not retried, when its limit resets beyond the policy's wait. */
export function rateLimitTooLong(error: unknown, policy: RetryPolicy): string | undefined {
  const wait = rateLimitWait(error);
  if (wait === undefined || wait <= policy.maxWaitMs) return undefined;
  return `GitHub rate limit: it resets in ${Math.ceil(wait / 1000)} s, longer than chaos-gate waits (${policy.maxWaitMs / 1000} s)`;
}
