import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { baselineRun, failingRun, hostileRun, passingRun } from './fixtures.js';

describe('renderHtml', () => {
  it('is one self-contained page: no script, no external URL, a CSP that forbids fetching', () => {
    const html = renderHtml(failingRun(), baselineRun());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('escapes untrusted text everywhere', () => {
    const html = renderHtml(hostileRun());
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('pings @octocat and @github/security &lt;script&gt;alert(1)&lt;/script&gt; | col | ```');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('drop | table @octocat &lt;i&gt;x&lt;/i&gt;');
    expect(html).toContain('exit code 1 &lt;b&gt;bold&lt;/b&gt; @octocat');
  });

  it('draws one point per second, fault windows and threshold lines', () => {
    const report = failingRun();
    const html = renderHtml(report);
    const p99 = /<path class="series p99" data-points="(\d+)" d="([^"]+)"/.exec(html)!;
    expect(Number(p99[1])).toBe(report.timeline.series.length);
    expect(p99[2].match(/[ML]/g)).toHaveLength(report.timeline.series.length);
    // Three charts, each shading both fault windows.
    expect(html.match(/<rect class="fault-window"/g)).toHaveLength(3 * report.timeline.windows.length);
    expect(html).toContain('<rect class="fault-window" data-start="30" data-end="40"');
    expect(html).toMatch(/<line class="limit broken" data-value="500"[^>]*><title>http_req_duration: p\(99\)&lt;500<\/title>/);
    expect(html).toMatch(/<line class="limit broken" data-value="95"[^>]*><title>http_req_failed: rate&lt;0.05<\/title>/);
  });

  it('breaks the line where the timeline has a gap', () => {
    const report = passingRun();
    report.timeline.series = report.timeline.series.filter((p) => p.t < 20 || p.t >= 30);
    const d = /<path class="series p50" data-points="\d+" d="([^"]+)"/.exec(renderHtml(report))![1];
    expect(d.match(/M/g)).toHaveLength(2);
  });

  it('has the tables: thresholds (broken first), stages, failed tests, experiments, deltas, metrics', () => {
    const html = renderHtml(failingRun(), baselineRun());
    for (const id of ['thresholds', 'stages', 'experiments', 'baseline', 'metrics', 'errors', 'charts']) expect(html).toContain(`<section id="${id}">`);
    const rows = html.slice(html.indexOf('<section id="thresholds">'), html.indexOf('<section id="stages">')).match(/<tr class="(ok|broken)"/g)!;
    expect(rows.map((r) => r.includes('broken'))).toEqual([true, true, true, true, false, false]);
    expect(html).toContain('<summary><b>integration</b> · orders › retries a dropped connection</summary><pre>Error: expected 201, got 500');
    expect(html).toContain('<td>http_req_duration p99</td><td>725</td><td>812</td><td>+12%</td>');
  });

  it('says so when there was no traffic to chart', () => {
    const report = passingRun();
    report.timeline = { series: [], windows: [] };
    expect(renderHtml(report)).toContain('No load or experiment traffic was recorded.');
  });
});
