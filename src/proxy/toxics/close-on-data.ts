/** close_on_data: the first bytes close the connection (FIN both ways) instead of passing. */
import { z } from 'zod';
import type { Stage, StageContext } from '../stage.js';

export const attributes = z.strictObject({});

export function create(_: z.output<typeof attributes>, ctx: StageContext): Stage {
  return {
    write: () => ctx.close(),
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}
