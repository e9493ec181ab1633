/**
 * A circuit breaker: after `failureThreshold` failures in a row it opens and calls fail at once
 * (the dependency gets time to recover and callers do not wait on it); after `cooldownMs` one
 * trial call goes through (half-open): success closes it, failure opens it again.
 *
 *   closed ──N failures──► open ──cooldown──► half_open ──success──► closed
 *                            ▲                    │
 *                            └──────failure───────┘
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitOpenError extends Error {
  constructor(name: string) {
    super(`circuit "${name}" is open`);
    this.name = 'CircuitOpenError';
  }
}

export interface BreakerOptions {
  /** Failures in a row that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before a trial call, ms. */
  cooldownMs: number;
  /** Which errors count as the dependency failing (a 429 or a 400 does not); all when omitted. */
  isFailure?: (error: unknown) => boolean;
  now?: () => number;
}

export class CircuitBreaker {
  readonly name: string;
  private readonly options: BreakerOptions;
  private readonly now: () => number;
  private failures = 0;
  private openedAt = 0;
  private current: BreakerState = 'closed';
  private trialInFlight = false;

  constructor(name: string, options: BreakerOptions) {
    this.name = name;
    this.options = options;
    this.now = options.now ?? (() => performance.now());
  }

  /** The state now (an open circuit whose cooldown has passed reads as half_open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) return 'half_open';
    return this.current;
  }

  /** Runs `work` unless the circuit is open; rejects with CircuitOpenError when it is. */
  async call<T>(work: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half_open' && this.trialInFlight)) throw new CircuitOpenError(this.name);
    const trial = state === 'half_open';
    if (trial) this.trialInFlight = true;
    try {
      const result = await work();
      this.failures = 0;
      this.current = 'closed';
      return result;
    } catch (error) {
      if (this.options.isFailure?.(error) ?? true) this.recordFailure(trial);
      else if (trial) this.current = 'closed';
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  private recordFailure(trial: boolean): void {
    this.failures += 1;
    if (trial || this.failures >= this.options.failureThreshold) {
      this.current = 'open';
      this.openedAt = this.now();
    }
  }
}
