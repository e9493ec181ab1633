/** A small seedable random source, so faults that roll dice (toxicity, jitter, corrupt, slicer) replay in tests. */

export type Random = () => number;

/** mulberry32: a fast 32-bit PRNG; returns numbers in [0, 1). Any integer seed works. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed drawn from `random`, for a child source (one per connection) that stays deterministic. */
export function childSeed(random: Random): number {
  return Math.floor(random() * 4294967296);
}
