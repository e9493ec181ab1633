/** close_on_data: the first bytes close the connection (FIN both ways) instead of passing. */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';

export const attributes = z.strictObject({});

export function create(_: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  return {
    write: () => ctx.close(),
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}
