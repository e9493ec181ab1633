/**
 * stall: the source is no longer read, so its sender meets backpressure (TcpGate's `noop`:
 * an overloaded or deadlocked peer). Whatever was already on its way is held, and passed on,
 * in order, when the toxic is removed.
 */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';

export const attributes = z.strictObject({});

export function create(_: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  const held: Buffer[] = [];
  let ended = false;
  ctx.pause();
  return {
    write: (chunk) => void held.push(chunk),
    end() {
      ended = true;
    },
    flush() {
      for (const chunk of held.splice(0)) ctx.push(chunk);
      if (ended) ctx.end();
      ctx.resume();
    },
    destroy() {
      held.length = 0;
    },
  };
}
