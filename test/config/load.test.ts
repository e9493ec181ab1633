import { describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config.js';
import { parseConfig } from '../../src/config/load.js';

const problems = configProblems;

describe('config errors name file, line, key path and what was expected', () => {
  it('an unknown key, with the likely one', () => {
    expect(problems('version: 1\nstages:\n  unit: { run: "true" }\nservces: []\n')).toEqual([
      'chaos-gate.yml:4:1: servces: unknown key (did you mean `services`?)',
    ]);
  });

  it('an unknown key deep in a stage, listing the known ones', () => {
    expect(problems('version: 1\nstages:\n  unit:\n    run: "true"\n    retries: 3\n')).toEqual([
      'chaos-gate.yml:5:5: stages.unit.retries: unknown key (expected one of: run, junit, timeout, env, working_directory)',
    ]);
  });

  it('nesting deeper than the parser can follow names its line, not the engine stack', () => {
    // Issue 15: this used to exit 2 with "Maximum call stack size exceeded" and nothing else.
    const deep = `version: 1\nstages:\n  unit: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    const found = problems(deep);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^chaos-gate\.yml:3:\d+: the config nests too deeply here for the parser/);
    expect(found[0]).not.toMatch(/call stack/);
  });

  it('a wrong type', () => {
    expect(problems('version: 1\nstages:\n  unit:\n    run: 42\n')).toEqual(['chaos-gate.yml:4:10: stages.unit.run: expected a shell command']);
  });

  it('a bad duration', () => {
    expect(problems('version: 1\nstages:\n  unit: { run: "true", timeout: 5 minutes }\n')).toEqual([
      'chaos-gate.yml:3:33: stages.unit.timeout: expected a duration like 250ms, 30s or 10m, got "5 minutes"',
    ]);
  });

  it('a missing key', () => {
    expect(problems('stages:\n  unit: { run: "true" }\n')).toEqual(['chaos-gate.yml:1:1: version: missing; expected version: 1']);
  });

  it('a duplicate name and a port clash', () => {
    const text = [
      'version: 1',
      'proxies:',
      '  - { name: pg, listen: 127.0.0.1:15432, upstream: 127.0.0.1:5432 }',
      '  - { name: pg, listen: 127.0.0.1:16379, upstream: 127.0.0.1:6379 }',
      'control: { listen: 127.0.0.1:15432 }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      'chaos-gate.yml:4:13: proxies[1].name: duplicate name "pg" (also proxies[0])',
      'chaos-gate.yml:5:20: control.listen: port 15432 is also used by proxies[0].listen',
    ]);
  });

  it('a threshold that does not parse', () => {
    expect(problems('version: 1\nthresholds:\n  http_req_duration: ["p(99)<500", "p99<5"]\n')).toEqual([
      'chaos-gate.yml:3:36: thresholds.http_req_duration[1]: "p99<5" is not a threshold; expected <aggregation><op><number> such as rate<0.05, p(99)<500, count==0 (aggregations: count, rate, value, avg, min, max, med, p(N))',
    ]);
  });

  describe("a threshold whose aggregation the metric's type does not have (k6 checks it at load too)", () => {
    // Every scope the thresholds name exists (a load stage, experiment "db down"), on the same lines as before.
    const stages =
      '{ unit: { run: "true" }, load: { url: "http://127.0.0.1:1/", rate: 1/s, duration: 1s }, chaos: { experiments: [{ name: db down, load: { url: "http://127.0.0.1:1/", rate: 1/s }, fault: { proxy: db, type: timeout } }] } }';
    const yaml = (thresholds: string) =>
      `version: 1\nstages:\n  ${stages}\nthresholds:\n${thresholds}\nproxies: [{ name: db, listen: "127.0.0.1:0", upstream: "127.0.0.1:5432" }]\n`;
    it.each([
      // [the thresholds: lines, the problem]
      [
        '  http_req_failed: "p(99)<1"',
        'chaos-gate.yml:5:20: thresholds.http_req_failed: "p(99)<1": p(N) does not apply to http_req_failed, a rate (use rate, count)',
      ],
      [
        '  http_req_failed: ["rate<0.05", "avg<1"]',
        'chaos-gate.yml:5:34: thresholds.http_req_failed[1]: "avg<1": avg does not apply to http_req_failed, a rate (use rate, count)',
      ],
      [
        '  load.http_req_duration: rate<0.05',
        'chaos-gate.yml:5:27: thresholds.load.http_req_duration: "rate<0.05": rate does not apply to http_req_duration, a trend (use avg, min, max, med, p(N), count)',
      ],
      [
        '  "chaos.db down.recovery_time":\n    - threshold: value<2000',
        'chaos-gate.yml:6:18: thresholds.chaos.db down.recovery_time[0].threshold: "value<2000": value does not apply to recovery_time, a trend (use avg, min, max, med, p(N), count)',
      ],
      [
        '  http_reqs: { threshold: "p(95)>10", abort_on_fail: true }',
        'chaos-gate.yml:5:27: thresholds.http_reqs.threshold: "p(95)>10": p(N) does not apply to http_reqs, a counter (use count, rate)',
      ],
      ['  errors_timeout: max<1', 'chaos-gate.yml:5:19: thresholds.errors_timeout: "max<1": max does not apply to errors_timeout, a counter (use count, rate)'],
    ])('%s', (thresholds, problem) => {
      expect(problems(yaml(thresholds))).toEqual([problem]);
    });

    it("a user's own metric has no type until a test reports it: accepted here, checked when judged", () => {
      expect(problems(yaml('  orders_lost: ["p(99)<1", "rate<0.1", "value==0"]'))).toEqual([]);
    });
  });

  describe('a threshold on a scope the config cannot produce (it would never be judged)', () => {
    const yaml = (thresholds: string) =>
      `version: 1\nstages:\n  unit: { run: "true" }\n  chaos: { experiments: [{ name: db down, load: { url: "http://127.0.0.1:1/", rate: 1/s }, fault: { proxy: db, type: timeout } }] }\nthresholds:\n${thresholds}\nproxies: [{ name: db, listen: "127.0.0.1:0", upstream: "127.0.0.1:5432" }]\n`;
    it.each([
      [
        '  load.http_req_duration: p(99)<500',
        'chaos-gate.yml:6:27: thresholds.load.http_req_duration: no stage "load" in this config (configured: unit, chaos)',
      ],
      [
        '  lod.http_req_duration: p(99)<500',
        'chaos-gate.yml:6:26: thresholds.lod.http_req_duration: no scope "lod": a threshold names a stage (unit, chaos) or chaos.<experiment> (did you mean "load"?)',
      ],
      [
        '  "chaos.db dwn.fault.http_req_failed": rate<0.5',
        'chaos-gate.yml:6:41: thresholds.chaos.db dwn.fault.http_req_failed: no experiment "db dwn" (experiments: "db down") (did you mean "db down"?)',
      ],
      [
        '  "chaos.db down.faults.http_req_failed": rate<0.5',
        'chaos-gate.yml:6:43: thresholds.chaos.db down.faults.http_req_failed: no phase "faults" in experiment "db down" (phases: steady, fault, recovery, boundary) (did you mean "fault"?)',
      ],
      [
        '  "chaos.db down.fault.recovery_time": max<2000',
        'chaos-gate.yml:6:40: thresholds.chaos.db down.fault.recovery_time: recovery_time is measured per experiment, not per phase: use chaos.db down.recovery_time',
      ],
      [
        '  unit.recovery_time: max<2000',
        'chaos-gate.yml:6:23: thresholds.unit.recovery_time: recovery_time is measured by chaos experiments, not in the unit stage',
      ],
    ])('%s', (thresholds, problem) => {
      expect(problems(yaml(thresholds))).toEqual([problem]);
    });

    it('every scope the config has is accepted: the run, a stage, an experiment, a phase', () => {
      const ok = [
        '  http_req_failed: rate<0.5',
        '  unit.deadlocks: count==0',
        '  chaos.http_reqs: count>0',
        '  "chaos.db down.recovery_time": max<2000',
        '  "chaos.db down.steady.http_req_failed": rate<0.5',
        '  recovery_time: max<2000',
      ];
      expect(problems(yaml(ok.join('\n')))).toEqual([]);
    });

    it('recovery_time without any experiment', () => {
      expect(problems('version: 1\nstages:\n  unit: { run: "true" }\nthresholds:\n  recovery_time: max<2000\n')).toEqual([
        'chaos-gate.yml:5:18: thresholds.recovery_time: recovery_time is measured by chaos experiments, and this config has none',
      ]);
    });
  });

  it('a reference that does not resolve', () => {
    expect(problems('version: 1\nservices:\n  - name: app\n    run: node app.js\n    env: { DB: "${proxies.pg.listen}" }\n')).toEqual([
      'chaos-gate.yml:5:16: services[0].env.DB: ${proxies.pg.listen} does not resolve; expected ${proxies.NAME.listen|upstream}, ${mocks.NAME.url|listen}, ${http_proxies.NAME.url|listen|upstream}, ${control.url} or ${env.NAME} naming something declared',
    ]);
  });

  it('a service fault naming a service that does not exist, or an action that is not one', () => {
    const text = [
      'version: 1',
      'services:',
      '  - { name: api, run: node api.js, restart: sometimes }',
      'stages:',
      '  chaos:',
      '    experiments:',
      '      - name: crash',
      '        load: { url: "http://127.0.0.1:1/", rate: 10/s }',
      '        fault: { service: web, action: kill }',
      '      - name: nap',
      '        load: { url: "http://127.0.0.1:1/", rate: 10/s }',
      '        fault: { service: api, action: sleep }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      'chaos-gate.yml:3:45: services[0].restart: expected one of never, on-failure, always',
      'chaos-gate.yml:12:40: stages.chaos.experiments[1].fault.action: expected one of kill, stop, freeze',
    ]);
    const known = text.replace('restart: sometimes', 'restart: always').replace('action: sleep', 'action: freeze');
    expect(problems(known)).toEqual(['chaos-gate.yml:9:27: stages.chaos.experiments[0].fault.service: no service named "web" (declared: api)']);
  });

  it('an experiment naming a proxy that does not exist', () => {
    const text = [
      'version: 1',
      'stages:',
      '  chaos:',
      '    experiments:',
      '      - name: loss',
      '        load: { url: "http://127.0.0.1:1/", rate: 10/s }',
      '        fault: { proxy: postgres, type: reset_peer }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual(['chaos-gate.yml:7:25: stages.chaos.experiments[0].fault.proxy: no proxy named "postgres" (declared: none)']);
  });

  it('a bad toxic attribute inside an experiment, at its key', () => {
    const text = [
      'version: 1',
      'proxies: [{ name: pg, listen: 127.0.0.1:15432, upstream: 127.0.0.1:5432 }]',
      'stages:',
      '  chaos:',
      '    experiments:',
      '      - name: slow',
      '        load: { url: "http://127.0.0.1:1/", rate: 10/s }',
      '        fault: { proxy: pg, type: latency, attributes: { latency: -5 } }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([expect.stringMatching(/^chaos-gate\.yml:8:\d+: stages\.chaos\.experiments\[0\]\.fault\.attributes\.latency: /)]);
  });

  it('YAML that does not parse', () => {
    expect(problems('version: 1\nstages:\n  unit: { run: "true"\n')[0]).toMatch(/^chaos-gate\.yml:\d+:\d+: /);
  });

  it('every problem at once', () => {
    expect(problems('version: 2\nstages:\n  unit: { run: "" }\nmax_failures: -1\n')).toEqual([
      'chaos-gate.yml:1:10: version: expected version: 1',
      'chaos-gate.yml:3:16: stages.unit.run: expected a shell command',
      'chaos-gate.yml:4:15: max_failures: Too small: expected number to be >0',
    ]);
  });
});

describe('a valid config', () => {
  it('fills defaults and resolves references', () => {
    const { config } = parseConfig(
      [
        'version: 1',
        'proxies:',
        '  - { name: pg, listen: 127.0.0.1:15432, upstream: 127.0.0.1:5432 }',
        'services:',
        '  - name: app',
        '    run: node app.js',
        '    env: { DATABASE_URL: "postgres://postgres@${proxies.pg.listen}/test" }',
        '    ready: { http: "http://127.0.0.1:8080/health" }',
        'stages:',
        '  unit: { run: "npm test", junit: "reports/*.xml", timeout: 1m30s }',
        'thresholds:',
        '  deadlocks: count==0',
        '',
      ].join('\n'),
      'chaos-gate.yml',
    );
    expect(config.services[0].env).toEqual({ DATABASE_URL: 'postgres://postgres@127.0.0.1:15432/test' });
    expect(config.services[0].ready).toEqual({ http: 'http://127.0.0.1:8080/health', timeout: 30_000 });
    expect(config.stages.unit).toEqual({ run: 'npm test', junit: ['reports/*.xml'], timeout: 90_000 });
    // Each threshold is parsed at load: judging and abort_on_fail read this structure.
    expect(config.thresholds).toEqual({
      deadlocks: [
        {
          threshold: { aggregation: 'count', op: '==', limit: { value: 0 }, text: 'count==0' },
          abort_on_fail: false,
          delay_abort_eval: 0,
          on_inconclusive: 'fail',
        },
      ],
    });
    expect(config.control).toEqual({ listen: '127.0.0.1:8474' });
    expect(config.safety.forbid_env).toEqual({ ENVIRONMENT: 'production', NODE_ENV: 'production' });
  });
});

describe('threshold lines, for annotations where a threshold is written', () => {
  it('gives each threshold its line, alone, in a flow list or in a block list', () => {
    const { thresholdLines } = parseConfig(
      `version: 1
stages:
  unit: { run: "true" }
thresholds:
  http_req_failed: "rate<0.01"
  http_req_duration:
    - "p(95)<300"
    - { threshold: "p(99)<800", abort_on_fail: true }
  step_latency: ["max<10"]
`,
      'chaos-gate.yml',
    );
    expect(thresholdLines).toEqual({
      'http_req_failed rate<0.01': 5,
      'http_req_duration p(95)<300': 7,
      'http_req_duration p(99)<800': 8,
      'step_latency max<10': 9,
    });
  });
});
