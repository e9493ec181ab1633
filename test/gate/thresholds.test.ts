import { describe, expect, it } from 'vitest';
import { MetricSet } from '../../src/gate/metrics.js';
import { MetricsStore } from '../../src/gate/store.js';
import { thresholdSchema } from '../../src/gate/schema.js';
import { judge } from '../../src/gate/thresholds.js';

/** Thresholds as the config loader gives them: parsed by the schema. */
const t = (...list: string[]) => thresholdSchema.parse(list);

function store(): MetricsStore {
  const s = new MetricsStore();
  const load = s.scope('load');
  for (let i = 1; i <= 100; i++) load.trend('http_req_duration').add(i);
  for (let i = 0; i < 100; i++) load.rate('http_req_failed').add(i < 3);
  const fault = s.scope('chaos.db loss.fault');
  for (let i = 0; i < 10; i++) fault.rate('http_req_failed').add(i < 5);
  s.scope('chaos').counter('deadlocks').add(0);
  return s;
}

describe('judge', () => {
  it('judges k6 expressions with actual values and limits', () => {
    const s = store();
    const results = judge(
      { http_req_duration: t('p(99)<500', 'avg<50', 'max<=100'), http_req_failed: t('rate<0.05'), deadlocks: t('count==0') },
      (a) => s.lookup(a),
      { durationMs: 1000 },
    );
    // HDR histograms keep 3 significant digits: values within 0.1%.
    expect(results[0].actual).toBeCloseTo(99, 0);
    expect(results[1].actual).toBeCloseTo(50.5, 1);
    expect(results.map((r) => [r.metric, r.expression, r.actual, r.limit, r.ok]).slice(2)).toEqual([
      ['http_req_duration', 'max<=100', 100, 100, true],
      // whole run: 3 + 5 failures out of 110
      ['http_req_failed', 'rate<0.05', 0.072727, 0.05, false],
      ['deadlocks', 'count==0', 0, 0, true],
    ]);
  });

  it('addresses a stage and an experiment phase', () => {
    const s = store();
    const results = judge({ 'load.http_req_failed': t('rate<0.05'), 'chaos.db loss.fault.http_req_failed': t('rate<0.4') }, (a) => s.lookup(a), {
      durationMs: 1000,
    });
    expect(results.map((r) => [r.actual, r.ok])).toEqual([
      [0.03, true],
      [0.5, false],
    ]);
  });

  it('fails a metric nobody produced as "no data"', () => {
    const [result] = judge({ lost_frames: t('count==0') }, () => undefined, { durationMs: 1000 });
    expect(result).toMatchObject({ ok: false, actual: null, limit: 0 });
    expect(result.reason).toMatch(/^no data/);
  });

  it('says which aggregations a metric type takes', () => {
    const s = store();
    const [result] = judge({ http_req_failed: t('p(99)<1') }, (a) => s.lookup(a), { durationMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('p(N) does not apply to a rate (use rate, count)');
  });

  it('resolves limits relative to the baseline', () => {
    const s = store();
    const baseline = new MetricSet();
    for (let i = 1; i <= 100; i++) baseline.trend('http_req_duration').add(i / 2);
    const [slower] = judge({ http_req_duration: t('p(99)<baseline*1.2') }, (a) => s.lookup(a), {
      durationMs: 1000,
      baseline: (a) => baseline.metrics.get(a),
    });
    expect(slower.ok).toBe(false);
    expect(slower.limit).toBeCloseTo(59.4, 1);
  });

  it('reports a threshold left out of the run as skipped, with why, without failing the gate', () => {
    const s = store();
    const results = judge({ 'load.http_req_duration': t('p(99)<500', 'avg<50'), http_req_failed: t('rate<0.1') }, (a) => s.lookup(a), {
      durationMs: 1000,
      skip: (address) => (address.startsWith('load.') ? '--stage unit' : undefined),
    });
    expect(results.map((r) => [r.expression, r.outcome, r.ok, r.reason])).toEqual([
      ['p(99)<500', 'skipped', true, '--stage unit'],
      ['avg<50', 'skipped', true, '--stage unit'],
      ['rate<0.1', 'held', true, undefined],
    ]);
  });

  it('breaks every recovery_time threshold over an experiment that never recovered: actual "not recovered", not the others\' max', () => {
    const s = store();
    s.scope('chaos.db loss').trend('recovery_time').add(400); // "db loss" recovered in 400 ms; "cache loss" never did
    const results = judge(
      {
        recovery_time: t('max<2000'),
        'chaos.recovery_time': t('p(99)<2000'),
        'chaos.db loss.recovery_time': t('max<2000'),
        'chaos.cache loss.recovery_time': t('max<2000'),
      },
      (a) => s.lookup(a),
      { durationMs: 1000, unrecovered: ['cache loss'] },
    );
    expect(results.map((r) => [r.metric, r.outcome, r.actual, r.not_recovered])).toEqual([
      ['recovery_time', 'broken', null, ['cache loss']],
      ['chaos.recovery_time', 'broken', null, ['cache loss']],
      ['chaos.db loss.recovery_time', 'held', 400, undefined],
      ['chaos.cache loss.recovery_time', 'broken', null, ['cache loss']],
    ]);
    expect(results[0].reason).toBe('not recovered: "cache loss" never got back to the steady success rate');
  });
});

describe('thresholds with confidence', () => {
  const failures = (hits: number, total: number) => {
    const s = new MetricsStore();
    const rate = s.scope('load').rate('http_req_failed');
    for (let i = 0; i < total; i++) rate.add(i < hits);
    return (a: string) => s.lookup(a);
  };
  const long = (extra: Record<string, unknown>) => thresholdSchema.parse({ threshold: 'rate<0.05', ...extra });

  it('reports the 95% interval beside every rate, and decides on the estimate without confidence', () => {
    const [r] = judge({ 'load.http_req_failed': t('rate<0.05') }, failures(12, 300), { durationMs: 1000 });
    expect(r).toMatchObject({ outcome: 'held', ok: true, actual: 0.04, confidence: 0.95 });
    expect(r.interval![0]).toBeCloseTo(0.0231, 3);
    expect(r.interval![1]).toBeCloseTo(0.0686, 3);
  });

  it('with confidence: held, broken, or inconclusive counted as on_inconclusive says', () => {
    const judged = (hits: number, total: number, extra: Record<string, unknown>) =>
      judge({ 'load.http_req_failed': long({ confidence: 0.95, ...extra }) }, failures(hits, total), { durationMs: 1000 })[0];
    expect(judged(1, 1000, {})).toMatchObject({ outcome: 'held', ok: true });
    expect(judged(200, 1000, {})).toMatchObject({ outcome: 'broken', ok: false });
    expect(judged(12, 300, {})).toMatchObject({ outcome: 'inconclusive', ok: false, on_inconclusive: 'fail' });
    expect(judged(12, 300, { on_inconclusive: 'pass' })).toMatchObject({ outcome: 'inconclusive', ok: true, on_inconclusive: 'pass' });
    expect(judged(12, 300, {}).reason).toBe('inconclusive: the 95% interval 0.023027–0.068604 straddles the limit; counted as broken (on_inconclusive: fail)');
  });

  it('refuses confidence where an interval cannot answer', () => {
    expect(() => thresholdSchema.parse({ threshold: 'count<5', confidence: 0.95 })).toThrow(/confidence applies to rates and percentiles/);
    expect(() => thresholdSchema.parse({ threshold: 'rate==0', confidence: 0.95 })).toThrow(/an interval is never exactly ==/);
    expect(() => thresholdSchema.parse({ threshold: 'rate<0.05', on_inconclusive: 'pass' })).toThrow(/on_inconclusive applies with confidence/);
  });
});
