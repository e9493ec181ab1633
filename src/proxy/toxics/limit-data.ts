/** limit_data: the first `bytes` bytes pass, then the connection is closed (as Toxiproxy does). */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { wholeNumber } from './attributes.js';

export const attributes = z.strictObject({ bytes: wholeNumber('bytes') });

export function create({ bytes }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  let passed = 0;
  return {
    write(chunk) {
      if (passed >= bytes) return;
      const room = bytes - passed;
      const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
      passed += piece.length;
      if (piece.length > 0) ctx.push(piece);
      if (passed >= bytes) ctx.close();
    },
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}
