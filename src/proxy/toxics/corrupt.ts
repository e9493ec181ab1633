/**
 * corrupt: each bit is flipped with `probability` (Toxiproxy's meaning; 1 inverts every byte).
 * Bits to flip are found by geometric skips, so cost follows the flips, not the bytes.
 */
import { z } from 'zod';
import { probability } from '../../units/fields.js';
import type { Random } from '../../random.js';
import type { ToxicStage, ToxicStageContext } from '../toxic-stage.js';

export const attributes = z.strictObject({ probability });

export function create({ probability: p }: z.output<typeof attributes>, ctx: ToxicStageContext): ToxicStage {
  return {
    write: (chunk) => ctx.push(p === 0 ? chunk : corrupt(chunk, p, ctx.random)),
    end: () => ctx.end(),
    flush() {},
    destroy() {},
  };
}

/** A copy of `chunk` with bits flipped at rate `p`; the original buffer is left alone. */
export function corrupt(chunk: Buffer, p: number, random: Random): Buffer {
  const out = Buffer.from(chunk);
  if (p >= 1) {
    for (let i = 0; i < out.length; i++) out[i] ^= 0xff;
    return out;
  }
  const bits = out.length * 8;
  const logKeep = Math.log1p(-p);
  for (let bit = skip(random, logKeep); bit < bits; bit += 1 + skip(random, logKeep)) {
    out[bit >>> 3] ^= 1 << (bit & 7);
  }
  return out;
}

/** How many bits to leave before the next flip: geometric with success rate p. */
function skip(random: Random, logKeep: number): number {
  return Math.floor(Math.log1p(-random.next()) / logKeep);
}
