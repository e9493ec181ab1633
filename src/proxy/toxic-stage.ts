/**
 * A toxic at work on one direction of one connection: a stage of that direction's chain.
 *
 *   source socket ──► stage ──► stage ──► destination socket
 *                     (each stage passes bytes on through its ToxicStageContext, now or later)
 *
 * The toxic (its attributes, toxicity, seed) is shared by every connection of a proxy; a stage
 * holds one connection's state (a queue, a timer, a byte count).
 */
import type { Random } from '../random.js';

/** What a stage may do to its connection. */
export interface ToxicStageContext {
  /** Passes bytes to the next stage (or the destination socket). */
  push(chunk: Buffer): void;
  /** Passes end-of-stream on: the destination's write side is shut (half-close). */
  end(): void;
  /** Stops reading the source until `resume` (the sender meets backpressure). */
  pause(): void;
  resume(): void;
  /** Closes the whole connection: pending writes flushed, then FIN both ways. */
  close(): void;
  /** Resets the whole connection: RST both ways. */
  reset(): void;
  /** This stage's own seeded source (one per connection and direction). */
  random: Random;
}

export interface ToxicStage {
  /** Takes a chunk read from the source (or released by the stage before). */
  write(chunk: Buffer): void;
  /** The source ended; pass `end` on once everything held has been pushed. */
  end(): void;
  /**
   * The toxic is being removed or replaced: push everything held (then `end` if it was seen),
   * synchronously and in order, and cancel timers. Removing a fault never loses bytes.
   */
  flush(): void;
  /** The connection is gone: drop what is held and cancel timers. */
  destroy(): void;
  /**
   * New attributes of the same toxic (an update, a ramp), for bytes arriving from now on; what is
   * held keeps its schedule. Stages without it are flushed and made again on an update.
   */
  update?(attributes: Record<string, number>): void;
}
