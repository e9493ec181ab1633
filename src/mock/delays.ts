/**
 * Response delays, as WireMock draws them: fixed (`fixedDelayMilliseconds`), uniform
 * (`lower`..`upper`) and lognormal (`median`, `sigma`: a long tail like real services).
 */
import type { Random } from '../random.js';

/** Milliseconds: a fixed delay, a uniform range, or a lognormal distribution. */
export type DelaySpec = number | { min: number; max: number } | { median: number; sigma: number };

/** A function drawing one delay in milliseconds. */
export type DelaySampler = () => number;

/** Compiles a delay spec; the random ones draw from `random`. */
export function delaySampler(spec: DelaySpec, random: Random): DelaySampler {
  if (typeof spec === 'number') return () => spec;
  if ('min' in spec) {
    const { min, max } = spec;
    return () => min + random.next() * (max - min);
  }
  const { median, sigma } = spec;
  // The median of exp(N(ln median, sigma²)) is `median`.
  return () => median * Math.exp(sigma * random.normal());
}
