/**
 * Does `confidence` make a verdict you can defend? Seeded services whose true failure rate sits
 * just under, at and just over the limit of `rate<0.05` are judged 200 times each, in-process,
 * through the same judge and the same `extend` loop a run uses (its wait records the traffic a
 * longer hold would have seen instead of sleeping).
 */
import { describe, expect, it } from 'vitest';
import { extendHold } from '../../src/chaos/extend.js';
import { thresholdSchema } from '../../src/gate/schema.js';
import { MetricsStore } from '../../src/gate/store.js';
import { judgeThreshold } from '../../src/gate/thresholds.js';
import { Random } from '../../src/random.js';

const RUNS = 200;
const LIMIT = 0.05;
/** 100 requests a second: a 4 s hold sees 400, each 250 ms of extension 25 more. */
const RATE_PER_S = 100;
const HOLD_MS = 4000;
const ADDRESS = 'chaos.db loss.fault.http_req_failed';

type Outcome = 'held' | 'broken' | 'inconclusive';

async function simulate(trueRate: number, seed: number, maxHoldMs: number | undefined): Promise<Outcome> {
  const random = new Random(seed);
  const store = new MetricsStore();
  const failed = store.scope('chaos.db loss.fault').rate('http_req_failed');
  const serve = (ms: number) => {
    for (let i = 0; i < (RATE_PER_S * ms) / 1000; i++) failed.add(random.next() < trueRate);
  };
  const [t] = thresholdSchema.parse({
    threshold: `rate<${LIMIT}`,
    confidence: 0.95,
    ...(maxHoldMs === undefined ? {} : { on_inconclusive: 'extend', max_hold: `${maxHoldMs}ms` }),
  });
  serve(HOLD_MS);
  await extendHold(
    { name: 'db loss', hold: HOLD_MS },
    { thresholds: { [ADDRESS]: [t] }, lookup: (a) => store.lookup(a), signal: new AbortController().signal, wait: async (ms) => serve(ms) },
  );
  return judgeThreshold(ADDRESS, t, store.lookup(ADDRESS), { durationMs: 0 }).outcome as Outcome;
}

async function shares(trueRate: number, maxHoldMs: number | undefined): Promise<Record<Outcome, number>> {
  const counts: Record<Outcome, number> = { held: 0, broken: 0, inconclusive: 0 };
  for (let run = 0; run < RUNS; run++) counts[await simulate(trueRate, 1000 + run, maxHoldMs)] += 1;
  return { held: counts.held / RUNS, broken: counts.broken / RUNS, inconclusive: counts.inconclusive / RUNS };
}

describe('rate thresholds at 95% confidence, 200 seeded runs per true failure rate', () => {
  const rates = { under: 0.03, at: LIMIT, over: 0.08 };
  const holds = [undefined, 2 * HOLD_MS, 4 * HOLD_MS, 8 * HOLD_MS];

  it('rarely calls a threshold that truly holds broken (≤ 5%), nor one that truly breaks held, and extend shrinks the inconclusive share', async () => {
    const table: string[] = [];
    const results: { rate: number; s: Record<Outcome, number> }[] = [];
    const inconclusive: Record<string, number[]> = { under: [], at: [], over: [] };
    for (const [name, rate] of Object.entries(rates)) {
      for (const maxHold of holds) {
        const s = await shares(rate, maxHold);
        inconclusive[name].push(s.inconclusive);
        table.push(
          `${name.padEnd(5)} (true ${rate})  max_hold ${maxHold === undefined ? 'none ' : `${maxHold / HOLD_MS}×hold`}  held ${s.held.toFixed(3)}  broken ${s.broken.toFixed(3)}  inconclusive ${s.inconclusive.toFixed(3)}`,
        );
        results.push({ rate, s });
      }
    }
    console.log(`confidence simulation (${RUNS} runs each, hold ${HOLD_MS / 1000} s at ${RATE_PER_S} req/s, limit rate<${LIMIT}):\n${table.join('\n')}`);
    for (const { rate, s } of results) {
      // The false alarm: a service under the limit judged broken. Wilson at 95% is two-sided: ≤ 2.5% expected.
      if (rate < LIMIT) expect(s.broken).toBeLessThanOrEqual(0.05);
      // A service at or over the limit truly breaks `rate<0.05`: judged held as rarely.
      if (rate >= LIMIT) expect(s.held).toBeLessThanOrEqual(0.05);
    }
    // Allowing a longer hold leaves fewer runs undecided on either side of the limit.
    for (const name of ['under', 'over'] as const) {
      const series = inconclusive[name];
      for (let i = 1; i < series.length; i++) expect(series[i]).toBeLessThanOrEqual(series[i - 1]);
      expect(series[series.length - 1]).toBeLessThan(series[0] / 2);
    }
  }, 120_000);
});
