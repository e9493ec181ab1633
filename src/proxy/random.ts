/** The proxy's dice (toxicity, jitter, corrupt, slicer) as plain functions over the shared seeded source. */
import { Random as Source } from '../random.js';

export type Random = () => number;

/** Numbers in [0, 1) from `seed`; the same seed replays the same faults. */
export function seededRandom(seed: number): Random {
  const source = new Source(seed);
  return () => source.next();
}

/** A seed drawn from `random`, for a child source (one per connection) that stays deterministic. */
export function childSeed(random: Random): number {
  return Math.floor(random() * 4294967296);
}
