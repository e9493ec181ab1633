/**
 * The open model's timetable: when request i is due. The rate ramps linearly from 0 to full
 * over `rampUpMs`, then holds (k6's ramping-arrival-rate), so the number due by time t is
 *
 *   N(t) = r·t²/(2R)          while t < R        (r: requests per ms, R: ramp-up in ms)
 *   N(t) = r·R/2 + r·(t − R)  after
 *
 * and request i is due at the t where N(t) = i. Times are fixed in advance: a slow response
 * never moves a later request (no coordinated omission).
 */
export class Arrivals {
  private readonly perMs: number;
  /** Requests due during the ramp. */
  private readonly rampCount: number;

  /** `ratePerSecond` at full rate; `rampUpMs` 0 starts at full rate. */
  constructor(
    ratePerSecond: number,
    private readonly rampUpMs: number,
  ) {
    this.perMs = ratePerSecond / 1000;
    this.rampCount = (this.perMs * rampUpMs) / 2;
  }

  /** Ms after the start when request `i` (from 0) is due. */
  at(i: number): number {
    if (i < this.rampCount) return Math.sqrt((2 * this.rampUpMs * i) / this.perMs);
    return this.rampUpMs + (i - this.rampCount) / this.perMs;
  }

  /** How many requests are due before `ms` after the start. */
  countBefore(ms: number): number {
    const due = ms < this.rampUpMs ? (this.perMs * ms * ms) / (2 * this.rampUpMs) : this.rampCount + this.perMs * (ms - this.rampUpMs);
    return Math.ceil(due - 1e-9);
  }
}
