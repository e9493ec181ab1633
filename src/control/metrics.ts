/**
 * POST /metrics: the user's tests report metrics over HTTP, as lines in the CHAOS_GATE_METRICS
 * format or as a JSON array of the same objects.
 */
import { recordLines } from '../gate/lines.js';
import type { MetricSet } from '../gate/metrics.js';
import { ApiError } from './errors.js';
import type { Router } from './router.js';

/** `current()` is the set of the stage running now, so a metric lands in its stage's scope. */
export function metricsRoutes(router: Router, current: () => MetricSet): void {
  router.add('POST', '/metrics', (req) => {
    const text = req.text.trimStart().startsWith('[') ? asLines(req.body) : req.text;
    const problems = recordLines(text, current(), 'body line');
    if (problems.length > 0) throw ApiError.bad(problems.join('; '));
    return { status: 204 };
  });
}

function asLines(body: unknown): string {
  if (!Array.isArray(body)) throw ApiError.bad('expected metric lines or a JSON array of {"name","type","value"} objects');
  return body.map((item) => JSON.stringify(item)).join('\n');
}
