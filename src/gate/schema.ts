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

const longForm = z
  .strictObject({
    threshold: expression,
    /** Stop the run as soon as this threshold is broken. */
    abort_on_fail: z.boolean().default(false),
    /** With abort_on_fail: do not judge before this much of the run has passed. */
    delay_abort_eval: duration.default(0),
    /** Judge the interval, not the estimate: held only when the whole interval is on the right side of the limit. */
    confidence: z
      .number({ error: 'expected a confidence level such as 0.95' })
      .gt(0.5, 'expected a confidence level such as 0.95')
      .lt(1, 'expected a confidence level such as 0.95')
      .optional(),
    /** With confidence: what an interval that straddles the limit counts as. */
    on_inconclusive: z.enum(['extend', 'fail', 'pass'], { error: 'expected extend, fail or pass' }).default('fail'),
    /** With on_inconclusive: extend, the longest the fault may be held (default three times the experiment's hold). */
    max_hold: duration.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.confidence === undefined) {
      for (const key of ['max_hold'] as const)
        if (t[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies with confidence (e.g. confidence: 0.95)` });
      if (t.on_inconclusive !== 'fail')
        ctx.addIssue({ code: 'custom', path: ['on_inconclusive'], message: 'on_inconclusive applies with confidence (e.g. confidence: 0.95)' });
      return;
    }
    const { aggregation, op } = t.threshold;
    if (!['rate', 'p', 'med'].includes(aggregation))
      ctx.addIssue({ code: 'custom', path: ['confidence'], message: `confidence applies to rates and percentiles (rate, p(N), med), not ${aggregation}` });
    if (op === '==' || op === '!=')
      ctx.addIssue({ code: 'custom', path: ['confidence'], message: `confidence needs <, <=, > or >=: an interval is never exactly ${op} a limit` });
    if (t.max_hold !== undefined && t.on_inconclusive !== 'extend')
      ctx.addIssue({ code: 'custom', path: ['max_hold'], message: 'max_hold applies with on_inconclusive: extend' });
  });

const SHORT_FORM_DEFAULTS = { abort_on_fail: false, delay_abort_eval: 0, on_inconclusive: 'fail' as const };

const one = z
  .union([expression, longForm], { error: 'expected a threshold such as "rate<0.05" or { threshold: "rate<0.05", abort_on_fail: true }' })
  .transform((t) => ('threshold' in t ? t : { threshold: t, ...SHORT_FORM_DEFAULTS }));

export const thresholdSchema = z.union([one, z.array(one)]).transform((t) => (Array.isArray(t) ? t : [t]));

/** One threshold of a metric, as loaded: `threshold` is the parsed expression (its source in `threshold.text`). */
export type ThresholdConfig = z.output<typeof thresholdSchema>[number];
