/**
 * `repeat: N` through `chaos-gate run`: the fault is injected N times (steady → fault → recovery
 * each) against a real mock, and recovery_time gets one value per injection, with percentiles.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

describe('repeat', () => {
  it('injects the fault N times and reports recovery_time per injection and across them', async () => {
    const mockPort = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
mocks:
  - name: provider
    listen: 127.0.0.1:${mockPort}
    routes:
      - { name: quote, request: { path: /quote }, respond: [{ status: 200 }] }
stages:
  chaos:
    experiments:
      - name: flaky provider
        load: { url: "http://127.0.0.1:${mockPort}/quote", rate: 50/s, timeout: 2s }
        steady: 500ms
        fault: { mock: provider, status: 503 }
        hold: 500ms
        recover_within: 3s
        repeat: 3
thresholds:
  "chaos.flaky provider.recovery_time": ["p(99)<3000"]
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [experiment] = report.experiments;
    expect(report.timeline.windows).toHaveLength(3);
    expect(experiment.repeats).toMatchObject({ asked: 3, done: 3 });
    const times: number[] = experiment.repeats.recovery_times_ms;
    expect(times).toHaveLength(3);
    for (const t of times) expect(t).toEqual(expect.any(Number));
    const sorted = [...times].sort((a, b) => a - b);
    expect(experiment.repeats.recovery_time).toEqual({ p50: sorted[1], p90: sorted[2], p99: sorted[2], max: sorted[2] });
    expect(experiment.recovery_time_ms).toBe(sorted[2]);
    expect(report.metrics.recovery_time).toMatchObject({ type: 'trend', count: 3 });
    // Each injection's mock fault took requests, and the phases stayed exact across the repeats.
    expect(experiment.reach.faulted_requests).toBeGreaterThan(0);
    expect(experiment.phases.steady.success_rate).toBe(1);
    expect(experiment.phases.fault.success_rate).toBe(0);
    expect(experiment.phases.recovery.success_rate).toBe(1);
    expect(report.thresholds).toContainEqual(expect.objectContaining({ metric: 'chaos.flaky provider.recovery_time', ok: true }));
    expect(ran.stderr).toMatch(/injection 3 of 3 recovered in \d+ ms/);
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary).toMatch(/max [\d.]+ m?s; p50 [\d.]+ m?s, p90 [\d.]+ m?s, p99 [\d.]+ m?s over 3×/);
    expect(ran.code).toBe(0);
  }, 90_000);
});
