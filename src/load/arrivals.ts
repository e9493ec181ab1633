/**
 * The open model's timetable: when request i is due. The rate moves linearly within each stage
 * (k6's ramping-arrival-rate), starting from 0, and holds the last stage's target after it; a plain
 * `rate` with `ramp_up` is one stage from 0 to the rate. Over a stage of D ms from rate a to b
 * (requests per ms), the number due τ ms into it is
 *
 *   N(τ) = N₀ + a·τ + (b − a)·τ²/(2D)
 *
 * and request i is due at the τ where N(τ) = i. Times are fixed in advance: a slow response
 * never moves a later request (no coordinated omission).
 */

/** One stage: over `durationMs`, the rate moves linearly to `target` requests per second. */
export interface RateStage {
  durationMs: number;
  target: number;
}

interface Segment {
  /** Ms after the start when it begins. */
  start: number;
  duration: number;
  /** Requests per ms at its start and end. */
  from: number;
  to: number;
  /** Requests due before it begins. */
  before: number;
}

export class Arrivals {
  private readonly segments: Segment[] = [];
  /** Requests per ms after the last stage, and when that hold begins. */
  private readonly holdRate: number;
  private readonly holdStart: number;
  private readonly holdBefore: number;

  /** `ratePerSecond` reached over `rampUpMs` from 0 (0 starts at full rate), then held. */
  constructor(ratePerSecond: number, rampUpMs: number);
  constructor(stages: RateStage[]);
  constructor(first: number | RateStage[], rampUpMs = 0) {
    // A stage of 0 ms is a step: the rate jumps to its target (a `rate` without `ramp_up`).
    const stages = typeof first === 'number' ? [{ durationMs: rampUpMs, target: first }] : first;
    let start = 0;
    let before = 0;
    let rate = 0;
    for (const stage of stages) {
      const to = stage.target / 1000;
      if (stage.durationMs > 0) {
        this.segments.push({ start, duration: stage.durationMs, from: rate, to, before });
        before += ((rate + to) / 2) * stage.durationMs;
        start += stage.durationMs;
      }
      rate = to;
    }
    this.holdRate = rate;
    this.holdStart = start;
    this.holdBefore = before;
  }

  /** Ms after the start when request `i` (from 0) is due; Infinity when none is due any more. */
  at(i: number): number {
    for (const s of this.segments) {
      const count = ((s.from + s.to) / 2) * s.duration;
      if (i >= s.before + count) continue;
      const n = i - s.before;
      const a = (s.to - s.from) / (2 * s.duration);
      // a·τ² + from·τ − n = 0, the root in [0, D]; a linear rate when a is 0.
      const tau = a === 0 ? n / s.from : (-s.from + Math.sqrt(s.from * s.from + 4 * a * n)) / (2 * a);
      return s.start + Math.min(s.duration, Math.max(0, tau));
    }
    if (this.holdRate <= 0) return Infinity;
    return this.holdStart + (i - this.holdBefore) / this.holdRate;
  }

  /** How many requests are due before `ms` after the start. */
  countBefore(ms: number): number {
    let due = this.holdBefore + Math.max(0, ms - this.holdStart) * this.holdRate;
    for (const s of this.segments) {
      if (ms >= s.start + s.duration) continue;
      const tau = Math.max(0, ms - s.start);
      due = s.before + s.from * tau + ((s.to - s.from) * tau * tau) / (2 * s.duration);
      break;
    }
    return Math.ceil(due - 1e-9);
  }
}

/** The target at `ms` of stages that move linearly from 0 (the closed model's connections), holding the last after them. */
export function stageTarget(stages: readonly RateStage[], ms: number): number {
  let start = 0;
  let from = 0;
  for (const stage of stages) {
    if (ms < start + stage.durationMs) return from + ((stage.target - from) * (ms - start)) / stage.durationMs;
    start += stage.durationMs;
    from = stage.target;
  }
  return from;
}
