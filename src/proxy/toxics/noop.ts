/** noop: bytes pass untouched (Toxiproxy's noop toxic, for clients and tests that add one to check the API). */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';

export const attributes = z.strictObject({});

export function create(_: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  return {
    write: (chunk) => ctx.push(chunk),
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}
