/**
 * The README's first command, as written, and its broken variant: the bundled quickstart passes
 * with retries and fails, naming http_req_failed, without them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectExampleVerdict, readJson, ROOT } from '../helpers/project.js';

describe('examples/quickstart', () => {
  it('passes all four stages with retries on', async () => {
    const ran = await cli(['run', '--config', 'examples/quickstart/chaos-gate.yml', '--report-dir', '.tmp/e2e-quickstart'], ROOT);
    const report = await readJson(join(ROOT, '.tmp/e2e-quickstart/metrics.json'));
    // PASS with 6/6 when the machine is fast enough for the quickstart's latency thresholds.
    expectExampleVerdict(ran, report, '4/4', 6);
    expect(report.experiments.map((e: { name: string; ok: boolean }) => [e.name, e.ok])).toEqual([
      ['provider errors', true],
      ['slow provider link', true],
    ]);
    expect(report.metrics.http_reqs.count).toBeGreaterThan(1000);
  }, 90_000);

  it('fails, naming http_req_failed, when the service does not retry', async () => {
    const ran = await cli(['run', '--config', 'examples/quickstart/chaos-gate.yml', '--report-dir', '.tmp/e2e-quickstart-broken'], ROOT, { RETRIES: '0' });
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/✘ chaos\.provider errors\.fault\.http_req_failed rate<0\.05: actual 0\.\d+, limit 0\.05/);
  }, 90_000);
});
