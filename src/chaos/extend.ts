/**
 * `on_inconclusive: extend`: when a threshold on an experiment's fault phase cannot yet tell held
 * from broken (its interval straddles the limit), keep the fault on longer, up to its `max_hold`,
 * so more requests narrow the interval. Called once, right after the hold.
 *
 * The thresholds are looked at EXTEND_LOOKS times at most, at the hold and then at geometrically
 * spaced times up to max_hold (4 s, max_hold 32 s: 4, 6.1, 9.2, 13.9, 21.1, 32 s); each look is
 * judged at the stricter level lookConfidence() gives, so looking repeatedly stays honest.
 */
import type { MetricLookup } from '../gate/thresholds.js';
import { EXTEND_LOOKS, judgeThreshold } from '../gate/thresholds.js';
import type { ThresholdConfig } from '../gate/schema.js';
import type { Log } from '../log.js';
import { formatDuration } from '../units/duration.js';

/** max_hold's default, in multiples of the experiment's hold. */
const DEFAULT_MAX_HOLD_FACTOR = 3;

export interface ExtendContext {
  thresholds?: Record<string, ThresholdConfig[]>;
  lookup: MetricLookup;
  signal: AbortSignal;
  log?: Log;
  /** Waits until the next look, or less when the run is stopped; the simulation test passes one that records traffic instead. */
  wait: (ms: number) => Promise<void>;
}

/** The longest extendHold() may add for this experiment, ms: its load must last that much longer. */
export function maxExtension(experiment: { name: string; hold: number }, thresholds: ExtendContext['thresholds']): number {
  return Math.max(0, ...watchedThresholds(experiment, thresholds).map((w) => w.limit));
}

function watchedThresholds(experiment: { name: string; hold: number }, thresholds: ExtendContext['thresholds']) {
  const prefix = `chaos.${experiment.name}.fault.`;
  return Object.entries(thresholds ?? {})
    .filter(([address]) => address.startsWith(prefix))
    .flatMap(([address, list]) =>
      list
        .filter((t) => t.on_inconclusive === 'extend')
        .map((t) => ({ address, t, limit: (t.max_hold ?? DEFAULT_MAX_HOLD_FACTOR * experiment.hold) - experiment.hold })),
    );
}

/** Holds the fault while an extendable threshold is inconclusive; returns how much longer it was held, ms. */
export async function extendHold(experiment: { name: string; hold: number }, ctx: ExtendContext): Promise<number> {
  const watched = watchedThresholds(experiment, ctx.thresholds);
  const unclear = (held: number) =>
    watched.filter((w) => held < w.limit && judgeThreshold(w.address, w.t, ctx.lookup(w.address), { durationMs: 0 }).outcome === 'inconclusive');
  let extra = 0;
  for (let look = 1; look < EXTEND_LOOKS && !ctx.signal.aborted; look++) {
    const waiting = unclear(extra);
    if (waiting.length === 0) break;
    // The next look of the threshold that may wait longest: hold × (max_hold / hold)^(look / (looks − 1)).
    const until = Math.max(
      ...waiting.map((w) => Math.round(experiment.hold * ((w.limit + experiment.hold) / experiment.hold) ** (look / (EXTEND_LOOKS - 1)) - experiment.hold)),
    );
    await ctx.wait(until - extra);
    extra = until;
  }
  if (extra > 0) ctx.log?.info(`experiment "${experiment.name}": fault held ${formatDuration(extra)} longer (on_inconclusive: extend)`);
  return extra;
}
