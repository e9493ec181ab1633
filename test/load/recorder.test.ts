import { describe, expect, it } from 'vitest';
import { MetricSet } from '../../src/gate/metrics.js';
import { formatProgress } from '../../src/load/progress.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { Sample } from '../../src/load/sample.js';

const runStart = 10_000;
const ok = (start: number, latencyMs: number): Sample => ({ start, latencyMs, status: 200, ok: true });
const failed = (start: number, latencyMs: number, errorClass: Sample['errorClass'], status?: number): Sample => ({
  start,
  latencyMs,
  status,
  ok: false,
  errorClass,
});

describe('LoadRecorder', () => {
  it('records k6 metric names and only the error classes that occurred', () => {
    const set = new MetricSet();
    const recorder = new LoadRecorder(set, runStart);
    for (let i = 0; i < 97; i++) recorder.record(ok(runStart + i, 10));
    recorder.record(failed(runStart + 200, 1, 'refused'));
    recorder.record(failed(runStart + 300, 30, 'status_5xx', 503));
    recorder.record(failed(runStart + 400, 1000, 'timeout'));
    recorder.dropped();

    const summary = set.summary(1000);
    expect(summary.http_reqs).toMatchObject({ type: 'counter', count: 100 });
    expect(summary.http_req_failed).toMatchObject({ type: 'rate', hits: 3, total: 100, rate: 0.03 });
    expect(summary.http_req_duration).toMatchObject({ type: 'trend', count: 100 });
    expect(summary.http_req_duration.med).toBeCloseTo(10, 1);
    expect(summary.http_req_duration.max).toBeCloseTo(1000, -1);
    expect(typeof summary.http_req_duration.hdr).toBe('string');
    expect(Object.keys(summary).filter((k) => k.startsWith('errors_'))).toEqual(['errors_5xx', 'errors_refused', 'errors_timeout']);
    expect(summary.dropped_iterations).toMatchObject({ count: 1 });
  });

  it('records nothing before the first sample, so a silent load reads as no data', () => {
    const set = new MetricSet();
    new LoadRecorder(set, runStart);
    expect(set.metrics.size).toBe(0);
  });

  it('switches metric sets mid-run while the series runs on', () => {
    const steady = new MetricSet();
    const fault = new MetricSet();
    const recorder = new LoadRecorder(steady, runStart);
    recorder.record(ok(runStart + 100, 5));
    recorder.record(ok(runStart + 200, 5));
    recorder.into(fault);
    recorder.record(failed(runStart + 1100, 2, 'reset'));
    recorder.record(ok(runStart + 1200, 50));

    expect(steady.counter('http_reqs').count).toBe(2);
    expect(steady.rate('http_req_failed').rate).toBe(0);
    expect(fault.counter('http_reqs').count).toBe(2);
    expect(fault.rate('http_req_failed').rate).toBe(0.5);
    expect(fault.counter('errors_reset').count).toBe(1);
    // per-second histograms keep 2 significant digits: values within 1%
    const points = recorder.points();
    expect(points.map(({ t, requests, failures }) => ({ t, requests, failures }))).toEqual([
      { t: 0, requests: 2, failures: 0 },
      { t: 1, requests: 2, failures: 1 },
    ]);
    expect(points[0].p99).toBeCloseTo(5, 0);
    expect(points[1].p50).toBeCloseTo(2, 1);
    expect(points[1].p99 / 50).toBeCloseTo(1, 1);
  });

  it('puts a sample in the second it started, however late it ended', () => {
    const recorder = new LoadRecorder(new MetricSet(), runStart);
    recorder.record(ok(runStart + 5500, 12));
    recorder.record(ok(runStart + 2999, 4000));
    recorder.record(ok(runStart + 2001, 1));
    const points = recorder.points();
    expect(points.map((p) => [p.t, p.requests])).toEqual([
      [2, 2],
      [5, 1],
    ]);
    expect(points[0].p99 / 4000).toBeCloseTo(1, 1);
    expect(points[0].p50).toBeCloseTo(1, 1);
  });
});

describe('formatProgress', () => {
  it('shows requests, rate, errors, p99 and time left', () => {
    const line = formatProgress({ elapsedMs: 12_400, durationMs: 30_000, requests: 2400, failures: 3, dropped: 0, inFlight: 2, rps: 199.6, p99Ms: 12.34 });
    expect(line).toBe('load 12s/30s  2,400 req  200/s  errors 3 (0.1%)  p99 12ms  18s left');
  });

  it('mentions drops and the wait for requests still in flight', () => {
    const line = formatProgress({ elapsedMs: 61_000, durationMs: 60_000, requests: 120_000, failures: 0, dropped: 15, inFlight: 7, rps: 2000, p99Ms: 1.5 });
    expect(line).toBe('load 1m/1m  120,000 req  2,000/s  errors 0 (0%)  p99 1.5ms  dropped 15  finishing 7 in flight');
  });
});
