/** blackhole: bytes are read and discarded; the receiving side never hears anything. */
import { z } from 'zod';
import type { Stage, StageContext } from '../stage.js';

export const attributes = z.strictObject({});

export function create(_: z.output<typeof attributes>, ctx: StageContext): Stage {
  return {
    write() {},
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}
