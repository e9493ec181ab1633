/**
 * Shards on a GitHub Actions matrix and one merged verdict: each shard runs its share and uploads
 * `<artifact>-shard-<i>`; the merge job downloads them all, merges the metrics exactly (HDR
 * histograms, not averages of percentiles), judges the thresholds once and comments once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { MetricSet } from '../../src/gate/metrics.js';
import type { RunReport } from '../../src/results/types.js';
import { shardConfig } from '../../src/run/shard.js';
import { FakeGitHub } from '../helpers/github-api.js';
import { cli, makeProject, readJson, runNode } from '../helpers/project.js';

function shardReport(set: MetricSet, index: number): RunReport {
  const metrics = set.summary(10_000);
  return {
    version: 1,
    verdict: 'pass',
    started_at: '2026-11-23T10:00:00.000Z',
    duration_ms: 10_000,
    shard: { index, total: 4 },
    stages: { load: { status: 'passed', exit_code: null, duration_ms: 10_000, metrics } },
    metrics,
    experiments: [],
    thresholds: [],
    timeline: { series: [{ t: 1, requests: 10, failures: index === 1 ? 1 : 0, p50: 5, p99: 10 * index }], windows: [] },
    errors: [],
  };
}

describe('shards', () => {
  it("deal out experiments and divide the load stage's rate", () => {
    const { config } = parseConfig(
      `version: 1
stages:
  load: { url: "http://127.0.0.1:1/x", rate: 400/s, duration: 10s }
  chaos:
    experiments:
${[1, 2, 3, 4, 5].map((i) => `      - { name: e${i}, load: { url: "http://127.0.0.1:1/x", rate: 10/s }, fault: { proxy: p, type: latency, attributes: { latency: 1 } } }`).join('\n')}
proxies: [{ name: p, listen: "127.0.0.1:0", upstream: "127.0.0.1:1" }]
`,
      'chaos-gate.yml',
    );
    const shards = [1, 2, 3, 4].map((index) => shardConfig(config, { index, total: 4 }));
    expect(shards.map((s) => s.stages.load!.rate)).toEqual([100, 100, 100, 100]);
    expect(shards.map((s) => s.stages.chaos!.experiments!.map((e) => e.name))).toEqual([['e1', 'e5'], ['e2'], ['e3'], ['e4']]);
  });

  it("divides a ramp's targets: rates exactly, connections rounded (never to none)", () => {
    const ramp = (targets: string) =>
      parseConfig(`version: 1\nstages:\n  load: { url: "http://127.0.0.1:1/x", stages: [${targets}] }\n`, 'chaos-gate.yml').config;
    const open = shardConfig(ramp('{ duration: 1s, target: 400/s }, { duration: 1s, target: 0/s }'), { index: 2, total: 4 });
    expect(open.stages.load!.stages).toEqual([
      { durationMs: 1000, target: 100 },
      { durationMs: 1000, target: 0 },
    ]);
    const closed = shardConfig(ramp('{ duration: 1s, target: 10 }, { duration: 1s, target: 2 }'), { index: 1, total: 4 });
    expect(closed.stages.load!.stages!.map((s) => s.target)).toEqual([3, 1]);
  });

  it('merge gives the p99 of the union of the samples, and judges thresholds once', async () => {
    const union = new MetricSet();
    const shards = [1, 2, 3, 4].map(() => new MetricSet());
    // Each shard sees a different latency distribution: averaging their p99s would be wrong.
    for (let i = 0; i < 40_000; i++) {
      const shard = i % 4;
      const latency = shard === 3 ? 200 + (i % 97) : 5 + ((i * 7919) % 50);
      for (const set of [union, shards[shard]]) {
        set.trend('http_req_duration').add(latency);
        set.rate('http_req_failed').add(i % 100 === 0);
        set.counter('http_reqs').add(1);
      }
    }
    const dir = await makeProject({
      // The shards' config: its load stage is what `load.http_req_failed` names.
      'chaos-gate.yml':
        'version: 1\nstages:\n  load: { url: "http://127.0.0.1:1/", rate: 10/s, duration: 1s }\nthresholds:\n  http_req_duration: ["p(99)<300", "p(50)<40"]\n  load.http_req_failed: rate<0.02\n',
    });
    for (const [i, set] of shards.entries()) {
      await mkdir(join(dir, `shard-${i + 1}`));
      await writeFile(join(dir, `shard-${i + 1}/metrics.json`), JSON.stringify(shardReport(set, i + 1)));
    }
    const ran = await cli(['merge', 'shard-1', 'shard-2', 'shard-3', 'shard-4', '--config', 'chaos-gate.yml', '--report-dir', 'merged'], dir);
    expect(ran.stderr).toContain('merging 4 shard reports');
    const merged = await readJson<RunReport>(join(dir, 'merged/metrics.json'));
    expect(merged.metrics.http_req_duration.p99).toBe(Math.round(union.trend('http_req_duration').percentile(99) * 1000) / 1000);
    expect(merged.metrics.http_req_duration.count).toBe(40_000);
    expect(merged.metrics.http_reqs.count).toBe(40_000);
    expect(merged.metrics.http_req_failed).toMatchObject({ hits: 400, total: 40_000 });
    expect(merged.stages.load?.metrics.http_req_duration.p99).toBe(merged.metrics.http_req_duration.p99);
    expect(merged.timeline.series).toEqual([{ t: 1, requests: 40, failures: 1, p50: 5, p99: 40 }]);
    expect(merged.thresholds.map((t) => [t.expression, t.ok])).toEqual([
      ['p(99)<300', true],
      ['p(50)<40', true],
      ['rate<0.02', true],
    ]);
    // The average of the shards' p99s would be far off the true p99.
    const averaged = shards.reduce((sum, s) => sum + s.trend('http_req_duration').percentile(99), 0) / 4;
    expect(Math.abs(averaged - Number(merged.metrics.http_req_duration.p99))).toBeGreaterThan(50);
    expect(ran.code).toBe(0);
  });

  it('merge names a folder without a report', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': 'version: 1\n' });
    const ran = await cli(['merge', 'nowhere', '--config', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`merge: cannot read ${join(dir, 'nowhere/metrics.json')}: no such file`);
  });
});

describe('the action on a matrix (shard: I/N, then mode: merge)', () => {
  let github: FakeGitHub | undefined;
  afterEach(async () => github?.close());

  it('uploads one artifact per shard without commenting, then merges them and comments once', async () => {
    github = await FakeGitHub.start();
    // Each shard reports its own latencies through CHAOS_GATE_METRICS.
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
stages:
  unit: { run: "node report.cjs" }
thresholds:
  step_latency: ["p(99)<1000", "count==6"]
`,
      'report.cjs': `const [i] = process.env.CHAOS_GATE_SHARD.split('/').map(Number);
const fs = require('node:fs');
for (const v of [i * 10, i * 10 + 1, i * 10 + 2]) fs.appendFileSync(process.env.CHAOS_GATE_METRICS, JSON.stringify({ name: 'step_latency', type: 'trend', value: v }) + '\\n');`,
      'event.json': JSON.stringify({ pull_request: { number: 7, base: { ref: 'main' } } }),
    });
    const env = {
      ...github.env(),
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_RUN_ID: '1000',
      GITHUB_WORKFLOW: 'chaos',
      GITHUB_JOB: 'gate',
      GITHUB_ACTIONS: 'true',
      'INPUT_GITHUB-TOKEN': github.token,
      'INPUT_ARTIFACT-NAME': 'chaos-gate-report',
    };
    const step = async (inputs: Record<string, string>, reportDir: string) => {
      const files = {
        GITHUB_OUTPUT: join(dir, `${reportDir}.out`),
        GITHUB_STEP_SUMMARY: join(dir, `${reportDir}.md`),
        GITHUB_STATE: join(dir, `${reportDir}.state`),
      };
      for (const f of Object.values(files)) await writeFile(f, '');
      const extra = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
      return runNode('dist/index.js', [], { cwd: dir, env: { ...env, ...files, ...extra, 'INPUT_REPORT-DIR': reportDir } });
    };

    for (const shard of ['1/2', '2/2']) {
      const ran = await step({ shard }, `report-${shard[0]}`);
      expect(ran.code, ran.stdout).toBe(0);
    }
    expect(github.artifacts.map((a) => a.name)).toEqual(['chaos-gate-report-shard-1', 'chaos-gate-report-shard-2']);
    expect(github.commentsOf('acme/shop', 7)).toHaveLength(0);

    const merged = await step({ mode: 'merge' }, 'merged');
    expect(merged.code, merged.stdout).toBe(0);
    const report = await readJson<RunReport>(join(dir, 'merged/metrics.json'));
    expect(report.metrics.step_latency).toMatchObject({ count: 6, min: 10, max: 22 });
    expect(report.thresholds.every((t) => t.ok)).toBe(true);
    const comments = github.commentsOf('acme/shop', 7);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('| ✅ | step\\_latency | count==6 | 6 | 6 |');
    expect(github.artifacts.map((a) => a.name)).toContain('chaos-gate-report');
  });
});
