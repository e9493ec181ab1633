import { describe, expect, it } from 'vitest';
import { Trend } from '../../src/gate/metrics.js';
import { Random } from '../../src/random.js';
import { computeDeltas } from '../../src/report/deltas.js';
import type { RunReport } from '../../src/results/types.js';
import { passingRun } from './fixtures.js';

/** A run whose http_req_duration is 1,700 seeded requests, exponential around `mean` ms. */
function runWith(seed: number, mean: number): RunReport {
  const random = new Random(seed);
  const trend = new Trend();
  for (let i = 0; i < 1700; i++) trend.add(-Math.log(1 - random.next()) * mean);
  const run = passingRun();
  return { ...run, metrics: { http_req_duration: { type: 'trend', ...trend.summary() } }, experiments: [] };
}

describe('baseline deltas against the noise', () => {
  it('reads "within noise" for a p99 change that two samples of the same service show, with no ⚠️', () => {
    const [p99] = computeDeltas(runWith(2, 40), runWith(1, 40));
    expect(p99.label).toBe('http_req_duration p99');
    expect(p99.change).toMatch(/^[+−]\d+(\.\d)?% \(within noise\)$/);
    expect(p99.worse).toBeUndefined();
  });

  it("marks ⚠️ a change outside both runs' intervals", () => {
    const [p99] = computeDeltas(runWith(2, 80), runWith(1, 40));
    expect(p99.change).not.toContain('within noise');
    expect(p99.worse).toBe(true);
  });
});
