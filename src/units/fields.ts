/**
 * Zod field types shared by every part of chaos-gate.yml (and the control API bodies), each
 * with a message that says what was expected.
 */
import { z } from 'zod';
import { splitHostPort } from '../address.js';
import { parseDuration } from './duration.js';

/** A duration string turned into milliseconds. */
export const duration = z.string({ error: 'expected a duration like 250ms, 30s or 10m' }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 250ms, 30s or 10m, got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

/** `host:port` kept as written; validated. */
export const hostPort = z.string({ error: 'expected host:port, e.g. 127.0.0.1:15432' }).superRefine((text, ctx) => {
  try {
    splitHostPort(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** A name usable in env variable names and URLs: letters, digits, `-` and `_`. */
export const name = z
  .string({ error: 'expected a name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, ".", "-" and "_"');

/** A probability or toxicity in 0..1. */
export const probability = z.number({ error: 'expected a number from 0 to 1' }).min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1');
