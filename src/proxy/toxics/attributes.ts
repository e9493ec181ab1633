/** Attribute field types shared by the toxics; messages say what was expected and in which unit. */
import { z } from 'zod';

/** A duration in milliseconds, ≥ 0 (fractions allowed). */
export function milliseconds(what = 'milliseconds') {
  return z
    .number({ error: `expected a number of ${what} ≥ 0` })
    .min(0, `expected a number of ${what} ≥ 0`)
    .refine(Number.isFinite, `expected a finite number of ${what}`);
}

/** A whole number ≥ `min`, e.g. a byte count. */
export function wholeNumber(what: string, min = 0) {
  return z
    .number({ error: `expected a whole number of ${what} ≥ ${min}` })
    .int(`expected a whole number of ${what} ≥ ${min}`)
    .min(min, `expected a whole number of ${what} ≥ ${min}`);
}
