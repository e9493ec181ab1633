/**
 * The metrics chaos-gate records itself, with their types. They are known before anything runs,
 * so a threshold on one is checked against its type when the config loads (as k6 checks against
 * its registry); a user's own metric gets its type from its first line, so it is checked when judged.
 */
import type { MetricType } from './metrics.js';

export const BUILTIN_METRICS: Readonly<Record<string, MetricType>> = {
  http_reqs: 'counter',
  http_req_failed: 'rate',
  http_req_duration: 'trend',
  dropped_iterations: 'counter',
  iterations: 'counter',
  iteration_duration: 'trend',
  checks: 'rate',
  flow_errors: 'counter',
  errors_timeout: 'counter',
  errors_reset: 'counter',
  errors_refused: 'counter',
  errors_5xx: 'counter',
  errors_429: 'counter',
  errors_4xx: 'counter',
  errors_other: 'counter',
  recovery_time: 'trend',
  reconnect_time: 'trend',
};

/** The type of the metric a threshold address names (`chaos.<experiment>.fault.http_req_failed`), when it is a built-in one. */
export function builtinType(address: string): MetricType | undefined {
  const bare = address.replace(/\{[^{}]*\}$/, '');
  const name = bare.slice(bare.lastIndexOf('.') + 1);
  return Object.hasOwn(BUILTIN_METRICS, name) ? BUILTIN_METRICS[name] : undefined;
}
