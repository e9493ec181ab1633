import { describe, expect, it } from 'vitest';
import { Arrivals } from '../../src/load/arrivals.js';
import { TargetPicker } from '../../src/load/target.js';

describe('Arrivals', () => {
  it('spaces requests evenly at full rate', () => {
    const arrivals = new Arrivals(2000, 0);
    expect([0, 1, 2, 2000].map((i) => arrivals.at(i))).toEqual([0, 0.5, 1, 1000]);
    expect(arrivals.countBefore(10_000)).toBe(20_000);
    expect(arrivals.countBefore(10_000.1)).toBe(20_001);
  });

  it('ramps linearly: half the full-rate count over the ramp, then full rate', () => {
    const arrivals = new Arrivals(100, 2000);
    expect(arrivals.countBefore(1000)).toBe(25); // ∫0..1s of 50/s average
    expect(arrivals.countBefore(2000)).toBe(100);
    expect(arrivals.countBefore(3000)).toBe(200);
    // the timetable agrees with the counts
    expect(arrivals.at(24)).toBeLessThan(1000);
    expect(arrivals.at(25)).toBeGreaterThanOrEqual(1000);
    expect(arrivals.at(100)).toBeCloseTo(2000, 6);
    for (let i = 1; i < 300; i++) expect(arrivals.at(i)).toBeGreaterThan(arrivals.at(i - 1));
  });
});

describe('TargetPicker', () => {
  it('gives each target exactly its share, interleaved', () => {
    const picker = new TargetPicker([
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
    ]);
    const picks = Array.from({ length: 8 }, () => picker.next().name).join('');
    expect(picks).toBe('aabaaaba');
  });
});

describe('Arrivals in stages', () => {
  it('follows each stage linearly from the last target, and holds the last one after them', () => {
    // 0 → 200/s over 1 s (100 due), held 1 s (200), down to 50/s over 1 s (125), then 50/s.
    const arrivals = new Arrivals([
      { durationMs: 1000, target: 200 },
      { durationMs: 1000, target: 200 },
      { durationMs: 1000, target: 50 },
    ]);
    expect([1000, 2000, 3000, 4000].map((ms) => arrivals.countBefore(ms))).toEqual([100, 300, 425, 475]);
    // The timetable agrees with the counts, never goes back, and lands on each stage's boundary.
    for (const [i, ms] of [
      [100, 1000],
      [300, 2000],
      [425, 3000],
    ])
      expect(arrivals.at(i)).toBeCloseTo(ms, 6);
    for (let i = 1; i < 475; i++) expect(arrivals.at(i)).toBeGreaterThan(arrivals.at(i - 1));
    for (let i = 1; i < 475; i++) expect(arrivals.countBefore(arrivals.at(i) + 1e-6)).toBe(i + 1);
  });

  it('stops when the last stage ramps down to 0', () => {
    const arrivals = new Arrivals([
      { durationMs: 1000, target: 100 },
      { durationMs: 1000, target: 0 },
    ]);
    expect(arrivals.countBefore(5000)).toBe(100);
    expect(arrivals.at(100)).toBe(Infinity);
  });
});
