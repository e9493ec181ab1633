/** Attribute field types shared by the toxics; messages say what was expected and in which unit. */
import { z } from 'zod';
import { MAX_TIMER_MS } from '../../units/duration.js';
import { timerMs } from '../../units/fields.js';

/** A duration in milliseconds (or microseconds), ≥ 0 (fractions allowed), no longer than a timer can wait. */
export function milliseconds(what = 'milliseconds') {
  return timerMs(what, what === 'microseconds' ? MAX_TIMER_MS * 1000 : MAX_TIMER_MS);
}

/** A whole number ≥ `min`, e.g. a byte count. */
export function wholeNumber(what: string, min = 0) {
  return z
    .number({ error: `expected a whole number of ${what} ≥ ${min}` })
    .int(`expected a whole number of ${what} ≥ ${min}`)
    .min(min, `expected a whole number of ${what} ≥ ${min}`);
}
