/**
 * bandwidth: bytes pass at `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy counts), released in
 * slices of about 10 ms worth so the flow is smooth rather than bursty.
 */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';

export const attributes = z.strictObject({
  rate: z.number({ error: 'expected a rate in KB/s > 0' }).positive('expected a rate in KB/s > 0').refine(Number.isFinite, 'expected a finite rate in KB/s'),
});

const SLICE_MS = 10;

export function create({ rate }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  const bytesPerMs = rate; // KB/s = bytes/ms
  const sliceBytes = Math.max(1, Math.floor(bytesPerMs * SLICE_MS));
  // Holding a second's worth (at least 64 KiB) is enough to keep the pipe full; beyond it, backpressure.
  const highWater = Math.max(64 * 1024, bytesPerMs * 1000);
  const queue: (Buffer | null)[] = [];
  let heldBytes = 0;
  let paused = false;
  let timer: NodeJS.Timeout | undefined;
  // When the bytes sent so far have finished "transmitting" at this rate.
  let clock = 0;

  const enqueue = (chunk: Buffer | null) => {
    if (queue.length === 0) clock = Math.max(clock, performance.now());
    queue.push(chunk);
    if (chunk) heldBytes += chunk.length;
    if (!paused && heldBytes > highWater) {
      paused = true;
      ctx.pause();
    }
    if (!timer) pump();
  };

  /** Releases every slice whose transmission time has passed, then waits for the next. */
  const pump = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0) {
      const chunk = queue[0];
      if (chunk === null) {
        queue.shift();
        ctx.end();
        continue;
      }
      const size = Math.min(chunk.length, sliceBytes);
      const due = clock + size / bytesPerMs;
      if (due > now) {
        timer = setTimeout(pump, Math.max(1, Math.ceil(due - now)));
        return;
      }
      clock = due;
      take(size);
    }
  };

  const take = (size: number) => {
    const chunk = queue[0]!;
    if (size === chunk.length) queue.shift();
    else queue[0] = chunk.subarray(size);
    heldBytes -= size;
    if (paused && heldBytes <= highWater / 2) {
      paused = false;
      ctx.resume();
    }
    ctx.push(size === chunk.length ? chunk : chunk.subarray(0, size));
  };

  return {
    write: (chunk) => enqueue(chunk),
    end: () => enqueue(null),
    flush() {
      clearTimeout(timer);
      timer = undefined;
      while (queue.length > 0) {
        const chunk = queue[0];
        if (chunk === null) {
          queue.shift();
          ctx.end();
        } else take(chunk.length);
      }
    },
    destroy() {
      clearTimeout(timer);
      queue.length = 0;
    },
  };
}
