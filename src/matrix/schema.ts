/**
 * `stages.chaos.matrix`: every dependency × every fault class, explored under one load.
 *
 *   matrix:
 *     load: { url: "http://127.0.0.1:8080/orders", rate: 50/s }
 *     dependencies: all            # or a list of proxy / http_proxy / mock names
 *     faults: [latency, down, reset, slow_body, errors]
 *     steady: 2s
 *     hold: 5s
 *     recover_within: 5s
 *     budget: 3m
 *     survive: { success_rate: 0.99, p95: 1s }
 */
import { z } from 'zod';
import { trafficSchema } from '../load/schema.js';
import { duration, probability } from '../units/fields.js';

export const FAULT_CLASSES = ['latency', 'down', 'reset', 'slow_body', 'errors'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export const matrixSchema = z.strictObject({
  /** The load every cell runs under (the keys of an experiment's `load`). */
  load: trafficSchema,
  /** `all` (every proxy, HTTP proxy and mock), or a list of their names. */
  dependencies: z
    .union([z.literal('all'), z.array(z.string().min(1), { error: 'expected `all` or a list of names' }).min(1, 'expected at least one dependency')], {
      error: 'expected `all` or a list of proxy, http_proxy and mock names',
    })
    .default('all'),
  /** The fault classes to try; each applies to the dependencies it can (errors: mocks and HTTP proxies). */
  faults: z
    .array(z.enum(FAULT_CLASSES, { error: `expected one of ${FAULT_CLASSES.join(', ')}` }), { error: 'expected a list of fault classes' })
    .min(1, 'expected at least one fault class')
    .default([...FAULT_CLASSES]),
  /** Each cell's steady phase before its fault (shortened to fit the budget, to 1s at least). */
  steady: duration.default(2000),
  /** How long each cell holds its fault (shortened to fit the budget, to 1s at least). */
  hold: duration.default(5000),
  /** A cell not back at its steady success rate this long after the revert failed. */
  recover_within: duration.default(5000),
  /** The whole matrix fits in this; cells past it are skipped, named. */
  budget: duration.default(180_000),
  /** What surviving a fault means, during it: at least this success rate, at most this p95. */
  survive: z
    .strictObject({
      success_rate: probability.default(0.99),
      p95: duration.default(1000),
    })
    .default({ success_rate: 0.99, p95: 1000 }),
});

export type MatrixConfig = z.output<typeof matrixSchema>;
