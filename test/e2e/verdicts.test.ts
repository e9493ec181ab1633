/**
 * Verdicts you can defend, through `chaos-gate run` as a process against a small real HTTP service:
 * no threshold is dropped silently, and a recovery that never came is not "held, actual 0".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

/**
 * A service that answers 200 to its first `healthy` requests and 500 to every later one: once
 * broken it stays broken, so an experiment against it can never recover. (`healthy` large: always up.)
 */
// With FAIL_EVERY=n it also fails every n-th request: a true failure rate of exactly 1/n.
const SERVICE = `import { createServer } from 'node:http';
let served = 0;
const healthy = Number(process.env.HEALTHY);
const failEvery = Number(process.env.FAIL_EVERY ?? 0);
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  served += 1;
  res.writeHead(served <= healthy && !(failEvery && served % failEvery === 0) ? 200 : 500).end();
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

async function project(servicePort: number, healthy: number, stages: string, thresholds: string, extra = '', failEvery = 0): Promise<string> {
  return makeProject({
    'service.mjs': SERVICE,
    'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: shop
    run: node service.mjs
    env: { PORT: "${servicePort}", HEALTHY: "${healthy}", FAIL_EVERY: "${failEvery}" }
    ready: { http: "http://127.0.0.1:${servicePort}/health", timeout: 10s }
${extra}stages:
${stages}
thresholds:
${thresholds}
`,
  });
}

describe('no silent skips', () => {
  it('a threshold on a stage or experiment the config does not have is a config error: exit 2, its line, "did you mean"', async () => {
    const dir = await project(
      await freePort(),
      1e9,
      '  unit: { run: "touch ran" }',
      '  load.http_req_duration: p(99)<500\n  "chaos.db loss.fault.http_req_failed": rate<0.5\n  unti.deadlocks: count==0',
    );
    for (const command of ['run', 'validate']) {
      const ran = await cli([command, '-c', 'chaos-gate.yml'], dir);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain('chaos-gate.yml:11:27: thresholds.load.http_req_duration: no stage "load" in this config (configured: unit)');
      expect(ran.stderr).toContain('chaos-gate.yml:12:42: thresholds.chaos.db loss.fault.http_req_failed: no stage "chaos" in this config (configured: unit)');
      expect(ran.stderr).toContain(
        'chaos-gate.yml:13:19: thresholds.unti.deadlocks: no scope "unti": a threshold names a stage (unit) or chaos.<experiment> (did you mean "unit"?)',
      );
      expect(ran.stderr).not.toContain('    at ');
    }
    await expect(readFile(join(dir, 'ran'))).rejects.toThrow();
  }, 60_000);

  it('a threshold left out by --stage is skipped, with why: verdict line, summary.md, junit.xml and metrics.json', async () => {
    const port = await freePort();
    const dir = await project(
      port,
      1e9,
      `  unit: { run: "echo '{\\"name\\":\\"deadlocks\\",\\"type\\":\\"counter\\",\\"value\\":0}' >> $CHAOS_GATE_METRICS" }
  load: { url: "http://127.0.0.1:${port}/", rate: 20/s, duration: 1s }`,
      '  unit.deadlocks: count==0\n  load.http_req_duration: ["p(99)<2000", "max<5000"]\n  load.http_req_failed: rate<0.01',
    );
    const ran = await cli(['run', '-c', 'chaos-gate.yml', '--stage', 'unit'], dir);
    expect(ran.stderr).toContain('PASS  1/1 stages passed, 1/4 thresholds held, 3 skipped: --stage unit');
    expect(ran.code).toBe(0);

    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(metrics.thresholds.map((t: Record<string, unknown>) => [t.metric, t.expression, t.outcome, t.reason])).toEqual([
      ['unit.deadlocks', 'count==0', 'held', undefined],
      ['load.http_req_duration', 'p(99)<2000', 'skipped', '--stage unit'],
      ['load.http_req_duration', 'max<5000', 'skipped', '--stage unit'],
      ['load.http_req_failed', 'rate<0.01', 'skipped', '--stage unit'],
    ]);
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary).toContain('1 of 4 thresholds held (3 skipped: --stage unit)');
    expect(summary).toContain('| ⏭️ skipped | load.http\\_req\\_failed | rate\\<0.01 | – | 0.01 | --stage unit |');
    const junit = await readFile(join(dir, 'chaos-gate-report/junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="chaos-gate.thresholds" name="load.http_req_failed: rate&lt;0.01">\s*<skipped\/>/);
    expect(junit).toMatch(/<testsuite name="thresholds" tests="4" failures="0" errors="0" skipped="3"/);
  }, 60_000);
});

describe('a recovery that never came', () => {
  it('breaks every recovery_time threshold over it, with actual "not recovered"', async () => {
    const [servicePort, proxyPort] = [await freePort(), await freePort()];
    // 20 requests a second: the first second (steady) is served, then the service breaks for good.
    const dir = await project(
      servicePort,
      30,
      `  chaos:
    experiments:
      - name: latency spike
        load: { url: "http://127.0.0.1:${proxyPort}/", rate: 20/s, timeout: 1s }
        steady: 1s
        fault: { proxy: shop, type: latency, attributes: { latency: 10 } }
        hold: 1s
        recovery: 2s`,
      '  recovery_time: max<2000\n  "chaos.latency spike.recovery_time": ["p(99)<2000"]',
      `proxies:\n  - { name: shop, listen: 127.0.0.1:${proxyPort}, upstream: 127.0.0.1:${servicePort} }\n`,
    );
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(1);
    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    expect(metrics.experiments[0].recovery_time_ms).toBeNull();
    expect(metrics.thresholds.map((t: Record<string, unknown>) => [t.metric, t.outcome, t.ok, t.actual, t.not_recovered])).toEqual([
      ['recovery_time', 'broken', false, null, ['latency spike']],
      ['chaos.latency spike.recovery_time', 'broken', false, null, ['latency spike']],
    ]);
    expect(ran.stderr).toContain('0/2 thresholds held');
    expect(ran.stderr).toContain('✘ recovery_time max<2000: not recovered: "latency spike" never got back to the steady success rate');
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary).toContain('| ❌ | recovery\\_time | max\\<2000 | not recovered | 2000 |');
  }, 60_000);
});

describe('confidence, not coincidence', () => {
  it('judges rates on their interval: too few requests is inconclusive (fails by default), extend holds the fault until it is clear', async () => {
    const [servicePort, proxyPort] = [await freePort(), await freePort()];
    // A true failure rate of 1% against a limit of 5%: 50 requests cannot tell, a few hundred can.
    const dir = await project(
      servicePort,
      1e9,
      `  chaos:
    experiments:
      - name: slow link
        load: { url: "http://127.0.0.1:${proxyPort}/", rate: 50/s, timeout: 1s }
        steady: 1s
        fault: { proxy: shop, type: latency, attributes: { latency: 1 } }
        hold: 1s
        recovery: 2s`,
      `  "chaos.slow link.steady.http_req_failed": { threshold: "rate<0.05", confidence: 0.95 }
  "chaos.slow link.fault.http_req_failed": { threshold: "rate<0.05", confidence: 0.95, on_inconclusive: extend, max_hold: 10s }`,
      `proxies:\n  - { name: shop, listen: 127.0.0.1:${proxyPort}, upstream: 127.0.0.1:${servicePort} }\n`,
      100,
    );
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toMatch(/experiment "slow link": fault held [\d.]+ ?m?s longer \(on_inconclusive: extend\)/);
    expect(ran.stderr).toContain('1/2 thresholds held, 1 inconclusive');
    expect(ran.code).toBe(1);

    const metrics = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [steady, fault] = metrics.thresholds;
    expect(steady).toMatchObject({ outcome: 'inconclusive', ok: false, confidence: 0.95, on_inconclusive: 'fail' });
    expect(steady.interval[0]).toBeLessThan(0.05);
    expect(steady.interval[1]).toBeGreaterThan(0.05);
    expect(fault).toMatchObject({ outcome: 'held', ok: true, on_inconclusive: 'extend' });
    expect(fault.interval[1]).toBeLessThan(0.05);
    // Every rate carries its 95% Wilson interval.
    const failed = metrics.experiments[0].phases.fault.metrics.http_req_failed;
    expect(failed.total).toBeGreaterThan(100);
    expect(failed.ci95[0]).toBeLessThanOrEqual(failed.rate);
    expect(failed.ci95[1]).toBeGreaterThanOrEqual(failed.rate);
    expect(metrics.metrics.http_req_duration.ci95.p99).toHaveLength(2);

    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary).toContain('❔ inconclusive');
    expect(summary).toContain('counted as `on_inconclusive` says (here: fail, extend; default fail');
  }, 90_000);
});
