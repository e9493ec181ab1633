/**
 * limit_time: bytes pass; `time` ms (+ up to `jitter` ms) after the first byte in this
 * direction the connection is closed (TcpGate's limit_time: a lifetime from first use).
 */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { milliseconds } from './attributes.js';

export const attributes = z.strictObject({
  time: milliseconds(),
  jitter: milliseconds().default(0),
});

export function create({ time, jitter }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  let timer: NodeJS.Timeout | undefined;
  return {
    write(chunk) {
      timer ??= setTimeout(() => ctx.close(), time + ctx.random.next() * jitter);
      ctx.push(chunk);
    },
    end: () => ctx.end(),
    flush: () => clearTimeout(timer),
    destroy: () => clearTimeout(timer),
  };
}
