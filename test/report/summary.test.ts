import { describe, expect, it } from 'vitest';
import { COMMENT_LIMIT, JOB_SUMMARY_LIMIT, renderSummary } from '../../src/report/summary.js';
import { baselineRun, failingRun, hostileRun, hugeRun, passingRun } from './fixtures.js';
import { markdownProblems, mermaidBlocks } from './markdown-check.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('renderSummary', () => {
  it('puts the verdict first and shows a passing run whole', () => {
    const md = renderSummary(passingRun(), {
      links: { run: 'https://github.com/o/r/actions/runs/7', artifact: 'https://github.com/o/r/actions/runs/7/artifacts/9' },
    });
    expect(md.startsWith('## ✅ chaos-gate passed\n')).toBe(true);
    expect(md).toContain('4 of 4 thresholds held');
    expect(md).toContain('[Workflow run](https://github.com/o/r/actions/runs/7)');
    expect(md).toContain('[Full report (artifact)](https://github.com/o/r/actions/runs/7/artifacts/9)');
    expect(md).not.toContain('### Broken thresholds');
    expect(md).not.toContain('✂️');
    expect(md).toMatch(/\| unit \| ✅ passed \| 42 \| 41 \| 0 \| 1 \|/);
    expect(markdownProblems(md)).toEqual([]);
  });

  it('leads a failing run with its broken thresholds, actual against limit', () => {
    const md = renderSummary(failingRun());
    expect(md.split('\n')[0]).toBe('## ❌ chaos-gate failed');
    expect(md).toContain('**4 of 6 thresholds broken**');
    expect(md).toContain('**stage integration, chaos failed**');
    expect(md).toContain('**1 of 2 experiments did not recover in time**');
    const broken = md.slice(md.indexOf('### Broken thresholds'), md.indexOf('### Thresholds'));
    expect(broken).toContain('| http\\_req\\_duration | p(99)\\<500 | 812 | 500 |');
    expect(broken).toContain('no data: no stage or experiment produced this metric');
    expect(broken).not.toContain('recovery\\_time');
    // The sections come in the order a reviewer reads them.
    const order = [
      '### Run errors',
      '### Broken thresholds',
      '### Thresholds',
      '### Stages',
      '### Failed tests',
      '### Experiments',
      '### Timeline',
      '### Metrics',
    ];
    const positions = order.map((h) => md.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(markdownProblems(md)).toEqual([]);
  });

  it('shows stages with test counts and experiments with recovery times', () => {
    const md = renderSummary(failingRun());
    expect(md).toMatch(/\| integration \| ❌ failed \| 12 \| 9 \| 2 \| 1 \| 932 ms \| 2 tests failed \|/);
    expect(md).toMatch(/\| chaos \| ⏱️ timed out \|/);
    expect(md).toMatch(/\| ✅ \| postgres connection loss \| proxy postgres: reset\\_peer, toxicity 0\.3.* \| 840 ms \| 5 s \| 100% \| 71% \| 99% \|/);
    expect(md).toMatch(/\| ❌ \| llm outage \| mock llm: route POST \/v1\/chat\/completions, status 503 \| never \| 5 s \|/);
    expect(md).toContain('TimeoutError: 5000 ms elapsed');
  });

  it('charts p99 and success rate per second with the fault windows as bars', () => {
    const report = failingRun();
    const [latency, success] = mermaidBlocks(renderSummary(report));
    expect(latency).toMatch(/^xychart-beta\n/);
    const series = (block: string, kind: 'bar' | 'line') =>
      [...block.matchAll(new RegExp(`^  ${kind} \\[(.*)\\]$`, 'gm'))].map((m) => m[1].split(', ').map(Number));
    const [p99] = series(latency, 'line');
    const [bars] = series(latency, 'bar');
    expect(p99).toHaveLength(report.timeline.series.length / 2); // 70 seconds folded into buckets of 2
    expect(bars).toHaveLength(p99.length);
    // Latency climbs exactly where the bars mark a fault.
    const faulty = p99.filter((_, i) => bars[i] > 0);
    const calm = p99.filter((_, i) => bars[i] === 0);
    expect(Math.min(...faulty)).toBeGreaterThan(Math.max(...calm));
    expect(latency).toContain('y-axis "p99 (ms)" 0 --> 500');
    // The threshold p(99)<500 is a flat line.
    expect(series(latency, 'line')[1].every((v) => v === 500)).toBe(true);
    const [rate, floor] = series(success, 'line');
    expect(Math.max(...rate)).toBeLessThanOrEqual(100);
    expect(Math.min(...rate.filter((_, i) => bars[i] > 0))).toBeLessThan(90);
    expect(floor.every((v) => v === 95)).toBe(true);
  });

  it('leaves the charts out when there was no traffic', () => {
    const report = passingRun();
    report.timeline = { series: [], windows: [] };
    const md = renderSummary(report);
    expect(md).not.toContain('```mermaid');
    expect(md).not.toContain('charts');
  });

  it('shows deltas against the baseline: p99 in percent, success rate in points', () => {
    const md = renderSummary(failingRun(), { baseline: baselineRun() });
    const deltas = md.slice(md.indexOf('### Against the baseline'));
    expect(deltas).toContain('| http\\_req\\_duration p99 | 725 | 812 | +12% ⚠️ |');
    expect(deltas).toContain('| success rate (http\\_req\\_failed) | 99.6% | 92.9% | −6.7 pt ⚠️ |');
    expect(deltas).toContain('| http\\_reqs per second | 200 | 105 | −48% ⚠️ |');
    expect(deltas).toContain('| recovery: postgres connection loss | 700 ms | 840 ms | +20% ⚠️ |');
    expect(deltas).toContain('| deadlocks count | 0 | 2 | +2 |');
    // The thresholds table gains the baseline's value.
    expect(md).toContain('| ❌ | http\\_req\\_duration | p(99)\\<500 | 812 | 500 | 725 |  |');
    expect(markdownProblems(md)).toEqual([]);
  });

  it('marks an improvement against the baseline', () => {
    const md = renderSummary(baselineRun(), { baseline: failingRun() });
    expect(md).toContain('| http\\_req\\_duration p99 | 812 | 725 | −11% ✅ |');
  });
});

describe('untrusted text in the summary', () => {
  const md = renderSummary(hostileRun());

  it('cannot mention anyone, inject HTML or break a table or fence', () => {
    expect(markdownProblems(md)).toEqual([]);
    expect(md).toContain('@\u200boctocat');
    expect(md).toContain('@\u200bgithub/security');
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>');
  });

  it('keeps hostile failure messages verbatim inside a fence longer than any backtick run in them', () => {
    // The message holds ``` and ````, so its fence has five backticks.
    expect(md).toContain(
      '`````text\nclose ``` the fence\n```\n<img src=x onerror=alert(1)>\n@octocat &#64;octocat [link](javascript:alert(1)) </details>\n````\n| a | b |\n`````',
    );
    expect(md).toContain('``````text\n`````\n``````');
  });

  it('escapes pipes in experiment names and run errors', () => {
    expect(md).toContain('| drop \\| table @\u200boctocat \\<i\\>x\\</i\\> |');
    expect(md).toContain('- stage output: @\u200boctocat \\<script\\>x\\</script\\> \\| \\`\\`\\`');
  });
});

describe('the summary budget', () => {
  it('fits thousands of thresholds and failures into a comment, saying what was cut', () => {
    const report = hugeRun(3000, 2000);
    const md = renderSummary(report, { budget: COMMENT_LIMIT });
    expect(bytes(md)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(bytes(md)).toBeGreaterThan(COMMENT_LIMIT * 0.9); // it uses the room it has
    expect(md.split('\n')[0]).toBe('## ❌ chaos-gate failed');
    expect(md).toMatch(
      /> ✂️ Shortened to fit 65,536 bytes; left out: 2700 passing thresholds; \d+ of 2000 failed tests; failure messages; the charts; the metrics table\./,
    );
    // Every broken threshold still made it; failed tests are cut with a count.
    expect(md.match(/\| chaos\.experiment \d+\.fault\.http\\_req\\_failed \| rate\\<0\.05 \| 0\.2 \|/g)).toHaveLength(300);
    expect(md).toMatch(/… and \d+ more\./);
    expect(markdownProblems(md)).toEqual([]);
  });

  it('drops passing rows before the charts', () => {
    const report = hugeRun(3000, 0);
    report.stages.integration!.failures = [];
    const full = renderSummary(report, { budget: JOB_SUMMARY_LIMIT });
    const comment = renderSummary(report, { budget: COMMENT_LIMIT });
    expect(full).not.toContain('✂️');
    expect(comment).toContain('left out: 2700 passing thresholds; the metrics table.');
    expect(comment).toContain('```mermaid');
    expect(bytes(comment)).toBeLessThanOrEqual(COMMENT_LIMIT);
  });

  it('gives the job summary more detail than the comment', () => {
    const report = hugeRun(3000, 2000);
    const summary = renderSummary(report, { budget: JOB_SUMMARY_LIMIT });
    expect(bytes(summary)).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT);
    expect(summary).toContain('### Timeline');
    expect(summary).toContain('### Metrics');
    expect(summary).toContain('left out: failure messages past their first line after the first 20 failures.');
    expect(summary.match(/^```text$/gm)).toHaveLength(20);
    expect(markdownProblems(summary)).toEqual([]);
  });

  it('counts bytes, so multi-byte test names cannot overflow the limit', () => {
    const report = hugeRun(10, 3000);
    for (const f of report.stages.integration!.failures!) f.name = `テスト ${f.name} 🔥`.repeat(3);
    const md = renderSummary(report, { budget: COMMENT_LIMIT });
    expect(bytes(md)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(markdownProblems(md)).toEqual([]);
  });

  it('keeps the verdict even when almost nothing fits', () => {
    const md = renderSummary(hugeRun(), { budget: 200 });
    expect(bytes(md)).toBeLessThanOrEqual(200);
    expect(md.startsWith('## ❌ chaos-gate failed')).toBe(true);
    expect(markdownProblems(md)).toEqual([]);
  });
});

describe('endpoints and checks', () => {
  /** A run whose load had flows: two endpoints, a check that failed with an example, and an experiment per endpoint. */
  function flowRun() {
    const run = passingRun();
    const named = (name: string, count: number, failed: number, p95: number) => ({
      [`http_reqs{name:${name}}`]: { type: 'counter' as const, count, rate: count / 30 },
      [`http_req_failed{name:${name}}`]: { type: 'rate' as const, rate: failed / count, hits: failed, total: count },
      [`http_req_duration{name:${name}}`]: { type: 'trend' as const, count, p95 },
    });
    run.stages.load!.metrics = { ...named('create order', 300, 3, 41.5), ...named('read order', 297, 0, 12.25) };
    run.stages.load!.checks = [
      { name: 'order created', passes: 297, fails: 3, example: { step: 'create order', status: 503, body: '{"error":"the order database is not answering"}' } },
      { name: 'order read back', passes: 297, fails: 0 },
    ];
    const experiment = run.experiments[0];
    experiment.phases.steady.metrics = named('create order', 100, 0, 10);
    experiment.phases.fault.metrics = named('create order', 50, 10, 250);
    experiment.phases.recovery.metrics = named('create order', 100, 1, 11);
    return run;
  }

  it('shows a table per endpoint (experiments: steady → fault → after) and every check with a failing answer', () => {
    const md = renderSummary(flowRun());
    const endpoints = md.slice(md.indexOf('### Endpoints'), md.indexOf('### Checks'));
    expect(endpoints).toContain('| load | create order | 300 | 99% | 41.5 ms |');
    expect(endpoints).toContain('| load | read order | 297 | 100% | 12.3 ms |');
    expect(endpoints).toContain('| postgres connection loss | create order | 250 | 100% → 80% → 99% | 10 ms → 250 ms |');
    const checks = md.slice(md.indexOf('### Checks'));
    expect(checks).toContain('| ❌ | load | order created | 297 | 3 | 503 {"error":"the order database is not answering"} |');
    expect(checks).toContain('| ✅ | load | order read back | 297 | 0 |  |');
    expect(markdownProblems(md)).toEqual([]);
  });

  it('has neither table for a load without tags', () => {
    const md = renderSummary(passingRun());
    expect(md).not.toContain('### Endpoints');
    expect(md).not.toContain('### Checks');
  });
});
