/**
 * report.html opened in a real headless Chromium (Debian's package, driven by playwright-core):
 * it renders, logs no error, fetches nothing, and its charts have data and shaded fault windows.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { baselineRun, failingRun, hostileRun } from './fixtures.js';

/** The slice of the DOM the in-page callbacks use; the project compiles without the DOM library. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  getBBox(): Box;
  getBoundingClientRect(): Box;
  getTotalLength(): number;
  getPointAtLength(length: number): { x: number; y: number };
  querySelector(selector: string): PageElement;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
}
declare const document: { getElementById(id: string): PageElement } & Pick<PageElement, 'querySelectorAll'>;
declare function getComputedStyle(element: PageElement): { fill: string };

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`skipping the report.html browser test: ${CHROMIUM} is absent (apt-get install chromium)`);

describe.skipIf(!haveChromium)('report.html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chaos-gate-html-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-dev-shm-usage',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Opens the page from a file, recording console errors, page errors and every request made. */
  async function open(name: string, html: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const file = join(dir, name);
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    // Anything but the page itself would be a network request: refuse it, and count it above.
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors, requests: requests.filter((u) => u !== pathToFileURL(file).href) };
  }

  it('renders with no console error and no network request', async () => {
    const { page, errors, requests } = await open('failing.html', renderHtml(failingRun(), baselineRun()));
    expect(await page.title()).toBe('chaos-gate failed');
    expect(await page.locator('h1').innerText()).toContain('chaos-gate failed');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('figure.chart').count()).toBe(3);
    await page.close();
  });

  it('draws every chart with data points, shaded fault windows and threshold lines', async () => {
    const report = failingRun();
    const { page } = await open('charts.html', renderHtml(report));
    for (const id of ['chart-latency', 'chart-throughput', 'chart-success']) {
      const chart = await page.evaluate((chartId) => {
        const figure = document.getElementById(chartId);
        const svg = figure.querySelector('svg').getBoundingClientRect();
        const series = [...figure.querySelectorAll('path.series')].map((p) => ({
          points: Number(p.dataset.points),
          length: p.getTotalLength(),
          width: p.getBBox().width,
        }));
        const windows = [...figure.querySelectorAll('rect.fault-window')].map((r) => ({
          width: r.getBoundingClientRect().width,
          fill: getComputedStyle(r).fill,
        }));
        return { svg: { width: svg.width, height: svg.height }, series, windows, limits: figure.querySelectorAll('line.limit').length };
      }, id);
      expect(chart.svg.width).toBeGreaterThan(500);
      expect(chart.svg.height).toBeGreaterThan(100);
      expect(chart.series.length).toBeGreaterThan(0);
      for (const s of chart.series) {
        expect(s.points).toBe(report.timeline.series.length);
        expect(s.length).toBeGreaterThan(100); // a drawn line, not a dot
        expect(s.width).toBeGreaterThan(500);
      }
      expect(chart.windows).toHaveLength(report.timeline.windows.length);
      for (const w of chart.windows) {
        expect(w.width).toBeGreaterThan(10);
        expect(w.fill).toMatch(/^rgba\(\d+, \d+, \d+, 0\.\d+\)$/); // a translucent shade
      }
      expect(chart.limits).toBe({ 'chart-latency': 2, 'chart-throughput': 0, 'chart-success': 1 }[id]); // p(99)<500 and p(95)<baseline*1.2; rate<0.05
    }
    // The shaded window sits where the latency climbs: p99 inside the first window is far above before it.
    const inside = await page.evaluate(() => {
      const figure = document.getElementById('chart-latency');
      const window = figure.querySelector('rect.fault-window').getBBox();
      const path = figure.querySelector('path.series.p99');
      const ys = (from: number, to: number) => {
        const out: number[] = [];
        for (let l = 0; l < path.getTotalLength(); l += 2) {
          const p = path.getPointAtLength(l);
          if (p.x > from && p.x < to) out.push(p.y);
        }
        return out;
      };
      // Keep clear of the edges, where the line ramps between a calm second and a faulty one.
      const during = ys(window.x + 15, window.x + window.width - 15);
      const before = ys(0, window.x - 15);
      return { during: Math.max(...during), before: Math.min(...before) };
    });
    // SVG y grows downwards: higher latency is a smaller y.
    expect(inside.during).toBeLessThan(inside.before);
    await page.close();
  });

  it('shows the tables, and hostile text stays text', async () => {
    const { page, errors, requests } = await open('hostile.html', renderHtml(hostileRun()));
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const counts = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script, img, iframe, i, b:not(summary b)').length,
      thresholds: document.querySelectorAll('#thresholds tbody tr').length,
      stages: document.querySelectorAll('#stages tbody tr').length,
      experiments: document.querySelectorAll('#experiments tbody tr').length,
      failures: [...document.querySelectorAll('details.failure summary')].map((s) => s.textContent),
    }));
    expect(counts.scripts).toBe(0);
    expect(counts.thresholds).toBe(6);
    expect(counts.stages).toBe(4);
    expect(counts.experiments).toBe(2);
    expect(counts.failures[0]).toBe('integration · evil | suite › pings @octocat and @github/security <script>alert(1)</script> | col | ```');
    await page.locator('details.failure').first().locator('summary').click();
    expect(await page.locator('details.failure pre').first().innerText()).toContain('<img src=x onerror=alert(1)>');
    await page.close();
  });
});
