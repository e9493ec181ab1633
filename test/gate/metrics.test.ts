import { describe, expect, it } from 'vitest';
import { MetricSet } from '../../src/gate/metrics.js';
import { recordLines } from '../../src/gate/lines.js';
import { BUILTIN_METRICS } from '../../src/gate/builtin-metrics.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { ErrorClass } from '../../src/load/sample.js';

describe('MetricSet', () => {
  it('merges shards exactly: counters add, rates add, trends merge histograms', () => {
    const whole = new MetricSet();
    const shards = [new MetricSet(), new MetricSet(), new MetricSet(), new MetricSet()];
    for (let i = 0; i < 10_000; i++) {
      const value = (i * 7919) % 1000; // a spread that differs per shard
      whole.trend('d').add(value);
      shards[i % 4].trend('d').add(value);
      whole.rate('f').add(i % 10 === 0);
      shards[i % 4].rate('f').add(i % 10 === 0);
    }
    // Through metrics.json, as shards travel.
    const merged = shards.map((s) => MetricSet.fromSummary(JSON.parse(JSON.stringify(s.summary(1000))))).reduce((a, b) => a.merge(b));
    expect(merged.trend('d').percentile(99)).toBe(whole.trend('d').percentile(99));
    expect(merged.trend('d').count).toBe(10_000);
    expect(merged.rate('f').summary()).toEqual(whole.rate('f').summary());
  });

  it('refuses a name recorded with two types', () => {
    const set = new MetricSet();
    set.counter('x').add(1);
    expect(() => set.trend('x')).toThrow('metric "x" is a counter, not a trend');
  });
});

describe('recordLines', () => {
  it('records good lines and names bad ones by number', () => {
    const set = new MetricSet();
    const problems = recordLines(
      [
        '{"name":"deadlocks","type":"counter","value":0}',
        'not json',
        '{"name":"recovery","type":"trend","value":120}',
        '{"name":"recovery","type":"trend","value":-1}',
        '',
        '{"name":"lost frames","type":"counter","value":1}',
        '{"name":"ok","type":"rate","value":true}',
      ].join('\n'),
      set,
      'metrics.jsonl',
    );
    expect(problems).toEqual([
      'metrics.jsonl:2: not JSON; expected {"name":"deadlocks","type":"counter","value":0}',
      'metrics.jsonl:4: value: a trend value must not be negative',
      'metrics.jsonl:6: name: expected letters, digits and _ (e.g. "deadlocks")',
    ]);
    expect(set.counter('deadlocks').count).toBe(0);
    expect(set.trend('recovery').count).toBe(1);
    expect(set.rate('ok').rate).toBe(1);
  });
});

describe('built-in metrics keep their types', () => {
  it('the table thresholds are checked against at load is what the load recorder records', () => {
    const set = new MetricSet();
    const recorder = new LoadRecorder(set, 0);
    recorder.record({ start: 0, latencyMs: 5, status: 200, ok: true });
    const classes: ErrorClass[] = ['timeout', 'reset', 'refused', 'status_5xx', 'status_429', 'status_4xx', 'other'];
    for (const errorClass of classes) recorder.record({ start: 1, latencyMs: 5, ok: false, errorClass });
    recorder.dropped();
    // A flow's check, iteration and module error.
    recorder.check('created', true, undefined);
    recorder.iteration(12);
    recorder.flowError();
    set.trend('recovery_time').add(1); // recorded by each experiment (chaos/experiments.ts)
    set.trend('reconnect_time').add(1); // recorded by an experiment with a reconnect storm
    // Sub-metrics (`checks{check:created}`) are the same metrics, filtered by a tag.
    const recorded = Object.fromEntries([...set.metrics].filter(([name]) => !name.includes('{')).map(([name, metric]) => [name, metric.type]));
    expect(recorded).toEqual(BUILTIN_METRICS);
    expect(set.rate('checks{check:created}').hits).toBe(1);
  });

  it("refuses a user's line that gives a built-in name another type, so a threshold checked at load stays right", () => {
    const set = new MetricSet();
    const problems = recordLines(
      ['{"name":"http_req_duration","type":"counter","value":1}', '{"name":"http_req_duration","type":"trend","value":12}'].join('\n'),
      set,
      'metrics.jsonl',
    );
    expect(problems).toEqual([`metrics.jsonl:1: name: "http_req_duration" is chaos-gate's own trend; report it as a trend or pick another name`]);
    expect(set.trend('http_req_duration').count).toBe(1);
  });
});
