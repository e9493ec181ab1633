/**
 * latency: every chunk (and the end of the stream) is held `latency` ± `jitter` ms, in order.
 * Unlike Toxiproxy, chunks are delayed from their own arrival, not one after another, so a
 * busy connection sees the latency a real network has instead of a throughput cap.
 */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { milliseconds } from './attributes.js';

export const attributes = z.strictObject({
  latency: milliseconds().default(0),
  jitter: milliseconds().default(0),
});

/** Past this many held bytes the source is paused, so a slow fault cannot fill memory. */
const HIGH_WATER_BYTES = 16 * 1024 * 1024;

type Held = { chunk: Buffer | null; due: number };

export function create(initial: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  let { latency, jitter } = initial;
  const queue: Held[] = [];
  let head = 0;
  let heldBytes = 0;
  let lastDue = 0;
  let paused = false;
  let timer: NodeJS.Timeout | undefined;

  const delay = () => (jitter > 0 ? latency + (ctx.random.next() * 2 - 1) * jitter : latency);

  const hold = (chunk: Buffer | null) => {
    const now = performance.now();
    // Never earlier than the chunk before: jitter must not reorder bytes.
    const due = Math.max(now + delay(), lastDue);
    if (queue.length === head && due <= now) {
      release(chunk);
      return;
    }
    lastDue = due;
    queue.push({ chunk, due });
    if (chunk) heldBytes += chunk.length;
    if (!paused && heldBytes > HIGH_WATER_BYTES) {
      paused = true;
      ctx.pause();
    }
    if (!timer) arm(due - now);
  };

  const release = (chunk: Buffer | null) => (chunk ? ctx.push(chunk) : ctx.end());

  // Node's timers count whole milliseconds from the loop's cached clock, so one may fire a little
  // before the deadline: drain() checks performance.now() and re-arms for the rest (never early).
  // Rounding down instead of up spares the ~1 ms that a ceil() added to every release.
  const arm = (ms: number) => {
    timer = setTimeout(drain, Math.max(1, Math.floor(ms)));
  };

  const drain = () => {
    timer = undefined;
    const now = performance.now();
    while (head < queue.length && queue[head].due <= now) takeHead();
    compact();
    if (head < queue.length) arm(queue[head].due - now);
  };

  const takeHead = () => {
    const { chunk } = queue[head];
    queue[head++] = undefined as unknown as Held;
    if (chunk) heldBytes -= chunk.length;
    if (paused && heldBytes <= HIGH_WATER_BYTES / 2) {
      paused = false;
      ctx.resume();
    }
    release(chunk);
  };

  const compact = () => {
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024) {
      queue.splice(0, head);
      head = 0;
    }
  };

  return {
    write: (chunk) => hold(chunk),
    end: () => hold(null),
    flush() {
      clearTimeout(timer);
      timer = undefined;
      while (head < queue.length) takeHead();
      compact();
    },
    destroy() {
      clearTimeout(timer);
      queue.length = 0;
      head = 0;
    },
    // Chunks from now on take the new latency; held ones keep their due time (never reordered).
    update(next) {
      latency = next.latency ?? latency;
      jitter = next.jitter ?? jitter;
    },
  };
}
