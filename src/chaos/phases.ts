/**
 * Which phase a request belongs to, by overlap: a request counts in a phase only when it ran
 * wholly inside it.
 *
 *   steady ────────┐ inject            revert ┌──────── recovery
 *                  │◄──────── fault ────────►│
 *   ├──────┤            ├────────┤                 ├──────┤     steady, fault, recovery
 *       ├──────────┤                 ├──────────┤                boundary: in flight at a switch
 *
 * A request in flight when the fault starts or ends (started before the switch, ended after it)
 * goes to the boundary bucket, which no phase's success rate counts: it was neither wholly healthy
 * nor wholly faulted. It still counts in the run's totals (`chaos.<experiment>.boundary`).
 * `start` is when the request was due (open model) or sent (closed model); it ends `latencyMs` later.
 */
import type { Sample } from '../load/sample.js';

export type Phase = 'steady' | 'fault' | 'recovery' | 'boundary';

/** The switches on the performance.now() clock; Infinity until reached. */
export interface PhaseBounds {
  /** Just before the fault was injected: a request that ended by then never met it. */
  injecting: number;
  /** Just after the fault was injected: a request that started then met it from its start. */
  injected: number;
  /** Just before the revert. */
  reverting: number;
  /** Just after the revert: requests starting from here never met the fault. */
  reverted: number;
}

export function unreachedBounds(): PhaseBounds {
  return { injecting: Infinity, injected: Infinity, reverting: Infinity, reverted: Infinity };
}

export function phaseOf(sample: Pick<Sample, 'start' | 'latencyMs'>, bounds: PhaseBounds): Phase {
  const end = sample.start + sample.latencyMs;
  if (end <= bounds.injecting) return 'steady';
  if (sample.start >= bounds.reverted) return 'recovery';
  if (sample.start >= bounds.injected && end <= bounds.reverting) return 'fault';
  return 'boundary';
}
