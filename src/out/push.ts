/**
 * What the pushing outputs share: an Aggregator flushed every interval by an encoder into one
 * HTTP POST. A push in flight is never queued behind: an interval whose body cannot be sent
 * because the last is still going (a slow receiver) is dropped and counted, so a receiver that is
 * down or slow costs the load nothing but the points it does not get.
 */
import { Aggregator, MAX_SERIES, type Series } from './aggregate.js';
import type { OutPoint, Output, OutSummary } from './point.js';

export const FLUSH_EVERY_MS = 1000;
/** A push unanswered after this long is abandoned. */
const PUSH_TIMEOUT_MS = 5000;

export interface Encoded {
  body: Uint8Array | string;
  headers: Record<string, string>;
}

export class PushOutput implements Output {
  private readonly aggregator = new Aggregator();
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;
  private added = 0;
  private pending = 0;
  private sent = 0;
  private readonly errors = new Map<string, number>();

  constructor(
    private readonly name: string,
    private readonly url: string,
    private readonly encode: (series: Series[], now: number) => Encoded | undefined,
    flushEveryMs = FLUSH_EVERY_MS,
  ) {
    this.timer = setInterval(() => this.flush(), flushEveryMs);
    this.timer.unref();
  }

  add(point: OutPoint): void {
    this.added += 1;
    if (this.aggregator.add(point)) this.pending += 1;
  }

  /** Pushes what the interval saw; the timer calls it every interval (and tests may). */
  flush(): void {
    const points = this.pending;
    this.pending = 0;
    const encoded = this.encode(this.aggregator.take(), Date.now());
    if (!encoded) return;
    if (this.inFlight) {
      this.note('the last push was still going (a slow receiver); an interval was dropped');
      return;
    }
    this.inFlight = this.push(encoded, points).finally(() => (this.inFlight = undefined));
  }

  private async push(encoded: Encoded, points: number): Promise<void> {
    try {
      const response = await fetch(this.url, { method: 'POST', body: encoded.body, headers: encoded.headers, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.ok) this.sent += points;
      else this.note(`answered ${response.status}`);
    } catch (error) {
      const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
      this.note(name === 'TimeoutError' ? `no answer within ${PUSH_TIMEOUT_MS / 1000} s` : `cannot connect (${cause?.code ?? cause?.message ?? message})`);
    }
  }

  private note(problem: string): void {
    this.errors.set(problem, (this.errors.get(problem) ?? 0) + 1);
  }

  async close(): Promise<OutSummary> {
    clearInterval(this.timer);
    await this.inFlight;
    this.flush();
    await this.inFlight;
    if (this.aggregator.dropped > 0) this.note(`got more than ${MAX_SERIES} series; the points of the others were dropped`);
    const errors = [...this.errors].map(([problem, times]) => `${this.url} ${problem}${times > 1 ? ` (${times} times)` : ''}`);
    return { output: `${this.name} ${this.url}`, points: this.added, dropped: this.added - this.sent, errors };
  }
}
