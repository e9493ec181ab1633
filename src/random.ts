/**
 * Seeded randomness (mulberry32), so a run with the same seed replays: mock fault probabilities,
 * random delays and bytes, and the proxy's toxicity, jitter, slicing and corruption.
 */
export class Random {
  private state: number;

  constructor(private readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Back to the first draw: a reset mock fails the same requests as a fresh one. */
  rewind(): void {
    this.state = this.seed >>> 0;
  }

  /** A generator for one part of a mock (a route's response, an injected fault), derived from the mock's seed and the part's labels, so adding a route does not shift another route's draws. */
  static derive(seed: number, ...labels: (string | number)[]): Random {
    // FNV-1a over the seed and labels.
    let hash = 0x811c9dc5 ^ (seed >>> 0);
    for (const char of labels.join('\u0000')) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return new Random(hash);
  }

  /** A child source seeded from this one's next draw: one per proxy connection, each replayable. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** `length` random bytes. */
  bytes(length: number): Buffer {
    const bytes = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(this.next() * 256);
    return bytes;
  }
}
