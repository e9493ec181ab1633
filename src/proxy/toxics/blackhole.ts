/** blackhole: bytes are read and discarded; the receiving side never hears anything. */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';

export const attributes = z.strictObject({});

export function create(_: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  return {
    write() {},
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}
