/**
 * Several faults at once, faults that change over the hold (`steps:`), and a `ramp:`, run through
 * `chaos-gate run` against real HTTP services behind real proxies. What each phase and step measured
 * comes from metrics.json (its phases and its one-second timeline).
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

let servers: Server[] = [];
afterEach(() => {
  for (const server of servers) server.close();
  servers = [];
});

async function service(): Promise<number> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

async function project(experiment: string, proxies = 1): Promise<string> {
  const lines: string[] = [];
  for (let i = 1; i <= proxies; i++) lines.push(`  - { name: api${i}, listen: 127.0.0.1:${await freePort()}, upstream: 127.0.0.1:${await service()} }`);
  return makeProject({
    'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
proxies:
${lines.join('\n')}
stages:
  chaos:
    experiments:
${experiment}`,
  });
}

interface Point {
  t: number;
  requests: number;
  failures: number;
  p50: number;
}

/** The timeline's points wholly inside [from, to) seconds, with requests. */
const within = (series: Point[], from: number, to: number) => series.filter((p) => p.t >= from && p.t + 1 <= to && p.requests > 0);

describe('experiments with several faults, steps and ramps', () => {
  it('applies a list of faults together and reverts them together, reporting each', async () => {
    const dir = await project(
      `      - name: both
        load:
          targets:
            - { url: "http://\${proxies.api1.listen}/", weight: 1 }
            - { url: "http://\${proxies.api2.listen}/", weight: 1 }
          rate: 60/s
          timeout: 2s
        steady: 1s
        fault:
          - { proxy: api1, type: latency, attributes: { latency: 300 } }
          - { proxy: api2, type: reset_peer, seed: 1 }
        hold: 2s
        recover_within: 3s
`,
      2,
    );
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toContain('then latency on proxy api1 (downstream) and reset_peer on proxy api2 (downstream) for 2s');
    const [e] = (await readJson(join(dir, 'chaos-gate-report/metrics.json'))).experiments;
    expect(e.fault).toEqual({
      all: [
        { proxy: 'api1', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 0 } },
        { proxy: 'api2', type: 'reset_peer', stream: 'downstream', toxicity: 1, seed: 1, attributes: { timeout: 0 } },
      ],
    });
    // Both held at once: half the requests reset, the other half slow; both gone after the revert.
    expect(e.phases.steady.success_rate).toBe(1);
    expect(e.phases.fault.success_rate).toBeGreaterThan(0.3);
    expect(e.phases.fault.success_rate).toBeLessThan(0.7);
    expect(e.phases.fault.metrics.http_req_duration.max).toBeGreaterThanOrEqual(295);
    expect(e.phases.recovery.success_rate).toBe(1);
    expect(e.phases.recovery.metrics.http_req_duration.max).toBeLessThan(250);
    expect(ran.code, ran.stderr).toBe(0);
  }, 60_000);

  it('steps: each step replaces the one before at its time, and the report says when each began', async () => {
    const dir = await project(`      - name: gradual
        load: { url: "http://\${proxies.api1.listen}/", rate: 40/s, timeout: 3s }
        steady: 1s
        steps:
          - { at: 0s, fault: { proxy: api1, type: latency, attributes: { latency: 100 } } }
          - { at: 2s, fault: { proxy: api1, type: latency, attributes: { latency: 400 } } }
        hold: 4s
        recover_within: 4s
`);
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code, ran.stderr).toBe(0);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [e] = report.experiments;
    expect(e.fault.steps.map((s: { at_ms: number; attributes: { latency: number } }) => [s.at_ms, s.attributes.latency])).toEqual([
      [0, 100],
      [2000, 400],
    ]);
    expect(e.steps.map((s: { step: number }) => s.step)).toEqual([1, 2]);
    const [one, two] = e.steps as { start: number }[];
    expect(two.start - one.start).toBeGreaterThanOrEqual(1.95);
    expect(two.start - one.start).toBeLessThan(2.5);
    // Answers sent within each step took that step's latency.
    const series = report.timeline.series as Point[];
    const first = within(series, one.start + 0.5, two.start);
    const second = within(series, two.start + 0.5, one.start + 4);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    for (const p of first) {
      expect(p.p50).toBeGreaterThanOrEqual(95);
      expect(p.p50).toBeLessThan(350);
    }
    for (const p of second) expect(p.p50).toBeGreaterThanOrEqual(395);
  }, 60_000);

  it('ramp: moves the latency linearly over the hold, so later answers are slower', async () => {
    const dir = await project(`      - name: ramped
        load: { url: "http://\${proxies.api1.listen}/", rate: 40/s, timeout: 3s }
        steady: 1s
        fault: { proxy: api1, type: latency, attributes: { latency: 0 } }
        ramp: { attribute: latency, from: 0, to: 800 }
        hold: 4s
        recover_within: 4s
`);
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('latency ramped 0 → 800');
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [e] = report.experiments;
    expect(e.fault.ramp).toEqual({ attribute: 'latency', from: 0, to: 800 });
    const [window] = report.timeline.windows as { start: number; end: number }[];
    const inside = within(report.timeline.series as Point[], window.start, window.end);
    expect(inside.length).toBeGreaterThanOrEqual(3);
    // Each second's median is above the one before, and they span most of the ramp.
    for (let i = 1; i < inside.length; i++) expect(inside[i].p50).toBeGreaterThan(inside[i - 1].p50);
    expect(inside[0].p50).toBeLessThan(300);
    expect(inside.at(-1)!.p50).toBeGreaterThan(500);
  }, 60_000);

  it('refuses steps that are not in order or outlast the hold, and a ramp on an attribute no toxic has, naming the line', async () => {
    const dir = await project(`      - name: bad
        load: { url: "http://\${proxies.api1.listen}/", rate: 10/s }
        steps:
          - { at: 0s, fault: { proxy: api1, type: latency } }
          - { at: 5s, fault: { proxy: api1, type: latency } }
        hold: 2s
        ramp: { attribute: rate, from: 0, to: 1 }
`);
    const ran = await cli(['validate', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/chaos-gate\.yml:12:19: .*steps\[1\]\.at.*expected a time within the hold \(2000 ms\)/);
    expect(ran.stderr).toMatch(/chaos-gate\.yml:14:28: .*ramp\.attribute.*no toxic of this experiment has the attribute "rate"/);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });
});
