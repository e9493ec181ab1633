/** The matrix in the comment and in report.html: the grid, its legend, what changed against the baseline, the heat map. */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { renderSummary } from '../../src/report/summary.js';
import type { MatrixCell, RunReport } from '../../src/results/types.js';
import { passingRun } from '../report/fixtures.js';
import { markdownProblems } from '../report/markdown-check.js';

function withMatrix(outcomes: Record<string, MatrixCell['outcome']>, note?: string): RunReport {
  const run = passingRun();
  const cells = Object.entries(outcomes).map(([key, outcome], index): MatrixCell => {
    const [dependency, fault] = key.split(' × ');
    return {
      index,
      dependency,
      kind: dependency === 'llm' ? 'mock' : 'proxy',
      fault,
      outcome,
      success_rate: outcome === 'skipped' ? null : outcome === 'survived' ? 1 : 0.5,
      p95_ms: outcome === 'skipped' ? null : 12.5,
      recovery_time_ms: outcome === 'failed' || outcome === 'skipped' ? null : 0,
      ...(outcome === 'skipped' ? { reason: dependency === 'redis' ? 'errors does not apply to a TCP proxy' : 'the load never reached llm' } : {}),
      ...(outcome === 'degraded' ? { reason: '50% succeeded (limit 99%)' } : {}),
      series: [{ t: 1, requests: 10, failures: 5, p50: 3, p99: 9 }],
    };
  });
  run.matrix = { dependencies: ['redis', 'llm'], faults: ['down', 'errors'], cells, budget_ms: 60_000, elapsed_ms: 30_000, ...(note ? { note } : {}) };
  return run;
}

describe('the matrix in the reports', () => {
  const baseline = withMatrix({ 'redis × down': 'survived', 'redis × errors': 'skipped', 'llm × down': 'degraded', 'llm × errors': 'survived' });
  const current = withMatrix(
    { 'redis × down': 'failed', 'redis × errors': 'skipped', 'llm × down': 'degraded', 'llm × errors': 'skipped' },
    'the system did not return to steady state after redis × down; later cells skipped',
  );

  it('shows the grid with a legend, only the cells that changed, and the cells that did not survive', () => {
    const md = renderSummary(current, { baseline });
    const section = md.slice(md.indexOf('### Resilience matrix'));
    expect(section).toContain('| dependency | down | errors |');
    expect(section).toContain('| redis | ❌ | – |');
    expect(section).toContain('| llm | ⚠️ | ⏭️ |');
    expect(section).toContain('✅ survived · ⚠️ degraded (recovered) · ❌ failed · ⏭️ skipped · – does not apply');
    expect(section).toContain('> ⚠️ the system did not return to steady state after redis × down; later cells skipped');
    const changed = section.slice(section.indexOf('**Against the base branch:**')).split('\n\n')[0];
    // llm × errors went from survived to skipped: not a change anyone could judge.
    expect(changed.split('\n').slice(1)).toEqual(['- ⚠️ redis × down: survived → failed']);
    expect(section).toContain('| ⏭️ skipped | llm × errors | – | – | – | the load never reached llm |');
    expect(markdownProblems(md)).toEqual([]);
  });

  it('says so when nothing changed', () => {
    expect(renderSummary(baseline, { baseline })).toContain('No cell changed against the base branch.');
  });

  it('draws a heat map in report.html, each cell opening to its numbers and chart', () => {
    const html = renderHtml(current, baseline);
    const map = html.slice(html.indexOf('<section id="matrix">'), html.indexOf('</section>', html.indexOf('<section id="matrix">')));
    expect(map).toContain('<table class="heatmap">');
    expect(map).toMatch(/<td class="cell failed" title="redis × down: failed"><details><summary>❌<\/summary><dl>/);
    expect(map).toMatch(/<td class="cell na" title="redis × errors: skipped \(errors does not apply to a TCP proxy\)">/);
    expect(map).toContain('<svg');
    expect(map).toContain('<li>⚠️ redis × down: survived → failed</li>');
  });
});
