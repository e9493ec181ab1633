/**
 * Faults on an HTTP proxy, compiled: which requests each may take, and what it does to them.
 * The newest fault that takes a request acts on it; the rest never see it (one fault per exchange,
 * so the journal can say which).
 *
 *   request ──► newest … oldest ──(none takes it)──► forwarded untouched
 *                  │
 *                  └─ matches, not excluded, under `times`, drawn with `probability` ──► its effect
 */
import { Content } from '../mock/content.js';
import { delaySampler, type DelaySampler } from '../mock/delays.js';
import { RequestMatcher } from '../mock/match.js';
import { RateLimit } from '../mock/rate-limit.js';
import type { MockRequest } from '../mock/request.js';
import type { Random } from '../random.js';
import type { AbortKind, HttpFault } from './schema.js';

/** What a fault does to one exchange. */
export interface FaultAction {
  fault: HttpProxyFault;
  /** Milliseconds to wait, before calling the upstream or before answering (`fault.when`). */
  delayMs: number;
  /** Answer this instead of the upstream's response (a status, or a rate limit's 429). */
  answer?: Content;
  abort?: AbortKind;
}

export class HttpProxyFault {
  /** Requests it has taken. */
  applied = 0;
  /** `status`, `abort`, `delay`, … : what the journal and the API name it by. */
  readonly kind: string;
  private readonly matcher?: RequestMatcher;
  private readonly excluded: RequestMatcher[];
  private readonly content?: Content;
  private readonly delay?: DelaySampler;
  private readonly rateLimit?: RateLimit;

  constructor(
    readonly id: string,
    readonly definition: HttpFault,
    private readonly random: Random,
  ) {
    const { request, exclude, status, headers, json, body } = definition;
    if (request) this.matcher = new RequestMatcher(request);
    this.excluded = (exclude ?? []).map((path) => new RequestMatcher({ path }));
    if (status !== undefined) this.content = new Content({ status, headers, json, body });
    if (definition.delay !== undefined) this.delay = delaySampler(definition.delay, random);
    if (definition.rate_limit) this.rateLimit = new RateLimit(definition.rate_limit.rps);
    this.kind =
      (['status', 'abort', 'rate_limit', 'truncate', 'throttle', 'header'] as const).filter((key) => definition[key] !== undefined).join('+') || 'delay';
  }

  get remaining(): number | undefined {
    return this.definition.times === undefined ? undefined : this.definition.times - this.applied;
  }

  /** Whether it takes this request at `now` (ms), and what it does when it does. */
  take(request: MockRequest, now: number): FaultAction | undefined {
    if (this.matcher && this.matcher.match(request) === undefined) return undefined;
    for (const excluded of this.excluded) if (excluded.match(request) !== undefined) return undefined;
    if (this.definition.times !== undefined && this.applied >= this.definition.times) return undefined;
    let answer = this.content;
    if (this.rateLimit) {
      // Under the rate the request passes, untouched but for a delay.
      answer = this.rateLimit.take(now)?.content;
      if (!answer && this.delay === undefined) return undefined;
    }
    const probability = this.definition.probability ?? 1;
    if (probability < 1 && this.random.next() >= probability) return undefined;
    this.applied++;
    return { fault: this, delayMs: this.delay ? Math.max(0, this.delay()) : 0, answer, abort: this.definition.abort };
  }

  reset(): void {
    this.applied = 0;
    this.rateLimit?.reset();
    this.random.rewind();
  }
}

/** `status 503 for 30% of POST /charges`: a fault in words, for logs and reports. */
export function describeHttpFault(fault: HttpFault): string {
  const what: string[] = [];
  if (fault.status !== undefined) what.push(`status ${fault.status}${fault.when === 'response' ? ' after the upstream answered' : ''}`);
  if (fault.abort !== undefined) what.push(`${fault.abort} abort${fault.when === 'response' ? ' after the upstream answered' : ''}`);
  if (fault.rate_limit !== undefined) what.push(`rate limit of ${fault.rate_limit.rps} req/s`);
  if (fault.truncate !== undefined) what.push(`response cut after ${fault.truncate} bytes`);
  if (fault.throttle !== undefined) what.push(`response throttled to ${fault.throttle} bytes/s`);
  if (fault.header !== undefined) what.push('response headers changed');
  if (fault.delay !== undefined) what.push(`delay${typeof fault.delay === 'number' ? ` of ${fault.delay} ms` : ''}`);
  const share = fault.probability !== undefined && fault.probability < 1 ? ` for ${Math.round(fault.probability * 1000) / 10}%` : '';
  const of = fault.request ? ` of ${new RequestMatcher(fault.request).label}` : share ? ' of requests' : '';
  return `${what.join(' and ')}${share}${of}`;
}

/** The faults of one proxy, oldest first. */
export class HttpProxyFaults {
  private faults: HttpProxyFault[] = [];

  add(fault: HttpProxyFault): void {
    this.faults.push(fault);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  list(): readonly HttpProxyFault[] {
    return this.faults;
  }

  /** The newest fault that takes this request; none is the common case and costs one length check. */
  pick(request: MockRequest, now: number): FaultAction | undefined {
    for (let i = this.faults.length - 1; i >= 0; i--) {
      const action = this.faults[i].take(request, now);
      if (action) return action;
    }
    return undefined;
  }
}
