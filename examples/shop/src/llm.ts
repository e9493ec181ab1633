/**
 * An LLM client that keeps answering when a provider does not:
 *
 *   prompt ──► primary ─(retry with backoff)─✘─► fallback ─(retry with backoff)─✘─► LlmUnavailableError
 *                 │                                  │
 *                 ├─ circuit breaker: after 5 failures in a row the primary is skipped for a while
 *                 └─ 429 + Retry-After: the provider is left alone until then; the fallback answers
 *
 * With `failover: false` only the primary is asked; with `retries: 0` each provider is tried once.
 */
import { CircuitBreaker, CircuitOpenError } from './breaker.ts';
import { parseRetryAfter, withRetry } from './retry.ts';

/** A provider failed: unreachable, too slow, or an HTTP error (`status`). */
export class ProviderError extends Error {
  readonly provider: string;
  readonly status?: number;
  /** From a 429's Retry-After, ms. */
  readonly retryAfterMs?: number;

  constructor(provider: string, message: string, details: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(`${provider}: ${message}`, { cause: details.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Every provider failed; `reasons` says how, one line each. */
export class LlmUnavailableError extends Error {
  readonly reasons: string[];

  constructor(reasons: string[]) {
    super(`no LLM provider answered (${reasons.join('; ')})`);
    this.name = 'LlmUnavailableError';
    this.reasons = reasons;
  }
}

export interface Provider {
  name: string;
  complete(prompt: string, signal: AbortSignal): Promise<string>;
}

/** An OpenAI-style chat completions endpoint at `baseUrl`. */
export function httpProvider(name: string, baseUrl: string, model = 'shop-assistant'): Provider {
  return {
    name,
    async complete(prompt, signal) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/v1/chat/completions`, {
          method: 'POST',
          signal,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] }),
        });
      } catch (error) {
        throw new ProviderError(name, `unreachable (${(error as Error).message})`, { cause: error });
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new ProviderError(name, `answered ${response.status}`, {
          status: response.status,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        });
      }
      let text: unknown;
      try {
        text = ((await response.json()) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
      } catch (error) {
        throw new ProviderError(name, `sent an unreadable answer (${(error as Error).message})`, { cause: error });
      }
      if (typeof text !== 'string') throw new ProviderError(name, 'answered without choices[0].message.content');
      return text;
    },
  };
}

export interface LlmOptions {
  /** Retries per provider after a failed try (0: once each). */
  retries: number;
  /** Ask the next provider when one fails. */
  failover: boolean;
  /** The first backoff, ms (then 2×, 4×, …). */
  baseMs?: number;
  /** One try gives up after this, ms. */
  tryTimeoutMs?: number;
  /** No retry or failover starts past this much time since the call began, ms. */
  budgetMs?: number;
  /** A Retry-After longer than this is not waited for, ms. */
  maxRateLimitWaitMs?: number;
  breaker?: { failureThreshold: number; cooldownMs: number };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface Completion {
  text: string;
  provider: string;
  /** Calls made, over all providers. */
  attempts: number;
}

const isRateLimit = (error: unknown): error is ProviderError => error instanceof ProviderError && error.status === 429;

/** A failure that says something about the provider's health (not a 429, not our bad request). */
const isOutage = (error: unknown): boolean => error instanceof ProviderError && (error.status === undefined || error.status >= 500 || error.status === 408);

export class ResilientLlm {
  private readonly providers: Provider[];
  private readonly options: Required<Omit<LlmOptions, 'now' | 'sleep' | 'random'>>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Until when (a `now()` value) a provider asked to be left alone. */
  private readonly coolingUntil = new Map<string, number>();

  constructor(providers: Provider[], options: LlmOptions) {
    this.providers = providers;
    this.options = {
      baseMs: 50,
      tryTimeoutMs: 1000,
      budgetMs: 2500,
      maxRateLimitWaitMs: 2000,
      breaker: { failureThreshold: 5, cooldownMs: 1000 },
      ...options,
    };
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    for (const provider of providers) {
      this.breakers.set(provider.name, new CircuitBreaker(provider.name, { ...this.options.breaker, isFailure: isOutage, now: this.now }));
    }
  }

  /** Each provider's circuit, for /health. */
  circuits(): Record<string, string> {
    return Object.fromEntries([...this.breakers].map(([name, breaker]) => [name, breaker.state]));
  }

  /** Providers left alone after a 429, with the ms still to wait, for /health. */
  rateLimited(): Record<string, number> {
    const now = this.now();
    return Object.fromEntries([...this.coolingUntil].filter(([, until]) => until > now).map(([name, until]) => [name, Math.ceil(until - now)]));
  }

  async complete(prompt: string): Promise<Completion> {
    const { retries, baseMs, tryTimeoutMs, maxRateLimitWaitMs } = this.options;
    const deadline = this.now() + this.options.budgetMs;
    const candidates = this.options.failover ? this.providers : this.providers.slice(0, 1);
    const reasons: string[] = [];
    let attempts = 0;
    for (const [i, provider] of candidates.entries()) {
      const last = i === candidates.length - 1;
      const cooling = (this.coolingUntil.get(provider.name) ?? 0) - this.now();
      if (cooling > 0) {
        // Rate limited a moment ago: leave it alone; only the last resort waits, and only when retrying at all.
        if (!last || retries === 0 || cooling > maxRateLimitWaitMs || this.now() + cooling > deadline) {
          reasons.push(`${provider.name}: rate limited for another ${Math.ceil(cooling)} ms`);
          continue;
        }
        await this.sleep(cooling);
      }
      const breaker = this.breakers.get(provider.name)!;
      try {
        const text = await withRetry(
          () =>
            breaker.call(() => {
              attempts += 1;
              return provider.complete(prompt, AbortSignal.timeout(tryTimeoutMs));
            }),
          {
            retries,
            baseMs,
            jitter: 0.2,
            deadline,
            now: this.now,
            sleep: this.sleep,
            random: this.random,
            // A 429 moves on to the fallback at once; only the last resort waits out its Retry-After.
            retryable: (error) => (isRateLimit(error) ? last && (error.retryAfterMs ?? 0) <= maxRateLimitWaitMs : isOutage(error)),
            waitHint: (error) => (isRateLimit(error) ? error.retryAfterMs : undefined),
          },
        );
        return { text, provider: provider.name, attempts };
      } catch (error) {
        if (isRateLimit(error)) this.coolingUntil.set(provider.name, this.now() + (error.retryAfterMs ?? 1000));
        reasons.push(error instanceof CircuitOpenError ? `${provider.name}: circuit open` : (error as Error).message);
      }
    }
    throw new LlmUnavailableError(reasons);
  }
}
