/**
 * A route's responses in order: each entry answers `times` requests, then the next; the last
 * answers forever. `503, 503, 200` is `[{ status: 503, times: 2 }, { status: 200 }]`.
 */
import type { Reply } from './reply.js';

export class Sequence {
  private position = 0;
  private used = 0;

  constructor(private readonly entries: { reply: Reply; times: number }[]) {}

  /** The reply for the next request; advances the sequence. */
  next(): Reply {
    const entry = this.entries[this.position];
    if (this.position < this.entries.length - 1 && ++this.used >= entry.times) {
      this.position++;
      this.used = 0;
    }
    return entry.reply;
  }

  /** Which entry answers next (0-based), for the mock's view. */
  get upcoming(): number {
    return this.position;
  }

  reset(): void {
    this.position = 0;
    this.used = 0;
    for (const { reply } of this.entries) reply.random.rewind();
  }
}
