/**
 * Redis as a cache that can never take the shop down: every command has a short timeout, an
 * error reads as a miss, and after a few failures in a row a circuit breaker skips Redis
 * altogether for a while, so a dead cache costs nothing but the cache.
 */
import { Redis } from 'ioredis';
import { CircuitBreaker } from './breaker.ts';

/** What the shop needs of a cache; a Map-backed one stands in for it in the unit tests. */
export interface CacheStore {
  /** The value, or undefined on a miss or when the cache is unavailable. */
  get(key: string): Promise<string | undefined>;
  /** Best effort: an unavailable cache is ignored. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

const HANDSHAKE_TIMEOUT_MS = 1000;

export class RedisCache implements CacheStore {
  private readonly redis: Redis;
  private readonly breaker = new CircuitBreaker('redis', { failureThreshold: 3, cooldownMs: 500 });
  private readonly watchdog: NodeJS.Timeout;
  /** When the connection was last seen connected but not ready (its handshake under way). */
  private handshakeSince?: number;

  constructor(url: string, options: { timeoutMs?: number; reconnect?: boolean } = {}) {
    this.redis = new Redis(url, {
      commandTimeout: options.timeoutMs ?? 100,
      connectTimeout: 500,
      // Fail at once while disconnected instead of queueing commands for later.
      enableOfflineQueue: false,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      // No number: the client gives the connection up for good (SHOP_REDIS_RECONNECT=0).
      retryStrategy: options.reconnect === false ? () => null : (times) => Math.min(times * 50, 500),
    });
    // Connection errors surface per command as misses; the client reconnects by itself.
    this.redis.on('error', () => {});
    this.watchdog = setInterval(() => this.unstick(), 250).unref();
  }

  /** Resolves once connected, or after `ms` (the shop starts without its cache rather than not at all). */
  async ready(ms = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** For /health: the connection's state and the breaker's. */
  health(): { connection: string; circuit: string } {
    return { connection: this.redis.status, circuit: this.breaker.state };
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.guard(() => this.redis.get(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.guard(() => this.redis.set(key, value, 'PX', ttlMs));
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    this.redis.disconnect();
  }

  /**
   * The client's handshake (HELLO) has no timeout of its own: a connection opened while the
   * network swallowed bytes would wait for its reply forever, even after the network healed.
   */
  private unstick(): void {
    if (this.redis.status !== 'connect') {
      this.handshakeSince = undefined;
      return;
    }
    this.handshakeSince ??= performance.now();
    if (performance.now() - this.handshakeSince > HANDSHAKE_TIMEOUT_MS) {
      this.handshakeSince = undefined;
      this.redis.disconnect(true);
    }
  }

  private async guard<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.breaker.call(work);
    } catch (error) {
      // A reply that never came would be matched to the next command sent on this connection: start a new one.
      if (/timed out/i.test((error as Error).message) && this.redis.status === 'ready') this.redis.disconnect(true);
      return undefined;
    }
  }
}
