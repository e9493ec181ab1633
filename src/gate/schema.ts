/**
 * The `thresholds:` values in chaos-gate.yml: one expression, a list, or k6's long form. Each
 * expression is parsed here, once; judging and abort_on_fail read the parsed structure.
 */
import { z } from 'zod';
import { duration } from '../units/fields.js';
import { parseExpression } from './expression.js';

const expression = z.string({ error: 'expected a threshold such as "rate<0.05"' }).transform((text, ctx) => {
  const parsed = parseExpression(text);
  if (typeof parsed !== 'string') return parsed;
  // Not fatal, as a refinement's issue: a union then reports this branch's message, not "Invalid input".
  ctx.issues.push({ code: 'custom', message: parsed, input: text, continue: true });
  return z.NEVER;
});

const longForm = z.strictObject({
  threshold: expression,
  /** Stop the run as soon as this threshold is broken. */
  abort_on_fail: z.boolean().default(false),
  /** With abort_on_fail: do not judge before this much of the run has passed. */
  delay_abort_eval: duration.default(0),
});

const one = z.union([expression, longForm], { error: 'expected a threshold such as "rate<0.05" or { threshold: "rate<0.05", abort_on_fail: true }' })
  .transform((t) => ('threshold' in t ? t : { threshold: t, abort_on_fail: false, delay_abort_eval: 0 }));

export const thresholdSchema = z.union([one, z.array(one)]).transform((t) => (Array.isArray(t) ? t : [t]));

/** One threshold of a metric, as loaded: `threshold` is the parsed expression (its source in `threshold.text`). */
export type ThresholdConfig = z.output<typeof thresholdSchema>[number];
