/**
 * `stages.chaos.experiments[]`: a fault window under load.
 *
 *   load ──► steady ──► inject fault ──► hold ──► revert ──► recovery (until back at steady level)
 */
import { z } from 'zod';
import { duration } from '../units/fields.js';
import { parseDuration } from '../units/duration.js';
import { trafficSchema } from '../load/schema.js';
import { httpFaultSchema } from '../http-proxy/schema.js';
import { mockFaultSchema } from '../mock/schema.js';
import { toxicSchema } from '../proxy/schema.js';
import { PRESSURE_KINDS, pressureSchemas, type PressureKind, type PressureSpec } from '../pressure/schema.js';

/** What a service fault does to the service's process group; the control API's `POST /services/{name}/faults` takes the same. */
export const SERVICE_ACTIONS = ['kill', 'stop', 'freeze'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export const serviceFaultSchema = z.strictObject({
  action: z.enum(SERVICE_ACTIONS, { error: `expected one of ${SERVICE_ACTIONS.join(', ')}` }),
});

/** `+5m`, `-1h`, `+30s`: how far to move a service's clock from the real one. */
const clockOffset = z.string({ error: 'expected an offset like +5m, -1h or +30s' }).transform((text, ctx) => {
  const match = /^\s*([+-])\s*(.+)$/.exec(text);
  const ms = match ? parseDuration(match[2]) : undefined;
  if (!match || ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an offset like +5m, -1h or +30s, got "${text}"` });
    return z.NEVER;
  }
  return match[1] === '-' ? -ms : ms;
});

/** `{ service: api, time: { offset: +5m } }`: the service's clock moved (it needs faketime: true). */
export const clockFaultSchema = z.strictObject({
  time: z.strictObject({
    offset: clockOffset.default(0),
    /** The clock's speed against the real one: 2 runs it twice as fast (a drift), 1 keeps its pace. */
    rate: z.number({ error: 'expected a speed above 0, like 2 or 0.5' }).positive('expected a speed above 0, like 2 or 0.5').default(1),
  }),
});

/** The seed runner's categories, where they apply to a fault chaos-gate injects. */
export const CATEGORIES = ['network', 'service', 'resource', 'database', 'cache', 'rate_limit', 'websocket', 'latency', 'time'] as const;

/** `{ proxy: pg, action: reconnect_storm }`: every live connection closed at once; the time until the clients are back is measured. */
export const reconnectStormSchema = z.strictObject({
  action: z.literal('reconnect_storm', { error: 'expected action: reconnect_storm (or a toxic: type, attributes …)' }),
  /** How long to wait for the connections to come back before calling it not recovered. */
  within: duration.default(10_000),
});

/** A proxy toxic plus `proxy:`, a mock fault plus `mock:` (and optionally `route:`), or a process fault plus `service:`. */
const faultSchema = z
  .record(z.string(), z.unknown(), {
    error:
      'expected a fault: a toxic with `proxy:`, a mock fault with `mock:`, an HTTP fault with `http_proxy:`, a process fault with `service:` or `pressure:`',
  })
  .transform((raw, ctx) => {
    const { proxy, mock, service, pressure, http_proxy: httpProxy, ...rest } = raw;
    const given = [proxy, mock, service, pressure, httpProxy].filter((v) => v !== undefined).length;
    // Resource pressure on the runner: its own keys per kind (fds may name the service whose limit it lowers).
    if (pressure !== undefined && proxy === undefined && mock === undefined) {
      if (!(PRESSURE_KINDS as readonly unknown[]).includes(pressure)) {
        ctx.addIssue({ code: 'custom', path: ['pressure'], message: `expected one of ${PRESSURE_KINDS.join(', ')}` });
        return z.NEVER;
      }
      const kind = pressure as PressureKind;
      const parsed = pressureSchemas[kind].safeParse(service === undefined ? rest : { ...rest, service });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: issue.path, message: issue.message });
        return z.NEVER;
      }
      return { kind: 'pressure' as const, pressure: { kind, ...parsed.data } as PressureSpec };
    }
    const [target, schema] =
      given !== 1
        ? [undefined, undefined]
        : typeof proxy === 'string' && rest.action === 'reconnect_storm'
          ? (['storm', reconnectStormSchema] as const)
          : typeof proxy === 'string'
            ? (['proxy', toxicSchema] as const)
            : typeof mock === 'string'
              ? (['mock', mockFaultSchema] as const)
              : typeof httpProxy === 'string'
                ? (['http_proxy', httpFaultSchema] as const)
                : typeof service === 'string' && rest.time !== undefined
                  ? (['clock', clockFaultSchema] as const)
                  : typeof service === 'string'
                    ? (['service', serviceFaultSchema] as const)
                    : [undefined, undefined];
    if (!schema) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected exactly one of `proxy: <name>` (a toxic), `mock: <name>` (a mock fault), `http_proxy: <name>` (an HTTP fault), `service: <name>` (kill, stop or freeze it) or `pressure: cpu | memory | disk | fds`',
      });
      return z.NEVER;
    }
    const parsed = schema.safeParse(rest);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }
    if (target === 'service')
      return { kind: 'service' as const, service: service as string, action: (parsed.data as z.output<typeof serviceFaultSchema>).action };
    if (target === 'clock') {
      const { offset, rate } = (parsed.data as z.output<typeof clockFaultSchema>).time;
      return { kind: 'clock' as const, service: service as string, offset, rate };
    }
    if (target === 'http_proxy') return { kind: 'http_proxy' as const, httpProxy: httpProxy as string, fault: parsed.data as z.output<typeof httpFaultSchema> };
    if (target === 'storm')
      return { kind: 'reconnect_storm' as const, proxy: proxy as string, within: (parsed.data as z.output<typeof reconnectStormSchema>).within };
    return target === 'proxy'
      ? { kind: 'proxy' as const, proxy: proxy as string, toxic: parsed.data as z.output<typeof toxicSchema> }
      : { kind: 'mock' as const, mock: mock as string, fault: parsed.data as z.output<typeof mockFaultSchema> };
  });

/** One fault, or several applied together (and reverted together). */
const faultsSchema = z.union([faultSchema, z.array(faultSchema, { error: 'expected a fault or a list of faults' }).min(1, 'expected at least one fault')], {
  error: 'expected a fault or a list of faults',
});
const faultList = faultsSchema.transform((f) => (Array.isArray(f) ? f : [f]));

/** `steps:` a scenario that changes over the hold: at each `at`, the step's faults replace the previous step's. */
const stepSchema = z.strictObject({
  at: duration,
  fault: faultList,
});

/** `ramp:` moves one numeric attribute of the experiment's toxics linearly over the hold (latency 0 → 800 ms). */
const rampSchema = z.strictObject({
  attribute: z.string({ error: 'expected the attribute to move, e.g. latency' }).min(1, 'expected the attribute to move, e.g. latency'),
  from: z.number({ error: 'expected a number' }),
  to: z.number({ error: 'expected a number' }),
  /** How often the value moves on (default 100ms). */
  every: duration.default(100),
});

export const experimentSchema = z
  .strictObject({
    name: z.string({ error: 'expected a name' }).min(1, 'expected a name'),
    /** Categories like the seed runners' (`--category network`). */
    tags: z.array(z.enum(CATEGORIES, { error: `expected one of ${CATEGORIES.join(', ')}` })).default([]),
    load: trafficSchema,
    steady: duration.default(5000),
    fault: faultList.optional(),
    steps: z.array(stepSchema, { error: 'expected a list of steps: { at: 5s, fault: … }' }).min(1, 'expected at least one step').optional(),
    ramp: rampSchema.optional(),
    hold: duration.default(10_000),
    /** A limit on recovery_time; the experiment fails past it. */
    recover_within: duration.optional(),
    /** How long to watch for recovery after the revert (default: twice recover_within, or 10s). */
    recovery: duration.optional(),
    /** Inject the fault this many times (steady → fault → recovery each); recovery_time gets one value per injection. */
    repeat: z.number({ error: 'expected a whole number ≥ 1' }).int('expected a whole number ≥ 1').min(1, 'expected a whole number ≥ 1').default(1),
    /** Fail the experiment when its fault reached nothing (no connection, no request), instead of only warning. */
    fail_on_vacuous: z.boolean({ error: 'expected true or false' }).default(false),
  })
  .superRefine((e, ctx) => {
    if ((e.fault === undefined) === (e.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fault'],
        message: 'expected `fault:` (one fault or a list, held for `hold`) or `steps:` (faults that change over the hold), not both or neither',
      });
    }
    if (e.steps && e.steps[0].at !== 0)
      ctx.addIssue({ code: 'custom', path: ['steps', 0, 'at'], message: 'expected the first step at 0s: the fault phase starts with it' });
    e.steps?.forEach((step, i) => {
      if (i > 0 && step.at <= e.steps![i - 1].at)
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'at'], message: 'expected steps in order of `at`, each later than the one before' });
      if (step.at >= e.hold) ctx.addIssue({ code: 'custom', path: ['steps', i, 'at'], message: `expected a time within the hold (${e.hold} ms)` });
    });
    if (e.ramp) {
      const faults = e.fault ?? e.steps?.flatMap((s) => s.fault) ?? [];
      const moved = faults.filter((f) => f.kind === 'proxy' && e.ramp!.attribute in f.toxic.attributes);
      if (moved.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['ramp', 'attribute'], message: `no toxic of this experiment has the attribute "${e.ramp.attribute}"` });
      }
    }
  });

export type ExperimentConfig = z.output<typeof experimentSchema>;
export type FaultConfig = z.output<typeof faultSchema>;
export type StepConfig = z.output<typeof stepSchema>;
