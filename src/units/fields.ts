/**
 * Zod field types shared by every part of chaos-gate.yml (and the control API bodies), each
 * with a message that says what was expected.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { splitHostPort } from '../address.js';
import { MAX_TIMER_MS, parseDuration, timerRangeProblem } from './duration.js';

/** A duration string turned into milliseconds, at most what a timer can wait (596h). */
export const duration = z.string({ error: 'expected a duration like 250ms, 30s or 10m' }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 250ms, 30s or 10m, got "${text}"` });
    return z.NEVER;
  }
  const tooLong = timerRangeProblem(ms);
  if (tooLong) {
    ctx.addIssue({ code: 'custom', message: `${tooLong}, got "${text}"` });
    return z.NEVER;
  }
  return ms;
});

/** A duration above zero (a TTL or a deadline of 0 would end everything at once). */
export const positiveDuration = duration.refine((ms) => ms > 0, 'expected a duration above 0, e.g. 5m');

/** A number of milliseconds ≥ 0 that a timer can wait (as Toxiproxy's API and the control API write durations). */
export const timerMs = (what = 'milliseconds', max = MAX_TIMER_MS) =>
  z
    .number({ error: `expected a number of ${what} ≥ 0` })
    .min(0, `expected a number of ${what} ≥ 0`)
    .max(max, `expected at most ${max} ${what} (596h, the longest a timer can wait)`);

/** `host:port` kept as written; validated. */
export const hostPort = z.string({ error: 'expected host:port, e.g. 127.0.0.1:15432' }).superRefine((text, ctx) => {
  try {
    splitHostPort(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/**
 * A PEM file (certificates to trust), made absolute from `baseDir`, or from the working directory
 * when parsed without one; it must exist now (it is read when used).
 */
export const pemFile = (baseDir?: string) =>
  z.string({ error: 'expected the path of a PEM file' }).transform((file, ctx) => {
    const path = baseDir === undefined ? resolve(file) : resolve(baseDir, file);
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // Named below.
    }
    ctx.addIssue({ code: 'custom', message: `expected an existing PEM file; ${path} is not one` });
    return z.NEVER;
  });

/** A name usable in env variable names and URLs: letters, digits, `-` and `_`. */
export const name = z.string({ error: 'expected a name' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, ".", "-" and "_"');

/** A probability or toxicity in 0..1. */
export const probability = z.number({ error: 'expected a number from 0 to 1' }).min(0, 'expected a number from 0 to 1').max(1, 'expected a number from 0 to 1');

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size in bytes: a number, or a string such as `512KB`, `20MB`, `1GB` (units of 1024). */
export const size = z.union([z.number(), z.string()], { error: 'expected a size like 512KB, 20MB or 1GB' }).transform((value, ctx) => {
  const match = typeof value === 'number' ? ['', String(value), ''] : /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(value);
  const bytes = match ? Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    ctx.addIssue({ code: 'custom', message: `expected a size like 512KB, 20MB or 1GB, got "${value}"` });
    return z.NEVER;
  }
  return bytes;
});

/** The default budget of one stage's or service's log file (`report.log_limit`): its head and tail are kept. */
export const DEFAULT_LOG_LIMIT = 20 * 1024 * 1024;

/** The default budget of the test cases one stage's JUnit files keep for junit.xml (`report.junit_limit`). */
export const DEFAULT_JUNIT_LIMIT = 8 * 1024 * 1024;
