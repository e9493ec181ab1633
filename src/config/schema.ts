/**
 * The schema of chaos-gate.yml. Each part's own schema lives with that part (a proxy's in
 * src/proxy, a mock's in src/mock, load traffic in src/load, experiments in src/chaos), so the
 * control API and the config file validate the same things with the same messages.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { experimentSchema } from '../chaos/schema.js';
import { loadStageSchema } from '../load/schema.js';
import { matrixSchema } from '../matrix/schema.js';
import { httpProxySchema } from '../http-proxy/schema.js';
import { mockSchema } from '../mock/schema.js';
import { proxySchema } from '../proxy/schema.js';
import { thresholdSchema } from '../gate/schema.js';
import { DEFAULT_JUNIT_LIMIT, DEFAULT_LOG_LIMIT, duration, hostPort, name, positiveDuration, size } from '../units/fields.js';

const junitGlobs = z
  .union([z.string(), z.array(z.string())], { error: 'expected a glob or a list of globs, e.g. "reports/unit/*.xml"' })
  .transform((globs) => (Array.isArray(globs) ? globs : [globs]));

const env = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String), {
  error: 'expected a map of NAME: value',
});

/** The fields of a stage that runs a command (unit, integration, chaos tests). */
const commandFields = {
  run: z.string({ error: 'expected a shell command' }).min(1, 'expected a shell command'),
  junit: junitGlobs.optional(),
  /** The whole process tree is killed past this. */
  timeout: positiveDuration.optional(),
  env: env.optional(),
  working_directory: z.string().optional(),
};

const commandStageSchema = z.strictObject(commandFields);

const chaosStageSchema = z
  .strictObject({
    ...commandFields,
    run: commandFields.run.optional(),
    experiments: z.array(experimentSchema).optional(),
    /** Every dependency × every fault class, each a short experiment under one load (docs/matrix.md). */
    matrix: matrixSchema.optional(),
  })
  .refine((stage) => stage.run !== undefined || (stage.experiments?.length ?? 0) > 0 || stage.matrix !== undefined, {
    message: 'expected `run` (a test command), `experiments`, `matrix`, or some of them',
  });

export const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const;

const serviceSchema = z.strictObject({
  name,
  run: z.string({ error: 'expected a shell command' }).min(1, 'expected a shell command'),
  env: env.optional(),
  working_directory: z.string().optional(),
  ready: z
    .strictObject({
      http: z.url({ error: 'expected a URL, e.g. http://127.0.0.1:8080/health' }).optional(),
      tcp: hostPort.optional(),
      timeout: duration.default(30_000),
    })
    .refine((ready) => (ready.http === undefined) !== (ready.tcp === undefined), {
      message: 'expected one of `http` (a URL answering 2xx) or `tcp` (host:port accepting connections)',
    })
    .optional(),
  /** SIGTERM to the service's process group, then SIGKILL after this: its time to flush and exit. */
  stop_timeout: duration.default(2000),
  /** Start it again when it exits: never (its exit fails the run), on-failure (a non-zero exit or a signal), always. */
  restart: z.enum(RESTART_POLICIES, { error: `expected one of ${RESTART_POLICIES.join(', ')}` }).default('never'),
  /** Start it under libfaketime, so an experiment's `time:` fault can skew its clock. */
  faketime: z.boolean({ error: 'expected true or false' }).default(false),
  /** Restarts allowed in one run; past them it stays down. */
  max_restarts: z.number({ error: 'expected a whole number ≥ 0' }).int('expected a whole number ≥ 0').min(0, 'expected a whole number ≥ 0').default(5),
});

/** An upstream host allowed without safety.allow_remote: a name, an address, or a range such as 10.0.0.0/8. */
const allowedHost = z.string({ error: 'expected a host, an address or a range such as 10.0.0.0/8' }).superRefine((entry, ctx) => {
  const [address, prefix, extra] = entry.split('/');
  if (prefix === undefined) {
    if (!/^[A-Za-z0-9.:-]+$/.test(entry))
      ctx.addIssue({ code: 'custom', message: `expected a host, an address or a range such as 10.0.0.0/8, got "${entry}"` });
    return;
  }
  const bits = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  if (!bits || extra !== undefined || !/^\d+$/.test(prefix) || Number(prefix) > bits) {
    ctx.addIssue({ code: 'custom', message: `expected a range such as 10.0.0.0/8 or fc00::/7, got "${entry}"` });
  }
});

export const configSchema = (baseDir: string) =>
  z.strictObject({
    version: z.literal(1, { error: 'expected version: 1' }),
    services: z.array(serviceSchema).default([]),
    proxies: z.array(proxySchema).default([]),
    mocks: z.array(mockSchema(baseDir)).default([]),
    /** HTTP fault proxies in front of real dependencies. */
    http_proxies: z.array(httpProxySchema(baseDir)).default([]),
    stages: z
      .strictObject({
        unit: commandStageSchema.optional(),
        integration: commandStageSchema.optional(),
        load: loadStageSchema.optional(),
        chaos: chaosStageSchema.optional(),
      })
      .default({}),
    /** Stop after this many failed stages; the rest are reported as not run. */
    max_failures: z.number().int().positive().optional(),
    thresholds: z.record(z.string(), thresholdSchema).default({}),
    control: z.strictObject({ listen: hostPort.default('127.0.0.1:8474'), token: z.string().min(1).optional() }).default({ listen: '127.0.0.1:8474' }),
    safety: z
      .strictObject({
        max_duration: positiveDuration.default(30 * 60_000),
        fault_ttl: positiveDuration.default(5 * 60_000),
        forbid_env: z.record(z.string(), z.string()).default({ ENVIRONMENT: 'production', NODE_ENV: 'production' }),
        allow_remote: z.boolean().default(false),
        allow_hosts: z.array(allowedHost, { error: 'expected a list of hosts or ranges, e.g. [10.1.2.3, 192.168.0.0/16, db.internal]' }).default([]),
      })
      .default({
        max_duration: 30 * 60_000,
        fault_ttl: 5 * 60_000,
        forbid_env: { ENVIRONMENT: 'production', NODE_ENV: 'production' },
        allow_remote: false,
        allow_hosts: [],
      }),
    report: z
      .strictObject({
        comment: z.boolean().default(true),
        artifact: z.string().min(1).default('chaos-gate-report'),
        baseline: z.string().min(1).optional(),
        log_limit: size.default(DEFAULT_LOG_LIMIT),
        junit_limit: size.default(DEFAULT_JUNIT_LIMIT),
      })
      .default({ comment: true, artifact: 'chaos-gate-report', log_limit: DEFAULT_LOG_LIMIT, junit_limit: DEFAULT_JUNIT_LIMIT }),
  });

export type Config = z.output<ReturnType<typeof configSchema>>;
export type ServiceConfig = Config['services'][number];
export type CommandStageConfig = z.output<typeof commandStageSchema>;
export type ChaosStageConfig = z.output<typeof chaosStageSchema>;
