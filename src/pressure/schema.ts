/**
 * `fault: { pressure: cpu | memory | disk | fds, … }`: resource pressure on the runner while an
 * experiment's fault holds, each as its own process group that is always ended (see pressure.ts).
 */
import { z } from 'zod';
import { size } from '../units/fields.js';

export const PRESSURE_KINDS = ['cpu', 'memory', 'disk', 'fds'] as const;
export type PressureKind = (typeof PRESSURE_KINDS)[number];

const whole = (what: string, max: number) =>
  z
    .number({ error: `expected a whole number of ${what} from 1 to ${max}` })
    .int(`expected a whole number of ${what} from 1 to ${max}`)
    .min(1, `expected a whole number of ${what} from 1 to ${max}`)
    .max(max, `expected a whole number of ${what} from 1 to ${max}`);

export const pressureSchemas = {
  /** `workers` busy threads (default: one per core), each busy `percent` of every 100 ms. */
  cpu: z.strictObject({
    workers: whole('workers', 256).optional(),
    percent: whole('percent', 100).default(100),
    /** Pin the workers to these CPUs (taskset), e.g. [0] to load the core a service runs on. */
    cpus: z
      .array(z.number({ error: 'expected CPU numbers like [0, 1]' }).int().min(0), { error: 'expected CPU numbers like [0, 1]' })
      .min(1)
      .optional(),
  }),
  /** `size` of memory allocated and touched, held until the revert. */
  memory: z.strictObject({ size }),
  /** A file written into `path` (default the working directory): `size` of it, or until only `free` percent of the disk is free; removed at the revert. */
  disk: z
    .strictObject({
      path: z.string().min(1).default('.'),
      size: size.optional(),
      free: z
        .string({ error: 'expected a share of the disk left free, like 10%' })
        .regex(/^\s*\d+(\.\d+)?\s*%\s*$/, 'expected a share of the disk left free, like 10%')
        .transform((text) => Number(text.replace('%', '')))
        .refine((percent) => percent > 0 && percent < 100, 'expected a share between 0% and 100%')
        .optional(),
    })
    .refine(
      (d) => (d.size === undefined) !== (d.free === undefined),
      'expected one of `size` (how much to write) or `free` (the share of the disk to leave free)',
    ),
  /**
   * `count` file descriptors held open by the worker (fewer when its limit is lower; the log says how many);
   * with `service:`, that service's own limit is lowered instead, leaving it `count` more than it has open.
   */
  fds: z.strictObject({ count: whole('descriptors', 1_000_000), service: z.string().min(1).optional() }),
} as const;

export type PressureSpec =
  | ({ kind: 'cpu' } & z.output<typeof pressureSchemas.cpu>)
  | ({ kind: 'memory' } & z.output<typeof pressureSchemas.memory>)
  | ({ kind: 'disk' } & z.output<typeof pressureSchemas.disk>)
  | ({ kind: 'fds' } & z.output<typeof pressureSchemas.fds>);
