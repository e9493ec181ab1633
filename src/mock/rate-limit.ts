/**
 * A rate limit as APIs enforce them: a token bucket holding one second's worth of requests,
 * refilled continuously. Past it the mock answers 429 with `Retry-After` (whole seconds).
 */
import { Content } from './content.js';
import { Random } from '../random.js';
import { Reply } from './reply.js';

export class RateLimit {
  private tokens: number;
  private updated = 0;
  private readonly capacity: number;
  private readonly refusals = new Map<number, Reply>();

  /** `rps`: requests per second allowed (above 0; fractions allowed). */
  constructor(private readonly rps: number) {
    this.capacity = Math.max(1, rps);
    this.tokens = this.capacity;
  }

  /** Takes one request at `now` (ms); undefined when allowed, else the 429 to answer (at once: the limiter answers, not the service). */
  take(now: number): Reply | undefined {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updated) * this.rps) / 1000);
    this.updated = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - this.tokens) / this.rps));
    return this.refusal(retryAfter);
  }

  reset(): void {
    this.tokens = this.capacity;
  }

  private refusal(retryAfter: number): Reply {
    let reply = this.refusals.get(retryAfter);
    if (!reply) {
      const body = { error: `rate limit of ${this.rps} req/s exceeded`, status: 429 };
      reply = new Reply(Content.json(429, body, { 'retry-after': String(retryAfter) }), {}, new Random(0));
      this.refusals.set(retryAfter, reply);
    }
    return reply;
  }
}
