/**
 * The README's second example, as written: examples/shop against the local PostgreSQL and Redis
 * passes all four stages, and its broken variant (SHOP_RETRIES=0: no retries, no failover) fails,
 * naming the thresholds it broke.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCli, expectExampleVerdict, readJson, ROOT } from '../helpers/project.js';

/** `chaos-gate run --config examples/shop/chaos-gate.yml` from the repository root. */
const runShop = (reportDir: string, env: Record<string, string> = {}) =>
  exampleCli(['run', '--config', 'examples/shop/chaos-gate.yml', '--report-dir', reportDir], env);

describe('examples/shop', () => {
  it('passes all four stages against the real PostgreSQL and Redis', async () => {
    const ran = await runShop('.tmp/e2e-shop');
    const report = await readJson(join(ROOT, '.tmp/e2e-shop/metrics.json'));
    // PASS with 20/20 when the machine is fast enough for the shop's latency thresholds.
    expectExampleVerdict(ran, report, '4/4', 20);
    expect(ran.stderr).toContain('report: .tmp/e2e-shop/ (metrics.json, junit.xml, summary.md, report.html)');
    expect(report.experiments.map((e: { name: string; ok: boolean }) => [e.name, e.ok])).toEqual([
      ['llm primary outage', true],
      ['llm rate limited', true],
      ['postgres connection drops', true],
      ['redis blackout', true],
      ['inventory flaky', true],
      ['shop crash', true],
      ['cpu squeeze', true],
    ]);
    // The crashed instance came back by its restart policy, while shop-2 took its requests.
    const crash = report.experiments.find((e: { name: string }) => e.name === 'shop crash');
    expect(crash.phases.fault.success_rate).toBeGreaterThanOrEqual(0.98);
    expect(crash.fault).toEqual({ service: 'shop', action: 'kill' });
    expect(report.stages.unit.tests).toMatchObject({ failed: 0, errors: 0 });
    expect(report.stages.chaos.tests.total).toBe(7);
    expect(report.metrics.orders_lost).toMatchObject({ type: 'counter', count: 0 });
    expect(report.metrics.orders_duplicated).toMatchObject({ type: 'counter', count: 0 });
    expect(report.metrics.http_reqs.count).toBeGreaterThan(1000);
    // The real inventory behind its HTTP proxy: 30% of the stock calls answered 503 (seeded), the rest passed through.
    const flaky = report.experiments.find((e: { name: string }) => e.name === 'inventory flaky');
    expect(flaky.fault).toMatchObject({ http_proxy: 'inventory', status: 503, probability: 0.3, seed: 7 });
    expect(flaky.reach.faulted_at).toBe('http proxy inventory');
    expect(flaky.reach.faulted_requests).toBeGreaterThan(10);
    expect(report.metrics.http_proxy_inventory_upstream_duration.count).toBeGreaterThan(100);
    // The load's flows: every order read back by the id its creation answered, per endpoint.
    expect(report.stages.load.checks.map((c: { name: string; fails: number }) => [c.name, c.fails])).toEqual([
      ['order created', 0],
      ['create order: capture order_id', 0],
      ['read order: status 200', 0],
      ['order read back', 0],
      ['product: status 200', 0],
      ['assist: status 200', 0],
    ]);
    expect(report.stages.load.metrics['http_reqs{name:read order}'].count).toBe(report.stages.load.metrics['http_reqs{name:create order}'].count);
    const drops = report.experiments.find((e: { name: string }) => e.name === 'postgres connection drops');
    expect(drops.phases.fault.metrics['http_reqs{name:create order}'].count).toBeGreaterThan(20);
  }, 120_000);

  it('fails without retries and failover, naming the broken thresholds and the failed tests', async () => {
    const ran = await runShop('.tmp/e2e-shop-broken', { SHOP_RETRIES: '0' });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/FAIL {2}3\/4 stages passed/);
    expect(ran.stderr).toMatch(/✘ stage chaos: failed — exit code 1; \d+ tests failed/);
    expect(ran.stderr).toContain('✘ chaos.llm primary outage.fault.http_req_failed rate<0.02: actual 1, limit 0.02');
    expect(ran.stderr).toMatch(/✘ chaos\.llm rate limited\.fault\.http_req_failed rate<0\.02: actual 0\.\d+, limit 0\.02/);
    expect(ran.stderr).toMatch(/✘ chaos\.postgres connection drops\.fault\.http_req_failed rate<0\.05: actual 0\.\d+, limit 0\.05/);
    // No retries of the inventory: the proxy's 503s reach the shop's clients.
    expect(ran.stderr).toMatch(/✘ chaos\.inventory flaky\.fault\.http_req_failed rate<0\.05: actual 0\.\d+, limit 0\.05/);
    // No failover at the balancer: the crashed instance's share of requests fails.
    expect(ran.stderr).toMatch(/✘ chaos\.shop crash\.fault\.http_req_failed rate<0\.02: actual 0\.\d+, limit 0\.02/);

    const report = await readJson(join(ROOT, '.tmp/e2e-shop-broken/metrics.json'));
    expect(report.verdict).toBe('fail');
    const failedTests = report.stages.chaos.failures.map((f: { name: string }) => f.name);
    expect(failedTests).toContain('retry with backoff: a primary that answers 503 twice is asked a third time, waits doubling');
    expect(failedTests).toContain('provider failover and circuit breaker: the primary down, the fallback answers, the primary is soon left alone');
  }, 120_000);
});
