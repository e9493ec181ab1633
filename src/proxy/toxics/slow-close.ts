/** slow_close: data passes; the end of the stream (FIN) is held `delay` ms. */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { milliseconds } from './attributes.js';

export const attributes = z.strictObject({ delay: milliseconds().default(0) });

export function create({ delay }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  let timer: NodeJS.Timeout | undefined;
  return {
    write: (chunk) => ctx.push(chunk),
    end() {
      timer = setTimeout(() => {
        timer = undefined;
        ctx.end();
      }, delay);
    },
    flush() {
      if (!timer) return;
      clearTimeout(timer);
      timer = undefined;
      ctx.end();
    },
    destroy: () => clearTimeout(timer),
  };
}
