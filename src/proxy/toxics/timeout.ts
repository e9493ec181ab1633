/**
 * timeout: nothing passes; the connection is closed `timeout` ms after the toxic starts on it
 * (0 = never). Removing it closes a connection that lost bytes to it (its stream is broken),
 * but, unlike Toxiproxy, keeps the connections it never touched.
 */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { milliseconds } from './attributes.js';

export const attributes = z.strictObject({ timeout: milliseconds().default(0) });

export function create({ timeout }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  let dropped = false;
  const timer = timeout > 0 ? setTimeout(() => ctx.close(), timeout) : undefined;
  return {
    write() {
      dropped = true;
    },
    end: () => ctx.end(),
    flush() {
      clearTimeout(timer);
      if (dropped) ctx.close();
    },
    destroy: () => clearTimeout(timer),
  };
}
