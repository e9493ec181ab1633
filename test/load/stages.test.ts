/**
 * Ramps in stages against a real server: the open model's achieved rate in each stage, counted by
 * the server as requests arrive, within 1% of the stage's integral; the closed model's connections
 * following their targets up and down; and the schema's refusals at their keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.js';
import type { Sample } from '../../src/load/sample.js';
import { loadStageSchema, trafficSchema } from '../../src/load/schema.js';
import { httpServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('stages, open model', () => {
  it('achieves each stage of a ramp up, hold and ramp down within 1%, counted by the server', async () => {
    const arrivals: number[] = [];
    const server = await httpServer((_req, res) => {
      arrivals.push(performance.now());
      res.end('ok');
    });
    servers.push(server);
    const traffic = trafficSchema.parse({
      url: server.url,
      stages: [
        { duration: '1s', target: '400/s' },
        { duration: '1s', target: '400/s' },
        { duration: '1s', target: '100/s' },
      ],
    });
    let t0 = 0;
    const summary = await runLoad(traffic, { durationMs: 3000, onSample: () => undefined, onStart: (start) => (t0 = start) });
    expect(summary.failures).toBe(0);
    // 0 → 400/s over 1 s: 200; 400/s for 1 s: 400; 400 → 100/s over 1 s: 250. The probe's request is not an arrival here.
    const expected = [200, 400, 250];
    const counted = [0, 1, 2].map((k) => arrivals.filter((at) => at - t0 >= k * 1000 && at - t0 < (k + 1) * 1000).length);
    counted.forEach((count, k) =>
      expect(Math.abs(count - expected[k]), `stage ${k + 1}: ${count} of ${expected[k]}`).toBeLessThanOrEqual(Math.ceil(expected[k] * 0.01)),
    );
    expect(summary.requests).toBe(850);
  });
});

describe('stages, closed model', () => {
  it('opens loops as the target rises and retires them as it falls', async () => {
    const server = await httpServer((_req, res) => setTimeout(() => res.end('ok'), 10));
    servers.push(server);
    const samples: Sample[] = [];
    const traffic = trafficSchema.parse({
      url: server.url,
      stages: [
        { duration: '400ms', target: 4 },
        { duration: '400ms', target: 4 },
        { duration: '1ms', target: 1 },
        { duration: '400ms', target: 1 },
      ],
    });
    let t0 = 0;
    await runLoad(traffic, { durationMs: 1200, onSample: (s) => samples.push(s), onStart: (start) => (t0 = start) });
    const inFlightAt = (t: number) => samples.filter((s) => s.start <= t && t < s.start + s.latencyMs).length;
    // Held at 4 in the second stage; one loop (its request in flight at the drop may finish) in the last.
    expect(Math.max(...[500, 600, 700].map((ms) => inFlightAt(t0 + ms)))).toBe(4);
    expect(Math.max(...[950, 1050, 1150].map((ms) => inFlightAt(t0 + ms)))).toBe(1);
    // Rising through the first: never more loops than the target allows, with 10 ms of steering lag.
    const allowed = (t: number) => Math.min(4, Math.round((4 * (t - t0 + 10)) / 400));
    expect(samples.filter((s) => s.start - t0 < 400 && inFlightAt(s.start) > allowed(s.start) + 1)).toEqual([]);
  });
});

describe('stages in the schema', () => {
  const url = 'http://127.0.0.1:9/';
  it('takes its duration from the stages, and its model from their targets', () => {
    const stage = loadStageSchema.parse({
      url,
      stages: [
        { duration: '2s', target: '100/s' },
        { duration: '1s', target: '0/s' },
      ],
    });
    expect(stage).toMatchObject({
      duration: 3000,
      rate: 100,
      connections: undefined,
      stages: [
        { durationMs: 2000, target: 100 },
        { durationMs: 1000, target: 0 },
      ],
    });
    expect(trafficSchema.parse({ url, stages: [{ duration: '1s', target: 8 }] })).toMatchObject({ connections: 8, rate: undefined });
  });

  it('names what does not go together, at its key', () => {
    const issue = (input: Record<string, unknown>) => loadStageSchema.safeParse({ url, ...input }).error?.issues[0];
    expect(issue({ rate: '5/s', stages: [{ duration: '1s', target: '10/s' }] })).toMatchObject({ path: ['rate'] });
    expect(
      issue({
        stages: [
          { duration: '1s', target: '10/s' },
          { duration: '1s', target: 5 },
        ],
      }),
    ).toMatchObject({
      path: ['stages', 1, 'target'],
      message: "expected a rate like 200/s, as the first stage's target: one model for all stages",
    });
    expect(issue({ stages: [{ duration: '1s', target: '0/s' }] })).toMatchObject({ path: ['stages'] });
    expect(issue({ duration: '1s', stages: [{ duration: '2s', target: 4 }] })).toMatchObject({ path: ['duration'] });
    expect(issue({ rate: '5/s' })).toMatchObject({ path: ['duration'] });
  });
});
