/**
 * The shop's resilience matrix (examples/shop/matrix.yml) against the real PostgreSQL and Redis,
 * as a user runs it: the same commit gives the same outcome in every cell over five runs, within
 * its budget; switching the retries off (SHOP_RETRIES=0) flips exactly the cell they protect, and
 * the baseline delta names it; removing the Redis client's retry (SHOP_REDIS_RECONNECT=0) leaves
 * the success rate whole but fails the steady-state check, a red cell; two shards merged give the
 * same cells as one run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, exampleCli, makeProject, readJson, ROOT } from '../helpers/project.js';

interface Cell {
  dependency: string;
  fault: string;
  outcome: string;
}
const outcomes = (report: { matrix: { cells: Cell[] } }) => report.matrix.cells.map((c) => `${c.dependency} × ${c.fault}: ${c.outcome}`);

const EXPECTED = [
  'postgres × latency: degraded',
  'postgres × down: degraded',
  'postgres × reset: survived',
  'redis × latency: survived',
  'redis × down: survived',
  'redis × reset: survived',
];

describe('examples/shop/matrix.yml', () => {
  it('gives the same outcome in every cell over five runs, within its budget', async () => {
    for (let run = 1; run <= 5; run++) {
      const dir = `.tmp/e2e-matrix-${run}`;
      const ran = await exampleCli(['explore', '--config', 'examples/shop/matrix.yml', '--report-dir', dir]);
      expect(ran.stderr).toContain('PASS  1/1 stages passed, 2/2 thresholds held');
      const report = await readJson(join(ROOT, dir, 'metrics.json'));
      expect(outcomes(report), `run ${run}`).toEqual(EXPECTED);
      // The budget (45 s) holds within 10%, every cell included.
      expect(report.matrix.elapsed_ms).toBeLessThanOrEqual(45_000 * 1.1);
      expect(report.matrix.budget_ms).toBe(45_000);
    }
  }, 600_000);

  it('flips exactly postgres × reset without retries, and the baseline delta names it', async () => {
    const ran = await exampleCli(
      ['explore', '--config', 'examples/shop/matrix.yml', '--report-dir', '.tmp/e2e-matrix-broken', '--baseline', '.tmp/e2e-matrix-5/metrics.json'],
      {
        SHOP_RETRIES: '0',
      },
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('✘ matrix.regressions count==0: actual 1, limit 0');
    const report = await readJson(join(ROOT, '.tmp/e2e-matrix-broken/metrics.json'));
    expect(outcomes(report)).toEqual(EXPECTED.map((line) => (line === 'postgres × reset: survived' ? 'postgres × reset: degraded' : line)));
    expect(report.matrix.regressions).toBe(1);
    const summary = await readFile(join(ROOT, '.tmp/e2e-matrix-broken/summary.md'), 'utf8');
    const against = summary.slice(summary.indexOf('**Against the base branch:**'));
    expect(against.split('\n').filter((l) => l.startsWith('- '))).toEqual(['- ⚠️ postgres × reset: survived → degraded']);
    expect(summary).toContain('| postgres | ⚠️ | ⚠️ | ⚠️ |');
    expect(summary).toContain('| redis | ✅ | ✅ | ✅ |');
  }, 120_000);

  it("turns the first cell that cuts Redis red when the Redis client's retry is removed, and skips what follows", async () => {
    const ran = await exampleCli(
      ['explore', '--config', 'examples/shop/matrix.yml', '--report-dir', '.tmp/e2e-matrix-no-reconnect', '--baseline', '.tmp/e2e-matrix-5/metrics.json'],
      { SHOP_REDIS_RECONNECT: '0' },
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('✘ matrix.failed count==0: actual 1, limit 0');
    expect(ran.stderr).toContain('✘ matrix.regressions count==0: actual 1, limit 0');
    const report = await readJson(join(ROOT, '.tmp/e2e-matrix-no-reconnect/metrics.json'));
    expect(outcomes(report)).toEqual([...EXPECTED.slice(0, 3), 'redis × latency: failed', 'redis × down: skipped', 'redis × reset: skipped']);
    const red = report.matrix.cells.find((c: Cell) => c.dependency === 'redis' && c.fault === 'latency');
    // Every request still succeeded (the shop reads PostgreSQL without its cache): only the check sees it.
    expect(red.success_rate).toBe(1);
    expect(red.reason).toMatch(/^steady state not back within 3s: cache connected did not hold \(200 \{.*"connection":"end"/);
    expect(report.matrix.note).toBe('the system did not return to steady state after redis × latency; later cells skipped');
    const summary = await readFile(join(ROOT, '.tmp/e2e-matrix-no-reconnect/summary.md'), 'utf8');
    expect(summary).toContain('| redis | ❌ | ⏭️ | ⏭️ |');
    const against = summary.slice(summary.indexOf('**Against the base branch:**'));
    expect(against.split('\n').filter((l) => l.startsWith('- '))).toEqual(['- ⚠️ redis × latency: survived → failed']);
  }, 120_000);

  it('deals the cells across two shards and merges them into the same matrix', async () => {
    for (const shard of ['1/2', '2/2']) {
      const ran = await exampleCli(['explore', '--config', 'examples/shop/matrix.yml', '--report-dir', `.tmp/e2e-matrix-shard-${shard[0]}`, '--shard', shard]);
      expect(ran.code).toBe(0);
    }
    const first = await readJson(join(ROOT, '.tmp/e2e-matrix-shard-1/metrics.json'));
    expect(first.matrix.cells.map((c: { index: number }) => c.index)).toEqual([0, 2, 4]);
    const merged = await exampleCli([
      'merge',
      '.tmp/e2e-matrix-shard-1',
      '.tmp/e2e-matrix-shard-2',
      '--config',
      'examples/shop/matrix.yml',
      '--report-dir',
      '.tmp/e2e-matrix-merged',
    ]);
    expect(merged.stderr).toContain('2/2 thresholds held');
    expect(outcomes(await readJson(join(ROOT, '.tmp/e2e-matrix-merged/metrics.json')))).toEqual(EXPECTED);
  }, 240_000);
});

/**
 * A service that needs Redis (test/fixtures/matrix-app.mjs), where the Redis client's reconnect
 * is the retry to remove: without it, redis × down never recovers, the cell is red, and the cells
 * after it are skipped rather than blamed for its damage.
 */
describe("a red cell: the Redis client's retry removed", () => {
  it('turns redis × down from degraded to failed, skips what follows, and the delta names that one cell', async () => {
    const [app, pg, redis] = [await freePort(), await freePort(), await freePort()];
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
proxies:
  - { name: redis, listen: 127.0.0.1:${redis}, upstream: 127.0.0.1:6379 }
  - { name: postgres, listen: 127.0.0.1:${pg}, upstream: 127.0.0.1:5432 }
services:
  - name: app
    run: node ${join(ROOT, 'test/fixtures/matrix-app.mjs')}
    env: { PORT: ${app}, DATABASE_URL: "postgres://postgres@127.0.0.1:${pg}/test", REDIS_URL: "redis://127.0.0.1:${redis}" }
    ready: { http: "http://127.0.0.1:${app}/health", timeout: 15s }
stages:
  chaos:
    matrix:
      load: { url: "http://127.0.0.1:${app}/", rate: 20/s, timeout: 2s }
      dependencies: [redis, postgres]
      faults: [down]
      steady: 1s
      hold: 1s
      recover_within: 2s
      budget: 30s
thresholds:
  matrix.failed: ["count==0"]
  matrix.regressions: ["count==0"]
`,
    });
    const good = await cli(['explore', '--report-dir', 'good'], dir);
    expect(good.code).toBe(0);
    expect(outcomes(await readJson(join(dir, 'good/metrics.json')))).toEqual(['redis × down: degraded', 'postgres × down: degraded']);

    const bad = await cli(['explore', '--report-dir', 'bad', '--baseline', 'good/metrics.json'], dir, { REDIS_RETRY: '0' });
    expect(bad.code).toBe(1);
    const report = await readJson(join(dir, 'bad/metrics.json'));
    expect(outcomes(report)).toEqual(['redis × down: failed', 'postgres × down: skipped']);
    expect(report.matrix.note).toBe('the system did not return to steady state after redis × down; later cells skipped');
    expect(bad.stderr).toContain('✘ matrix.failed count==0: actual 1, limit 0');
    expect(bad.stderr).toContain('✘ matrix.regressions count==0: actual 1, limit 0');
    const summary = await readFile(join(dir, 'bad/summary.md'), 'utf8');
    expect(summary).toContain('| redis | ❌ |');
    expect(summary).toContain('| postgres | ⏭️ |');
    const against = summary.slice(summary.indexOf('**Against the base branch:**'));
    // postgres × down was skipped, not judged: not a change.
    expect(against.split('\n').filter((l) => l.startsWith('- '))).toEqual(['- ⚠️ redis × down: degraded → failed']);
  }, 120_000);
});
