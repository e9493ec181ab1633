/**
 * One answer of a route's sequence, compiled: its content plus how it is delivered (a delay,
 * a dribbled body) or not delivered (a connection fault, drawn with its probability).
 * Behaviours set on the route apply to each of its entries unless the entry sets its own.
 */
import { Content } from './content.js';
import { delaySampler, type DelaySampler, type DelaySpec } from './delays.js';
import type { Dribble } from './dribble.js';
import type { FaultName } from './faults/fault.js';
import type { Random } from '../random.js';

/** The behaviour keys shared by response entries, routes and runtime faults (durations in ms). */
export interface BehaviourDefinition {
  delay?: DelaySpec;
  dribble?: { chunks: number; duration: number };
  fault?: FaultName;
  probability?: number;
}

export class Reply {
  readonly delay?: DelaySampler;
  readonly dribble?: Dribble;
  readonly fault?: FaultName;
  private readonly probability: number;

  constructor(
    readonly content: Content,
    behaviour: BehaviourDefinition,
    /** Draws the fault's probability, random delays and random_then_close's bytes. */
    readonly random: Random,
  ) {
    this.delay = behaviour.delay === undefined ? undefined : delaySampler(behaviour.delay, random);
    this.dribble = behaviour.dribble && { chunks: behaviour.dribble.chunks, durationMs: behaviour.dribble.duration };
    this.fault = behaviour.fault;
    this.probability = behaviour.probability ?? 1;
  }

  /** This reply's fault for one request, drawn with its probability; undefined for a normal answer. */
  drawFault(): FaultName | undefined {
    if (this.fault === undefined || this.probability >= 1) return this.fault;
    return this.random.next() < this.probability ? this.fault : undefined;
  }
}

/** An entry's behaviours over its route's: the entry wins key by key (fault and probability go together). */
export function mergeBehaviour(route: BehaviourDefinition, entry: BehaviourDefinition): BehaviourDefinition {
  const fault = entry.fault !== undefined ? { fault: entry.fault, probability: entry.probability } : { fault: route.fault, probability: route.probability };
  return { delay: entry.delay ?? route.delay, dribble: entry.dribble ?? route.dribble, ...fault };
}
