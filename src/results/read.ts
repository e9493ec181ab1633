/**
 * Reads a metrics.json written by chaos-gate (a baseline, a shard's report) and checks it is one,
 * so every reader refuses a bad file with the same clear reason instead of misreading it later.
 * A report from a future version is refused, not guessed at.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RunReport } from './types.js';

/** metrics.json could not be read, or is not a chaos-gate report. */
export class RunReportError extends Error {
  override name = 'RunReportError';
}

const stageName = z.enum(['unit', 'integration', 'load', 'chaos']);
const metrics = z.record(z.string(), z.looseObject({ type: z.enum(['counter', 'gauge', 'rate', 'trend']) }));
const count = z.number().int().nonnegative();
const phase = z.object({ success_rate: z.number().nullable(), requests: count, metrics });

const checks = z
  .array(
    z.object({
      name: z.string(),
      passes: count,
      fails: count,
      example: z.object({ step: z.string(), status: z.union([z.number(), z.string()]), body: z.string() }).optional(),
    }),
  )
  .optional();

const runReport = z.object({
  version: z.literal(1),
  chaos_gate_version: z.string().optional(),
  verdict: z.enum(['pass', 'fail']),
  started_at: z.string(),
  duration_ms: z.number(),
  shard: z.object({ index: count, total: count }).optional(),
  stages: z.partialRecord(
    stageName,
    z.object({
      status: z.enum(['passed', 'failed', 'timed_out', 'cancelled', 'not_run']),
      exit_code: z.number().nullable(),
      duration_ms: z.number(),
      tests: z.object({ total: count, passed: count, failed: count, errors: count, skipped: count }).optional(),
      failures: z.array(z.object({ suite: z.string(), name: z.string(), message: z.string() })).optional(),
      reason: z.string().optional(),
      tests_note: z.string().optional(),
      log: z.string().optional(),
      metrics,
      checks,
    }),
  ),
  metrics,
  experiments: z.array(
    z.object({
      name: z.string(),
      fault: z.record(z.string(), z.unknown()),
      recovery_time_ms: z.number().nullable(),
      recover_within_ms: z.number().optional(),
      ok: z.boolean(),
      repeats: z
        .object({
          asked: count,
          done: count,
          recovery_times_ms: z.array(z.number().nullable()),
          recovery_time: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }).optional(),
        })
        .optional(),
      reach: z
        .object({
          requests: count,
          connections: z.object({ touched: count, total: count }).optional(),
          bytes: count.optional(),
          faulted_requests: count.optional(),
          faulted_at: z.string().optional(),
        })
        .optional(),
      vacuous: z.boolean().optional(),
      steps: z.array(z.object({ step: count, at_ms: z.number(), start: z.number() })).optional(),
      reconnects: z.array(z.object({ proxy: z.string(), closed: count, back: count, reconnect_time_ms: z.number().nullable() })).optional(),
      phases: z.object({ steady: phase, fault: phase, recovery: phase, boundary: phase.optional() }),
      checks,
    }),
  ),
  matrix: z
    .object({
      dependencies: z.array(z.string()),
      faults: z.array(z.string()),
      cells: z.array(
        z.object({
          index: count,
          dependency: z.string(),
          kind: z.enum(['proxy', 'http_proxy', 'mock']),
          fault: z.string(),
          outcome: z.enum(['survived', 'degraded', 'failed', 'skipped']),
          success_rate: z.number().nullable(),
          p95_ms: z.number().nullable(),
          recovery_time_ms: z.number().nullable(),
          reason: z.string().optional(),
          series: z.array(z.object({ t: z.number(), requests: count, failures: count, p50: z.number(), p99: z.number() })).optional(),
        }),
      ),
      budget_ms: z.number(),
      elapsed_ms: z.number(),
      note: z.string().optional(),
      regressions: count.optional(),
    })
    .optional(),
  thresholds: z.array(
    z.object({
      metric: z.string(),
      expression: z.string(),
      actual: z.number().nullable(),
      limit: z.number().nullable(),
      ok: z.boolean(),
      reason: z.string().optional(),
    }),
  ),
  timeline: z.object({
    series: z.array(z.object({ t: z.number(), requests: count, failures: count, p50: z.number(), p99: z.number() })),
    windows: z.array(z.object({ experiment: z.string(), start: z.number(), end: z.number() })),
  }),
  errors: z.array(z.string()),
  // Untrusted when it comes from a fork's artifact: `mode: comment` checks it against the event.
  source: z
    .object({
      repository: z.string().max(200),
      pull_request: z.number().int().positive().optional(),
      head_sha: z
        .string()
        .regex(/^[0-9a-f]{40,64}$/, 'expected a commit SHA')
        .optional(),
      run_id: z.number().int().positive().optional(),
      comment_key: z.string().max(500).optional(),
    })
    .optional(),
}) satisfies z.ZodType<RunReport>;

/**
 * The report in `file`; `name` is how messages call it (default the path). Throws RunReportError
 * naming the file and what is wrong: `cannot read F: no such file`, `F: expected version 1, found 2`,
 * `F: stages.unit.status: …`.
 */
export async function readRunReport(file: string, name = file): Promise<RunReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RunReportError(`cannot read ${name}: ${why}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RunReportError(`${name} is not JSON: ${(error as Error).message}`);
  }
  return parseRunReport(value, name);
}

/** Checks a parsed metrics.json; see readRunReport. */
export function parseRunReport(value: unknown, name: string): RunReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RunReportError(`${name}: expected a JSON object`);
  const version = (value as { version?: unknown }).version;
  if (version !== 1) throw new RunReportError(`${name}: expected version 1, found ${JSON.stringify(version) ?? 'none'}`);
  const parsed = runReport.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RunReportError(`${name}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
}
