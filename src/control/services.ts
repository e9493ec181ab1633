/**
 * Process faults on the run's declared services (chaos-gate's own calls; Toxiproxy has none):
 *
 *   GET  /services                  each service: state, pid, restarts, the fault on it
 *   POST /services/{name}/faults    {action: kill | stop | freeze, duration?}
 *   DELETE /services/{name}/faults  revert it now: resume a freeze, let a killed one restart
 *
 * A kill or stop keeps the service down for `duration` (default: none), then its restart policy
 * brings it back; a freeze resumes after `duration`, and never later than safety.fault_ttl.
 */
import { z } from 'zod';
import { validate } from '../proxy/schema.js';
import { duration } from '../units/fields.js';
import { ApiError } from './errors.js';
import type { Router } from './router.js';

import type { ServiceAction, ServiceStatus } from '../wire/services.js';

export type { ServiceAction, ServiceState, ServiceStatus } from '../wire/services.js';
/** The same list as an experiment's `fault.action` (chaos/schema.ts); the layers keep their own copy. */
const ACTIONS = ['kill', 'stop', 'freeze'] as const satisfies readonly ServiceAction[];

/** What the run gives the API (and experiments) to fault its services with. */
export interface ServiceFaults {
  list(): ServiceStatus[];
  /** Applies the fault; resolves with its revert once applied (a kill: once the group is gone). `durationMs` bounds a freeze. */
  inject(name: string, action: ServiceAction, by: string, durationMs?: number): Promise<() => Promise<void>>;
  revert(name: string): Promise<void>;
  revertAll(): Promise<void>;
  /** Moves a faketime'd service's clock `offsetMs` from the real one; resolves with the revert. */
  skewClock?(name: string, offsetMs: number, by: string, rate?: number): Promise<() => Promise<void>>;
}

const faultBody = z.strictObject({
  action: z.enum(ACTIONS, { error: `expected one of ${ACTIONS.join(', ')}` }),
  duration: duration.optional(),
});

export function serviceRoutes(router: Router, services: ServiceFaults): void {
  const statusOf = (name: string) => {
    const status = services.list().find((s) => s.name === name);
    if (!status) throw ApiError.notFound(`service ${name}`);
    return status;
  };

  router.add('GET', '/services', () => ({ status: 200, json: Object.fromEntries(services.list().map((s) => [s.name, s])) }));

  router.add('GET', '/services/{service}', ({ params }) => ({ status: 200, json: statusOf(params.service) }));

  router.add('POST', '/services/{service}/faults', async ({ params, body }) => {
    const { action, duration: durationMs } = validate(faultBody, body);
    const before = statusOf(params.service);
    if (before.state !== 'running' || before.fault) {
      throw new ApiError(
        409,
        `service ${params.service} is ${before.fault ? `under a ${before.fault} fault` : before.state}; it takes a fault only while it runs`,
      );
    }
    let revert: () => Promise<void>;
    try {
      revert = await services.inject(params.service, action, 'the control API', durationMs);
    } catch (error) {
      throw new ApiError(409, (error as Error).message);
    }
    // A kill or stop with a duration stays down that long; without one, the restart policy acts now.
    if (action !== 'freeze') {
      if (durationMs === undefined) await revert();
      else setTimeout(() => void revert(), durationMs).unref();
    }
    return { status: 201, json: statusOf(params.service) };
  });

  router.add('DELETE', '/services/{service}/faults', async ({ params }) => {
    statusOf(params.service);
    await services.revert(params.service);
    return { status: 204 };
  });
}
