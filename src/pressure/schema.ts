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
  }),
  /** `size` of memory allocated and touched, held until the revert. */
  memory: z.strictObject({ size }),
  /** A file of `size` written into `path` (default the working directory), removed at the revert. */
  disk: z.strictObject({ path: z.string().min(1).default('.'), size }),
  /** `count` file descriptors held open (fewer when the process's limit is lower; the report says how many). */
  fds: z.strictObject({ count: whole('descriptors', 1_000_000) }),
} as const;

export type PressureSpec =
  | ({ kind: 'cpu' } & z.output<typeof pressureSchemas.cpu>)
  | ({ kind: 'memory' } & z.output<typeof pressureSchemas.memory>)
  | ({ kind: 'disk' } & z.output<typeof pressureSchemas.disk>)
  | ({ kind: 'fds' } & z.output<typeof pressureSchemas.fds>);
