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
 *     steady_state:                # checked before the first cell and after each one
 *       - { url: "http://127.0.0.1:8080/health", expect: { json: $.cache, equals: ready } }
 */
import { z } from 'zod';
import { stepSchema } from '../flow/schema.js';
import { trafficSchema } from '../load/schema.js';
import { duration, probability } from '../units/fields.js';
import { FlowConfigError } from '../flow/compile.js';
import { compileSteadyState } from './steady-state.js';

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
  /**
   * Requests (flow steps) whose `expect`s must hold before the first cell and, within
   * recover_within, after each cell: health a success rate cannot see, and invariants.
   */
  steady_state: z
    .array(stepSchema.omit({ think: true }), { error: 'expected a list of requests, each { url, expect }' })
    .min(1, 'expected at least one request')
    .superRefine((steps, ctx) => {
      steps.forEach((step, i) => {
        if (step.expect === undefined)
          ctx.addIssue({ code: 'custom', path: [i, 'expect'], message: 'expected what must hold, like { status: 200 } or { json: $.cache, equals: ready }' });
      });
      try {
        compileSteadyState(steps);
      } catch (error) {
        if (!(error instanceof FlowConfigError)) throw error;
        // The flow's path starts at its steps: [steps, i, …].
        ctx.addIssue({ code: 'custom', path: error.path.slice(1), message: error.message });
      }
    })
    .optional(),
});

export type MatrixConfig = z.output<typeof matrixSchema>;
