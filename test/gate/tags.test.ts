/**
 * k6's tag filters in threshold addresses: parsed into scope, metric and sorted tags; recorded by
 * the load recorder as sub-metrics (per endpoint always, others when a threshold asks); `phase`
 * and `experiment` answered by the store from its scopes; and the config errors a filter that
 * can match nothing gets, at its key.
 */
import { describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config.js';
import { parseAddress, tagFilters } from '../../src/gate/metric-address.js';
import { thresholdSchema } from '../../src/gate/schema.js';
import { MetricsStore } from '../../src/gate/store.js';
import { judge } from '../../src/gate/thresholds.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { Sample } from '../../src/load/sample.js';

const sample = (name: string, method: string, ok: boolean, latencyMs: number, status = ok ? 200 : 503): Sample => ({
  start: 0,
  latencyMs,
  status,
  ok,
  errorClass: ok ? undefined : 'status_5xx',
  tags: { name, method, step: '1', flow: 'order' },
});

describe('addresses', () => {
  it('splits scope, metric and tags, whatever dots the names hold', () => {
    expect(parseAddress('chaos.db v1.2 down.fault.http_req_duration{name:GET /v1.2/orders,method:GET}')).toEqual({
      scope: 'chaos.db v1.2 down.fault',
      name: 'http_req_duration',
      tags: [
        ['method', 'GET'],
        ['name', 'GET /v1.2/orders'],
      ],
    });
    expect(parseAddress('checks{check:order created}')).toEqual({ scope: '', name: 'checks', tags: [['check', 'order created']] });
  });

  it('names what is wrong with a filter', () => {
    expect(() => parseAddress('http_req_duration{nam:x}')).toThrow('no tag "nam": filter by name, method, status, step, flow, phase, experiment, check');
    expect(() => parseAddress('http_req_duration{phase:during}')).toThrow('no phase "during" (phases: steady, fault, recovery)');
    expect(() => parseAddress('http_req_duration{check:x}')).toThrow('the `check` tag filters `checks`');
    expect(() => parseAddress('http_req_duration{name}')).toThrow('expected tag:value pairs');
  });
});

describe('recorded and judged', () => {
  const thresholds = Object.fromEntries(
    Object.entries({
      'load.http_req_duration{name:checkout}': ['p(95)<100'],
      'load.http_req_failed{status:503}': ['rate<0.5'],
      'load.http_req_failed{method:POST,name:checkout}': ['rate<0.01'],
      'http_req_failed{phase:fault}': ['rate<0.2'],
      'http_req_failed{phase:fault,experiment:b}': ['rate<0.2'],
    }).map(([address, list]) => [address, thresholdSchema.parse(list)]),
  );

  it('keeps each endpoint, and the sub-metrics thresholds filter by', () => {
    const store = new MetricsStore();
    const recorder = new LoadRecorder(store.scope('load'), 0, { byName: true, filters: tagFilters(thresholds) });
    for (let i = 0; i < 100; i++) recorder.record(sample('checkout', 'POST', i % 10 !== 0, 50 + i));
    for (let i = 0; i < 100; i++) recorder.record(sample('browse', 'GET', true, 5));
    const results = judge(thresholds, (a) => store.lookup(a), { durationMs: 1000 });
    const byAddress = Object.fromEntries(results.map((r) => [r.metric, [r.actual, r.ok]]));
    // checkout alone: p95 of 50..149 is 144; browse's 5 ms would have pulled it down to ~140 with it.
    expect(byAddress['load.http_req_duration{name:checkout}']).toEqual([expect.closeTo(144, 0), false]);
    // Only the 503s have status 503: all of them failed.
    expect(byAddress['load.http_req_failed{status:503}']).toEqual([1, false]);
    expect(byAddress['load.http_req_failed{method:POST,name:checkout}']).toEqual([0.1, false]);
    // No experiment ran: a phase filter finds nothing, and says so rather than passing.
    expect(results.find((r) => r.metric === 'http_req_failed{phase:fault}')?.reason).toMatch(/^no data/);
  });

  it('answers phase and experiment from the scopes they were recorded in', () => {
    const store = new MetricsStore();
    for (const [experiment, failures] of [
      ['a', 10],
      ['b', 30],
    ] as const) {
      const recorder = new LoadRecorder(store.scope(`chaos.${experiment}.steady`), 0);
      for (let i = 0; i < 100; i++) recorder.record(sample('x', 'GET', true, 1));
      recorder.into(store.scope(`chaos.${experiment}.fault`));
      for (let i = 0; i < 100; i++) recorder.record(sample('x', 'GET', i >= failures, 1));
    }
    const rate = (address: string) => (store.lookup(address) as { rate: number } | undefined)?.rate;
    expect(rate('http_req_failed{phase:fault}')).toBe(0.2);
    expect(rate('http_req_failed{phase:steady}')).toBe(0);
    expect(rate('http_req_failed{experiment:b,phase:fault}')).toBe(0.3);
    expect(rate('chaos.http_req_failed{experiment:a}')).toBe(0.05);
    expect(rate('load.http_req_failed{phase:fault}')).toBeUndefined();
  });
});

describe('config errors for filters that can match nothing', () => {
  const config = (threshold: string) =>
    `version: 1
stages:
  load:
    flow:
      steps:
        - { name: create order, method: POST, url: "http://127.0.0.1:1/orders", expect: { status: 201, name: order created } }
        - { url: "http://127.0.0.1:1/orders/1" }
    rate: 1/s
    duration: 1s
thresholds:
  ${threshold}
`;
  const problems = configProblems;

  it.each([
    ['"load.http_req_duration{name:create order}": p(95)<100', []],
    ['"load.http_req_duration{name:GET /orders/1}": p(95)<100', []],
    [
      '"load.http_req_duration{name:create ordr}": p(95)<100',
      [
        'chaos-gate.yml:11:47: thresholds.load.http_req_duration{name:create ordr}: no request is named "create ordr" (names: "create order", "GET /orders/1") (did you mean "create order"?)',
      ],
    ],
    [
      '"checks{check:order create}": rate>0.9',
      [
        'chaos-gate.yml:11:33: thresholds.checks{check:order create}: no flow step checks "order create" (checks: "order created") (did you mean "order created"?)',
      ],
    ],
    [
      '"load.http_req_duration{nme:x}": p(95)<100',
      ['chaos-gate.yml:11:36: thresholds.load.http_req_duration{nme:x}: no tag "nme": filter by name, method, status, step, flow, phase, experiment, check'],
    ],
  ])('%s', (threshold, expected) => {
    expect(problems(config(threshold))).toEqual(expected);
  });
});
