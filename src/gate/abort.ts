/**
 * k6's `abort_on_fail`: thresholds judged while the run goes, once a second; the first one broken
 * after its `delay_abort_eval` stops the run. A metric nobody has produced yet is not a reason to stop.
 */
import type { ThresholdResult } from '../results/types.js';
import type { ThresholdConfig } from './schema.js';
import { judgeOne, type MetricLookup } from './thresholds.js';

const EVERY_MS = 1000;

/** Starts watching; calls `onBreak` once with the broken threshold. Returns a function that stops watching. */
export function watchAbortThresholds(
  thresholds: Record<string, ThresholdConfig[]>,
  lookup: MetricLookup,
  elapsedMs: () => number,
  onBreak: (broken: ThresholdResult) => void,
): () => void {
  const watched = Object.entries(thresholds).flatMap(([address, list]) => list.filter((t) => t.abort_on_fail).map((t) => ({ address, ...t })));
  if (watched.length === 0) return () => undefined;
  const timer = setInterval(() => {
    for (const t of watched) {
      if (elapsedMs() < t.delay_abort_eval) continue;
      const metric = lookup(t.address);
      if (!metric) continue;
      const result = judgeOne(t.address, t.threshold, metric, { durationMs: elapsedMs() });
      if (!result.ok && result.actual !== null) {
        clearInterval(timer);
        onBreak(result);
        return;
      }
    }
  }, EVERY_MS);
  return () => clearInterval(timer);
}
