/**
 * `stages.chaos.experiments[]`: a fault window under load.
 *
 *   load ──► steady ──► inject fault ──► hold ──► revert ──► recovery (until back at steady level)
 */
import { z } from 'zod';
import { duration } from '../units/fields.js';
import { trafficSchema } from '../load/schema.js';
import { mockFaultSchema } from '../mock/schema.js';
import { toxicSchema } from '../proxy/schema.js';

/** What a service fault does to the service's process group; the control API's `POST /services/{name}/faults` takes the same. */
export const SERVICE_ACTIONS = ['kill', 'stop', 'freeze'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export const serviceFaultSchema = z.strictObject({
  action: z.enum(SERVICE_ACTIONS, { error: `expected one of ${SERVICE_ACTIONS.join(', ')}` }),
});

export const CATEGORIES = ['network', 'service', 'database', 'rate_limit', 'latency'] as const;

/** A proxy toxic plus `proxy:`, a mock fault plus `mock:` (and optionally `route:`), or a process fault plus `service:`. */
const faultSchema = z
  .record(z.string(), z.unknown(), { error: 'expected a fault: a toxic with `proxy:`, a mock fault with `mock:` or a process fault with `service:`' })
  .transform((raw, ctx) => {
    const { proxy, mock, service, ...rest } = raw;
    const given = [proxy, mock, service].filter((v) => v !== undefined).length;
    const [target, schema] =
      given !== 1
        ? [undefined, undefined]
        : typeof proxy === 'string'
          ? (['proxy', toxicSchema] as const)
          : typeof mock === 'string'
            ? (['mock', mockFaultSchema] as const)
            : typeof service === 'string'
              ? (['service', serviceFaultSchema] as const)
              : [undefined, undefined];
    if (!schema) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected exactly one of `proxy: <name>` (a toxic), `mock: <name>` (a mock fault) or `service: <name>` (kill, stop or freeze it)',
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
    return target === 'proxy'
      ? { kind: 'proxy' as const, proxy: proxy as string, toxic: parsed.data as z.output<typeof toxicSchema> }
      : { kind: 'mock' as const, mock: mock as string, fault: parsed.data as z.output<typeof mockFaultSchema> };
  });

export const experimentSchema = z.strictObject({
  name: z.string({ error: 'expected a name' }).min(1, 'expected a name'),
  /** Categories like the seed runners' (`--category network`). */
  tags: z.array(z.enum(CATEGORIES, { error: `expected one of ${CATEGORIES.join(', ')}` })).default([]),
  load: trafficSchema,
  steady: duration.default(5000),
  fault: faultSchema,
  hold: duration.default(10_000),
  /** A limit on recovery_time; the experiment fails past it. */
  recover_within: duration.optional(),
  /** How long to watch for recovery after the revert (default: twice recover_within, or 10s). */
  recovery: duration.optional(),
  /** Inject the fault this many times (steady → fault → recovery each); recovery_time gets one value per injection. */
  repeat: z.number({ error: 'expected a whole number ≥ 1' }).int('expected a whole number ≥ 1').min(1, 'expected a whole number ≥ 1').default(1),
  /** Fail the experiment when its fault reached nothing (no connection, no request), instead of only warning. */
  fail_on_vacuous: z.boolean({ error: 'expected true or false' }).default(false),
});

export type ExperimentConfig = z.output<typeof experimentSchema>;
export type FaultConfig = ExperimentConfig['fault'];
