/**
 * Faults switched on at run time (the control API, chaos experiments). Each targets some routes
 * or the whole mock; the newest that takes a request wins.
 *
 *   request ──► newest fault … oldest fault ──(none takes it)──► the route answers as declared
 *                    │
 *                    ├─ has content (status/json/body/sse) or is past its rate ──► it answers instead
 *                    └─ behaviour only (delay/dribble/fault) ──► the route answers, changed
 */
import { Content } from './content.js';
import { delaySampler, type DelaySampler } from './delays.js';
import type { Dribble } from './dribble.js';
import type { FaultName } from './faults/fault.js';
import type { Random } from '../random.js';
import { RateLimit } from './rate-limit.js';
import { Reply } from './reply.js';
import type { Route } from './route.js';
import type { MockFault } from './schema.js';

export class InjectedFault {
  /** Requests this fault has taken. */
  applied = 0;
  /** Its own answer when it has a status or a body. */
  readonly reply?: Reply;
  readonly delay?: DelaySampler;
  readonly dribble?: Dribble;
  readonly fault?: FaultName;
  private readonly rateLimit?: RateLimit;

  /** `routes`: the routes it targets, undefined for the whole mock (unmatched requests too). */
  constructor(
    readonly id: string,
    readonly definition: MockFault,
    private readonly routes: ReadonlySet<Route> | undefined,
    private readonly random: Random,
  ) {
    const { status, headers, json, body, sse } = definition;
    if (status !== undefined || headers !== undefined || json !== undefined || body !== undefined || sse !== undefined) {
      this.reply = new Reply(new Content({ status: status ?? 200, headers, json, body, sse }), {}, this.random);
    }
    if (definition.delay !== undefined) this.delay = delaySampler(definition.delay, this.random);
    if (definition.dribble) this.dribble = { chunks: definition.dribble.chunks, durationMs: definition.dribble.duration };
    this.fault = definition.fault;
    if (definition.rate_limit) this.rateLimit = new RateLimit(definition.rate_limit.rps);
  }

  /** How many more requests it takes; undefined when unlimited. */
  get remaining(): number | undefined {
    return this.definition.times === undefined ? undefined : this.definition.times - this.applied;
  }

  /**
   * Whether it takes this request (its route, its `times`, its rate, its probability); when it
   * does, the reply it answers with, or `true` when it only changes the route's answer.
   */
  take(route: Route | undefined, now: number): Reply | true | undefined {
    if (this.routes && (!route || !this.routes.has(route))) return undefined;
    if (this.definition.times !== undefined && this.applied >= this.definition.times) return undefined;
    let reply = this.reply;
    if (this.rateLimit) {
      reply = this.rateLimit.take(now);
      if (!reply) return undefined;
    }
    const probability = this.definition.probability ?? 1;
    if (probability < 1 && this.random.next() >= probability) return undefined;
    this.applied++;
    return reply ?? true;
  }

  reset(): void {
    this.applied = 0;
    this.rateLimit?.reset();
  }
}

export class InjectedFaults {
  private faults: InjectedFault[] = [];

  add(fault: InjectedFault): void {
    this.faults.push(fault);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): readonly InjectedFault[] {
    return this.faults;
  }

  /** The newest fault that takes this request, and what it answers (see InjectedFault.take). */
  pick(route: Route | undefined, now: number): { fault: InjectedFault; reply: Reply | true } | undefined {
    for (let i = this.faults.length - 1; i >= 0; i--) {
      const reply = this.faults[i].take(route, now);
      if (reply) return { fault: this.faults[i], reply };
    }
    return undefined;
  }
}
