/**
 * reset_peer: the first bytes (or the end of the stream) start a `timeout` ms countdown
 * (0 = at once), then the connection is reset: a real TCP RST to both peers, as Toxiproxy does.
 * What arrives meanwhile is dropped, as a peer that resets would not process it.
 */
import { z } from 'zod';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';
import { milliseconds } from './attributes.js';

export const attributes = z.strictObject({ timeout: milliseconds().default(0) });

export function create({ timeout }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  let dropped = false;
  let ended = false;
  let triggered = false;
  let timer: NodeJS.Timeout | undefined;
  const trigger = () => {
    if (triggered) return;
    triggered = true;
    if (timeout === 0) ctx.reset();
    else timer = setTimeout(() => ctx.reset(), timeout);
  };
  return {
    write() {
      dropped = true;
      trigger();
    },
    end() {
      ended = true;
      trigger();
    },
    flush() {
      clearTimeout(timer);
      // Bytes were swallowed: carrying on would hand the peer a broken stream.
      if (dropped) ctx.close();
      else if (ended) ctx.end();
    },
    destroy: () => clearTimeout(timer),
  };
}
