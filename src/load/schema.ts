/**
 * What load to drive: `stages.load` in chaos-gate.yml and `experiments[].load` (whose duration
 * comes from the experiment's phases). The written forms are normalised into one shape:
 *
 *   url: …  |  target: { url, method, headers, json | body }  |  targets: [{ …, weight }]
 *        └──────────────────────────────┬──────────────────────────────────┘
 *                                       ▼
 *               { targets: [{ url, method, headers, body, weight }],
 *                 rate (req/s) XOR connections, ramp_up, timeout, max_in_flight, expect }
 */
import { z } from 'zod';
import { duration, pemFile } from '../units/fields.js';
import { flowSchema } from '../flow/schema.js';
import type { FlowConfig } from '../flow/compile.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Enough for a 1 s stall at 1,000/s to be measured rather than dropped. */
const DEFAULT_MAX_IN_FLIGHT = 1000;

const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(s|m)$/;
const RATE_HINT = 'expected a rate like 200/s or 30/m';

/**
 * The most one generator can schedule: past it the event loop falls behind its own timetable,
 * and requests sent late would be recorded against a healthy target.
 */
export const MAX_RATE = 50_000;

/** `200/s` or `30/m` → requests per second; `0/s` only as a stage's target (a ramp down to nothing). */
const rateOf = (allowZero: boolean) =>
  z.string({ error: `${RATE_HINT} (requests per second or per minute)` }).transform((text, ctx) => {
    const match = RATE.exec(text.trim());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `${RATE_HINT}, got "${text}"` });
      return z.NEVER;
    }
    const perSecond = Number(match[1]) / (match[2] === 'm' ? 60 : 1);
    if (!(perSecond > 0) && !(allowZero && perSecond === 0)) {
      ctx.addIssue({ code: 'custom', message: `expected a rate above 0, like 200/s, got "${text}"` });
      return z.NEVER;
    }
    if (perSecond > MAX_RATE) {
      ctx.addIssue({
        code: 'custom',
        message: `expected at most ${MAX_RATE}/s, what one load generator can schedule, got "${text}"; split the load across shards for more`,
      });
      return z.NEVER;
    }
    return perSecond;
  });

const rate = rateOf(false);

/**
 * A stage of a ramp: over `duration`, move linearly to `target`, a rate (`200/s`, the open model)
 * or a number of connections (the closed model), from 0 or the stage before.
 */
const stageSchema = z.strictObject({
  duration,
  target: z.union(
    [
      z
        .number({ error: 'expected a number of connections' })
        .int('expected a whole number of connections')
        .min(0, 'expected 0 or more connections')
        .transform((connections) => ({ connections })),
      rateOf(true).transform((perSecond) => ({ rate: perSecond })),
    ],
    { error: 'expected a rate like 200/s (open model) or a number of connections like 50 (closed model)' },
  ),
});

const url = z.string({ error: 'expected an http:// or https:// URL like http://127.0.0.1:8080/orders' }).superRefine((text, ctx) => {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `expected an http:// or https:// URL like http://127.0.0.1:8080/orders, got "${text}"` });
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `expected an http:// or https:// URL (the load generator speaks HTTP/1.1, over TLS for https), got "${text}"` });
  }
});

const method = z
  .string({ error: 'expected an HTTP method like GET or POST' })
  .regex(/^[A-Za-z]+$/, 'expected an HTTP method like GET or POST')
  .transform((m) => m.toUpperCase());

const headers = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a header name (letters, digits and -)'),
  z
    .union([z.string(), z.number()], { error: 'expected a header value (a string)' })
    .transform(String)
    .refine((value) => !/[\r\n]/.test(value), 'expected a header value on one line'),
  { error: 'expected a map of header: value' },
);

const positiveInt = (what: string) =>
  z
    .number({ error: `expected a whole number of ${what}, at least 1` })
    .int(`expected a whole number of ${what}, at least 1`)
    .min(1, `expected a whole number of ${what}, at least 1`);

const targetFields = {
  /** The `name` tag of its requests (thresholds: `http_req_duration{name:…}`); by default its method and path. */
  name: z
    .string()
    .min(1)
    .regex(/^[^{},]+$/, 'expected a name without { } or ,')
    .optional(),
  url,
  method: method.default('GET'),
  headers: headers.default({}),
  /** Sent as JSON with `content-type: application/json`. */
  json: z.unknown().optional(),
  body: z.string({ error: 'expected the request body as a string (or use `json:`)' }).optional(),
};

const targetSchema = z.strictObject(targetFields);
const weightedTargetSchema = z.strictObject({
  ...targetFields,
  /** Share of requests relative to the other targets' weights. */
  weight: z.number({ error: 'expected a weight above 0' }).positive('expected a weight above 0').default(1),
});

const trafficFields = {
  /** Shortcut for `target: { url }` (a GET). */
  url: url.optional(),
  target: targetSchema.optional(),
  targets: z
    .array(weightedTargetSchema, { error: 'expected a list of targets, each { url, method, weight, … }' })
    .min(1, 'expected at least one target')
    .optional(),
  /** What each iteration does, step by step (captures, checks, think time), instead of fixed targets. */
  flow: flowSchema.optional(),
  /** Several flows, each iteration running one of them by weight. */
  flows: z.array(flowSchema, { error: 'expected a list of flows, each { name, weight, steps }' }).min(1, 'expected at least one flow').optional(),
  /** Open model: requests start at this rate whatever the responses do (with flows: iterations). */
  rate: rate.optional(),
  /** Closed model: this many connections, each sending its next request when the last one ends. */
  connections: positiveInt('connections').optional(),
  /** Rate or connections grow linearly from 0 over this long. */
  ramp_up: duration.default(0),
  /** Ramps in stages instead of `rate`/`connections`: each moves linearly to its target (k6's ramping-arrival-rate and ramping-vus). */
  stages: z.array(stageSchema, { error: 'expected a list of stages: { duration: 30s, target: 200/s }' }).min(1, 'expected at least one stage').optional(),
  /** A request unanswered after this long fails as a timeout. */
  timeout: duration.default(DEFAULT_TIMEOUT_MS),
  /** Open model: requests in flight at most; a request due beyond it is dropped (k6's dropped_iterations). */
  max_in_flight: positiveInt('requests in flight').optional(),
  /** For https targets: certificates to trust (`ca`), or none checked at all (`insecure: true`, a local self-signed one). */
  tls: z
    .strictObject({
      /** Relative to the working directory, as `run:` commands are. */
      ca: pemFile().optional(),
      insecure: z.boolean({ error: 'expected true or false' }).default(false),
    })
    .optional(),
  /** false: a new connection for every request (`connection: close`), as clients without pooling do. */
  keep_alive: z.boolean({ error: 'expected true or false' }).default(true),
  /** What counts as a success; by default any status below 400. */
  expect: z
    .strictObject({
      status: z
        .array(
          z
            .number({ error: 'expected HTTP status codes like 200' })
            .int()
            .min(100, 'expected an HTTP status code (100-599)')
            .max(599, 'expected an HTTP status code (100-599)'),
          {
            error: 'expected a list of status codes, e.g. [200, 201]',
          },
        )
        .min(1, 'expected at least one status code'),
    })
    .optional(),
};

type RawTraffic = z.output<z.ZodObject<typeof trafficFields>>;

/** Checks that need several keys; each issue points at the key to change. */
function checkTraffic<T extends RawTraffic>(raw: T, ctx: z.core.$RefinementCtx<T>): void {
  const given = (['url', 'target', 'targets', 'flow', 'flows'] as const).filter((key) => raw[key] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: given.length > 1 ? [given[1]] : [],
      message:
        given.length > 1
          ? `expected one of \`url\`, \`target\`, \`targets\`, \`flow\` or \`flows\`, not both \`${given[0]}\` and \`${given[1]}\``
          : 'expected `url`, `target: { url, method, … }`, `targets: [ … ]` or `flow: { steps: [ … ] }`',
    });
  }
  const flows = raw.flow ? [raw.flow] : (raw.flows ?? []);
  const names = flows.map((f) => f.name);
  const twice = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (raw.flows && twice >= 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['flows', twice, 'name'],
      message: `another flow is named "${names[twice]}"; give each a name of its own (the \`flow\` tag)`,
    });
  }
  if (raw.stages !== undefined) {
    const given = (['rate', 'connections'] as const).find((key) => raw[key] !== undefined) ?? (raw.ramp_up > 0 ? 'ramp_up' : undefined);
    if (given) ctx.addIssue({ code: 'custom', path: [given], message: `\`stages\` sets the load over time; leave out \`${given}\`` });
    const kinds = raw.stages.map((stage) => ('rate' in stage.target ? 'rate' : 'connections'));
    const mixed = kinds.findIndex((kind) => kind !== kinds[0]);
    if (mixed >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['stages', mixed, 'target'],
        message: `expected ${kinds[0] === 'rate' ? 'a rate like 200/s' : 'a number of connections'}, as the first stage's target: one model for all stages`,
      });
    }
    if (raw.stages.every((stage) => Object.values(stage.target)[0] === 0)) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'expected a stage with a target above 0' });
    }
  } else if ((raw.rate === undefined) === (raw.connections === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: raw.rate !== undefined ? ['connections'] : [],
      message:
        raw.rate !== undefined
          ? 'expected either `rate` (open model) or `connections` (closed model), not both'
          : 'expected `rate: 200/s` (open model: a fixed arrival rate) or `connections: 50` (closed model)',
    });
  }
  if (raw.max_in_flight !== undefined && (raw.connections !== undefined || (raw.stages && 'connections' in raw.stages[0].target))) {
    ctx.addIssue({
      code: 'custom',
      path: ['max_in_flight'],
      message: 'applies to the open model (`rate`) only; with `connections` the connection count bounds concurrency',
    });
  }
  if (raw.timeout <= 0) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'expected a timeout above 0, like 10s' });
  if (raw.tls?.ca !== undefined && raw.tls.insecure) {
    ctx.addIssue({ code: 'custom', path: ['tls', 'insecure'], message: 'expected `ca` (trust these certificates) or `insecure: true` (trust any), not both' });
  }
  const targets = raw.target ? [raw.target] : (raw.targets ?? []);
  targets.forEach((target, i) => {
    if (target.json !== undefined && target.body !== undefined) {
      const at = raw.target ? ['target', 'body'] : ['targets', i, 'body'];
      ctx.addIssue({ code: 'custom', path: at, message: 'expected either `json` or `body`, not both' });
    }
  });
}

export interface LoadTarget {
  /** The `name` tag; by default method and path. */
  name?: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The request body; `json:` is serialised here and its content-type added to headers. */
  body?: string;
  /** Relative share of requests. */
  weight: number;
}

/** The traffic to drive, normalised: one list of targets, rate in requests per second, times in ms. */
export interface Traffic {
  /** Fixed requests; empty when the load runs `flows`. */
  targets: LoadTarget[];
  /** What each iteration does, when the load is written as flows. */
  flows?: FlowConfig[];
  /** Open model: requests per second at full rate (with `stages`, their highest target). */
  rate?: number;
  /** Closed model: concurrent connections at full load (with `stages`, their highest target). */
  connections?: number;
  /** The ramp in stages, targets in the model's unit (requests per second, or connections). */
  stages?: { durationMs: number; target: number }[];
  ramp_up: number;
  timeout: number;
  /** Open model only: requests in flight at most (default 1000). */
  max_in_flight: number;
  /** Statuses that count as success; undefined means any status below 400. */
  expect?: { status: number[] };
  /** For https targets: a CA file to trust (absolute path), or no certificate check. */
  tls?: { ca?: string; insecure: boolean };
  /** false: `connection: close` on every request, so each opens its own connection. */
  keep_alive: boolean;
}

function normalise(raw: RawTraffic): Traffic {
  const written = raw.url !== undefined ? [{ url: raw.url, method: 'GET', headers: {} }] : raw.target ? [raw.target] : (raw.targets ?? []);
  const targets = written.map((t): LoadTarget => {
    const { json, body, weight } = t as typeof t & { json?: unknown; body?: string; weight?: number };
    const target: LoadTarget = { url: t.url, method: t.method, headers: { ...t.headers }, weight: weight ?? 1 };
    if ('name' in t && t.name !== undefined) target.name = t.name;
    if (json !== undefined) {
      target.body = JSON.stringify(json);
      if (!Object.keys(target.headers).some((h) => h.toLowerCase() === 'content-type')) target.headers['content-type'] = 'application/json';
    } else if (body !== undefined) target.body = body;
    return target;
  });
  const stages = raw.stages?.map((stage) => ({ durationMs: stage.duration, target: Object.values(stage.target)[0] }));
  const open = raw.stages ? 'rate' in raw.stages[0].target : raw.rate !== undefined;
  const peak = stages ? Math.max(...stages.map((s) => s.target)) : undefined;
  const flows = raw.flow ? [raw.flow] : raw.flows;
  return {
    targets,
    ...(flows ? { flows } : {}),
    rate: peak === undefined ? raw.rate : open ? peak : undefined,
    connections: peak === undefined ? raw.connections : open ? undefined : peak,
    ...(stages ? { stages } : {}),
    ramp_up: raw.ramp_up,
    timeout: raw.timeout,
    max_in_flight: raw.max_in_flight ?? DEFAULT_MAX_IN_FLIGHT,
    expect: raw.expect,
    tls: raw.tls,
    keep_alive: raw.keep_alive,
  };
}

/** Load traffic without a duration (an experiment's `load:`, timed by its phases). */
export const trafficSchema = z.strictObject(trafficFields).superRefine(checkTraffic).transform(normalise);

/** `stages.load`: traffic for a fixed `duration` (with `stages`, their total unless given). */
export const loadStageSchema = z
  .strictObject({ ...trafficFields, duration: duration.optional() })
  .superRefine((raw, ctx) => {
    checkTraffic(raw, ctx);
    const total = raw.stages?.reduce((sum, stage) => sum + stage.duration, 0);
    if (raw.duration === undefined && total === undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'expected a duration like 30s (or `stages`, which set it)' });
    } else if (raw.duration !== undefined && total !== undefined && raw.duration < total) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: `expected at least the stages' total (${total} ms), or leave it out` });
    }
  })
  .transform(({ duration: ms, ...raw }) => ({ ...normalise(raw), duration: ms ?? raw.stages!.reduce((sum, stage) => sum + stage.duration, 0) }));

export type LoadStageConfig = z.output<typeof loadStageSchema>;

/** For the log: `flow "order" (3 steps), flow "browse" (module ./browse.mjs)`. */
export function describeFlows(flows: readonly FlowConfig[]): string {
  return flows
    .map((f) => (f.kind === 'steps' ? `flow "${f.name}" (${f.steps.length} step${f.steps.length === 1 ? '' : 's'})` : `flow "${f.name}" (module ${f.module})`))
    .join(', ');
}
