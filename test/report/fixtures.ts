/**
 * Realistic RunReports to render: a passing run, a failing one (broken thresholds, a failed
 * stage, an experiment that did not recover, a timeline with fault windows), a hostile one whose
 * untrusted text tries to break out of the markdown, a huge one for the budget, and a baseline.
 */
import type { FaultWindow, RunReport, SeriesPoint, StageReport } from '../../src/results/types.js';

/** A small deterministic PRNG (mulberry32), so every fixture is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `seconds` of traffic at ~`rate` req/s; inside a window, latency climbs and a share fails. */
export function timeline(seconds: number, windows: FaultWindow[], seed = 7, rate = 200): SeriesPoint[] {
  const random = seeded(seed);
  const points: SeriesPoint[] = [];
  for (let t = 0; t < seconds; t++) {
    const inFault = windows.some((w) => t >= w.start && t < w.end);
    const requests = Math.round(rate * (0.95 + random() * 0.1));
    const failures = inFault ? Math.round(requests * (0.2 + random() * 0.2)) : random() < 0.1 ? 1 : 0;
    const p50 = (inFault ? 40 : 3) + random() * 2;
    points.push({ t, requests, failures, p50: +p50.toFixed(2), p99: +(p50 * (inFault ? 8 : 4) + random() * 5).toFixed(2) });
  }
  return points;
}

const trend = (p99: number) => ({
  type: 'trend' as const,
  count: 12000,
  min: 1.1,
  avg: p99 / 3,
  med: p99 / 4,
  p90: p99 / 2,
  p95: p99 / 1.5,
  p99,
  max: p99 * 3,
  hdr: 'HISTFAAAAB54nJNpmSzMwMDAxQABTFCaEUoz',
});

function stage(status: StageReport['status'], total: number, failed: number, extra: Partial<StageReport> = {}): StageReport {
  return {
    status,
    exit_code: status === 'passed' ? 0 : 1,
    duration_ms: 812 + total * 10,
    tests: { total, passed: total - failed - 1, failed, errors: 0, skipped: 1 },
    log: 'logs/stage.log',
    metrics: {},
    ...extra,
  };
}

export function passingRun(): RunReport {
  const windows: FaultWindow[] = [{ experiment: 'postgres connection loss', start: 35, end: 45 }];
  return {
    version: 1,
    verdict: 'pass',
    started_at: '2025-05-01T12:00:00.000Z',
    duration_ms: 75_300,
    stages: {
      unit: stage('passed', 42, 0),
      integration: stage('passed', 12, 0),
      load: { status: 'passed', exit_code: null, duration_ms: 30_000, metrics: {} },
    },
    metrics: {
      http_reqs: { type: 'counter', count: 12000, rate: 199.8 },
      http_req_failed: { type: 'rate', rate: 0.004, hits: 48, total: 12000 },
      http_req_duration: trend(11.5),
      deadlocks: { type: 'counter', count: 0, rate: 0 },
    },
    experiments: [
      {
        name: 'postgres connection loss',
        fault: { proxy: 'postgres', type: 'reset_peer', toxicity: 0.3, attributes: { timeout: 0 } },
        recovery_time_ms: 840,
        recover_within_ms: 5000,
        ok: true,
        phases: {
          steady: { success_rate: 1, requests: 500, metrics: {} },
          fault: { success_rate: 0.71, requests: 1000, metrics: {} },
          recovery: { success_rate: 0.99, requests: 500, metrics: {} },
        },
      },
    ],
    thresholds: [
      { metric: 'http_req_failed', expression: 'rate<0.05', actual: 0.004, limit: 0.05, ok: true },
      { metric: 'http_req_duration', expression: 'p(99)<500', actual: 11.5, limit: 500, ok: true },
      { metric: 'recovery_time', expression: 'max<5000', actual: 840, limit: 5000, ok: true },
      { metric: 'deadlocks', expression: 'count==0', actual: 0, limit: 0, ok: true },
    ],
    timeline: { series: timeline(60, windows), windows },
    errors: [],
  };
}

export function failingRun(): RunReport {
  const windows: FaultWindow[] = [
    { experiment: 'postgres connection loss', start: 30, end: 40 },
    { experiment: 'llm outage', start: 55, end: 62 },
  ];
  return {
    ...passingRun(),
    verdict: 'fail',
    duration_ms: 134_000,
    stages: {
      unit: stage('passed', 42, 0),
      integration: stage('failed', 12, 2, {
        reason: '2 tests failed',
        failures: [
          {
            suite: 'orders',
            name: 'retries a dropped connection',
            message: 'Error: expected 201, got 500\n    at orders.test.ts:41:7\n    at processTicksAndRejections',
          },
          { suite: 'orders', name: 'times out slow upstream', message: 'TimeoutError: 5000 ms elapsed' },
        ],
      }),
      load: { status: 'passed', exit_code: null, duration_ms: 30_000, metrics: {} },
      chaos: stage('timed_out', 3, 0, { reason: 'timed out after 30s', exit_code: null }),
    },
    metrics: {
      http_reqs: { type: 'counter', count: 14000, rate: 104.5 },
      http_req_failed: { type: 'rate', rate: 0.071, hits: 994, total: 14000 },
      http_req_duration: trend(812.4),
      deadlocks: { type: 'counter', count: 2, rate: 0.01 },
    },
    experiments: [
      { ...passingRun().experiments[0] },
      {
        name: 'llm outage',
        fault: { mock: 'llm', route: 'POST /v1/chat/completions', status: 503 },
        recovery_time_ms: null,
        recover_within_ms: 5000,
        ok: false,
        phases: {
          steady: { success_rate: 0.998, requests: 500, metrics: {} },
          fault: { success_rate: 0.4, requests: 700, metrics: {} },
          recovery: { success_rate: 0.62, requests: 500, metrics: {} },
        },
      },
    ],
    thresholds: [
      { metric: 'http_req_failed', expression: 'rate<0.05', actual: 0.071, limit: 0.05, ok: false },
      { metric: 'http_req_duration', expression: 'p(99)<500', actual: 812.4, limit: 500, ok: false },
      { metric: 'load.http_req_duration', expression: 'p(95)<baseline*1.2', actual: 40.1, limit: 48, ok: true },
      { metric: 'recovery_time', expression: 'max<5000', actual: 840, limit: 5000, ok: true },
      { metric: 'deadlocks', expression: 'count==0', actual: 2, limit: 0, ok: false },
      { metric: 'lost_frames', expression: 'count==0', actual: null, limit: 0, ok: false, reason: 'no data: no stage or experiment produced this metric' },
    ],
    timeline: { series: timeline(70, windows, 11), windows },
    errors: ['service app exited with code 137 during the chaos stage'],
  };
}

/** Untrusted text that tries everything: mentions, raw HTML, table pipes, fences, entities, newlines. */
export const HOSTILE = {
  suite: 'evil | suite',
  name: 'pings @octocat and @github/security <script>alert(1)</script> | col | ```',
  message: 'close ``` the fence\n```\n<img src=x onerror=alert(1)>\n@octocat &#64;octocat [link](javascript:alert(1)) </details>\n````\n| a | b |',
};

export function hostileRun(): RunReport {
  const run = failingRun();
  run.stages.integration = stage('failed', 3, 1, {
    reason: 'exit code 1 <b>bold</b> @octocat',
    failures: [{ ...HOSTILE }, { suite: 'fence', name: '````', message: '`````' }],
  });
  run.experiments[0] = { ...run.experiments[0], name: 'drop | table @octocat <i>x</i>' };
  run.errors = ['stage output: @octocat\n<script>x</script> | ``` '];
  return run;
}

/** Thousands of thresholds (a few broken) and failed tests with long messages: far past 65,536. */
export function hugeRun(thresholds = 3000, failures = 2000): RunReport {
  const run = failingRun();
  run.thresholds = Array.from({ length: thresholds }, (_, i) => ({
    metric: `chaos.experiment ${i}.fault.http_req_failed`,
    expression: 'rate<0.05',
    actual: i % 10 === 0 ? 0.2 : 0.01,
    limit: 0.05,
    ok: i % 10 !== 0,
  }));
  run.stages.integration = stage('failed', failures + 10, failures, {
    reason: `${failures} tests failed`,
    failures: Array.from({ length: failures }, (_, i) => ({
      suite: `suite ${i % 17}`,
      name: `case ${i} | with @someone and \`\`\``,
      message: `AssertionError: case ${i}\n${'    at frame (file.ts:1:1)\n'.repeat(40)}`,
    })),
  });
  run.timeline = { series: timeline(600, run.timeline.windows, 3), windows: run.timeline.windows };
  return run;
}

/** The base branch's last good run: faster and more reliable than failingRun. */
export function baselineRun(): RunReport {
  const run = passingRun();
  run.metrics = {
    http_reqs: { type: 'counter', count: 12000, rate: 200 },
    http_req_failed: { type: 'rate', rate: 0.004, hits: 48, total: 12000 },
    http_req_duration: trend(725.4),
    deadlocks: { type: 'counter', count: 0, rate: 0 },
  };
  run.thresholds = failingRun().thresholds.map((t) => ({ ...t, actual: t.metric === 'http_req_duration' ? 725.4 : t.actual, ok: true }));
  run.experiments = [{ ...run.experiments[0], recovery_time_ms: 700 }];
  return run;
}
