/** POST /metrics: the user's tests report metric lines (the CHAOS_GATE_METRICS format) over HTTP. */
import { recordLines } from '../gate/lines.js';
import type { MetricSet } from '../gate/metrics.js';
import { ApiError } from './errors.js';
import type { Router } from './router.js';

/** `current()` is the set of the stage running now, so a metric lands in its stage's scope. */
export function metricsRoutes(router: Router, current: () => MetricSet): void {
  router.add('POST', '/metrics', (req) => {
    const problems = recordLines(req.text, current(), 'body line');
    if (problems.length > 0) throw ApiError.bad(problems.join('; '));
    return { status: 204 };
  });
}
