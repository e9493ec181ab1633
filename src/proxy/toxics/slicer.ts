/**
 * slicer: each chunk is cut into pieces of about `average_size` ± `size_variation` bytes, sent
 * `delay` µs apart (Node timers resolve to 1 ms, so a non-zero delay is at least 1 ms).
 * Cutting follows Toxiproxy: halve around the middle, varied, until pieces are small enough.
 */
import { z } from 'zod';
import type { Random } from '../../random.js';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { milliseconds, wholeNumber } from './attributes.js';

export const attributes = z
  .strictObject({
    average_size: wholeNumber('bytes', 1),
    size_variation: wholeNumber('bytes').default(0),
    delay: milliseconds('microseconds').default(0),
  })
  .refine((a) => a.size_variation < a.average_size, {
    message: 'expected size_variation below average_size',
    path: ['size_variation'],
  });

export function create({ average_size: average, size_variation: variation, delay }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  const delayMs = delay / 1000;
  const queue: (Buffer | null)[] = [];
  let timer: NodeJS.Timeout | undefined;

  const send = () => {
    timer = undefined;
    const piece = queue.shift();
    if (piece === undefined) return;
    if (piece === null) ctx.end();
    else ctx.push(piece);
    // The gap follows every piece, also the last one of a chunk.
    timer = setTimeout(send, delayMs);
  };

  const enqueue = (piece: Buffer | null) => {
    queue.push(piece);
    if (!timer) send();
  };

  return {
    write(chunk) {
      const cuts = cutPoints(chunk.length, average, variation, ctx.random);
      if (delayMs === 0) {
        for (let i = 1; i < cuts.length; i++) ctx.push(chunk.subarray(cuts[i - 1], cuts[i]));
        return;
      }
      for (let i = 1; i < cuts.length; i++) enqueue(chunk.subarray(cuts[i - 1], cuts[i]));
    },
    end() {
      if (delayMs === 0) ctx.end();
      else enqueue(null);
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      for (const piece of queue.splice(0)) {
        if (piece === null) ctx.end();
        else ctx.push(piece);
      }
    },
    destroy() {
      clearTimeout(timer);
      queue.length = 0;
    },
  };
}

/** Offsets [0, a, b, …, size] splitting `size` bytes into pieces near `average` ± `variation`. */
export function cutPoints(size: number, average: number, variation: number, random: Random): number[] {
  const cuts = [0];
  const split = (start: number, end: number) => {
    if (end - start - average <= variation) {
      cuts.push(end);
      return;
    }
    const offset = variation > 0 ? Math.floor(random.next() * variation * 2) - variation : 0;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + offset));
    split(start, mid);
    split(mid, end);
  };
  split(0, size);
  return cuts;
}
