import { describe, expect, it } from 'vitest';
import { compareInterval, normalQuantile, percentileInterval, wilson } from '../../src/gate/interval.js';
import { Trend } from '../../src/gate/metrics.js';
import { Random } from '../../src/random.js';

describe('intervals', () => {
  it('normalQuantile gives the familiar z values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it('wilson matches the textbook intervals, and stays inside 0..1 at the edges', () => {
    const [a, b] = wilson(5, 10);
    expect(a).toBeCloseTo(0.2366, 4);
    expect(b).toBeCloseTo(0.7634, 4);
    const [zeroLow, zeroHigh] = wilson(0, 10);
    expect(zeroLow).toBe(0);
    expect(zeroHigh).toBeCloseTo(0.2775, 4);
    // 0 failures in 300 requests: "rate<0.05" is clear, "rate<0.01" is not.
    expect(wilson(0, 300)[1]).toBeCloseTo(0.0126, 4);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it("a percentile's interval holds the true quantile about 95% of the time (200 seeded samples of 1,000)", () => {
    const trueP99 = -Math.log(0.01) * 100; // exponential with mean 100 ms
    let covered = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const random = new Random(seed);
      const trend = new Trend();
      for (let i = 0; i < 1000; i++) trend.add(-Math.log(1 - random.next()) * 100);
      const [low, high] = percentileInterval(trend, 99);
      expect(low).toBeLessThanOrEqual(trend.percentile(99));
      expect(high).toBeGreaterThanOrEqual(trend.percentile(99));
      if (low <= trueP99 && trueP99 <= high) covered += 1;
    }
    expect(covered / 200).toBeGreaterThanOrEqual(0.9);
  });

  it('compares an interval with a limit: held, broken or inconclusive', () => {
    expect(compareInterval([0.01, 0.03], '<', 0.05)).toBe('held');
    expect(compareInterval([0.06, 0.09], '<', 0.05)).toBe('broken');
    expect(compareInterval([0.03, 0.07], '<', 0.05)).toBe('inconclusive');
    expect(compareInterval([0.96, 0.99], '>=', 0.95)).toBe('held');
    expect(compareInterval([0.9, 0.94], '>=', 0.95)).toBe('broken');
    expect(compareInterval([0.93, 0.97], '>', 0.95)).toBe('inconclusive');
  });
});
