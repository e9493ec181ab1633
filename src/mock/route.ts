/**
 * One route, compiled: a request matcher, a sequence of replies and an optional rate limit.
 *
 *   request ──matcher──► rate limit ──(past the rate)──► 429 Retry-After
 *                            │
 *                            └──► sequence: entry 1 (times N) → entry 2 → … → last, forever
 */
import { Content } from './content.js';
import { RequestMatcher } from './match.js';
import { Random } from '../random.js';
import { RateLimit } from './rate-limit.js';
import { mergeBehaviour, Reply } from './reply.js';
import type { RouteDefinition } from './schema.js';
import { Sequence } from './sequence.js';

export class Route {
  readonly name: string;
  readonly matcher: RequestMatcher;
  /** Requests this route matched since the last reset (whatever answered them). */
  matched = 0;
  private readonly sequence: Sequence;
  private readonly rateLimit?: RateLimit;

  /** Compiles a route; `seed` is the mock's, `index` its place in the mock (both seed its random draws). Reads body files. */
  constructor(
    readonly definition: RouteDefinition,
    readonly index: number,
    seed: number,
  ) {
    this.matcher = new RequestMatcher(definition.request);
    this.name = definition.name ?? this.matcher.label;
    this.sequence = new Sequence(
      definition.respond.map((entry, i) => ({
        reply: new Reply(new Content(entry), mergeBehaviour(definition, entry), Random.derive(seed, 'route', index, i)),
        times: entry.times ?? 1,
      })),
    );
    if (definition.rate_limit) this.rateLimit = new RateLimit(definition.rate_limit.rps);
  }

  /** The reply for the next request at `now` (ms): a 429 past the rate limit (the sequence stays), else the sequence's next. */
  next(now: number): Reply {
    return this.rateLimit?.take(now) ?? this.sequence.next();
  }

  /** Which response entry answers next (0-based). */
  get upcoming(): number {
    return this.sequence.upcoming;
  }

  reset(): void {
    this.matched = 0;
    this.sequence.reset();
    this.rateLimit?.reset();
  }
}
