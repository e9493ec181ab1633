// The README's pictures, from a real run's report: docs/img/report.png (report.html in headless
// Chromium) and docs/img/comment.png (summary.md drawn as GitHub shows a pull request comment).
//
//   npx chaos-gate run --config examples/shop/chaos-gate.yml --report-dir .tmp/shop-report
//   npx node scripts/screenshots.ts .tmp/shop-report
//
// Needs Debian's Chromium at /usr/bin/chromium (and fonts-noto-color-emoji for ✅). No markdown
// renderer is installed, so summary.md is turned into HTML here: the subset it uses (headings,
// paragraphs, tables, code) and its mermaid `xychart-beta` charts, drawn as SVG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const reportDir = resolve(process.argv[2] ?? 'chaos-gate-report');
const outDir = resolve(process.argv[3] ?? 'docs/img');
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  // report.html: the top of the page (verdict, timeline charts, thresholds).
  const report = await browser.newPage({ viewport: { width: 1100, height: 1250 }, deviceScaleFactor: 1 });
  await report.goto(pathToFileURL(join(reportDir, 'report.html')).href);
  await report.screenshot({ path: join(outDir, 'report.png') });

  // summary.md as a pull request comment.
  const page = join(reportDir, 'comment-preview.html');
  writeFileSync(page, commentPage(readFileSync(join(reportDir, 'summary.md'), 'utf8')));
  const comment = await browser.newPage({ viewport: { width: 980, height: 600 }, deviceScaleFactor: 1 });
  await comment.goto(pathToFileURL(page).href);
  // Down to the end of the first chart: the verdict, the tables and the latency timeline.
  await comment.setViewportSize({ width: 980, height: 2400 });
  const chart = await comment.locator('.chart').first().boundingBox();
  const height = chart ? Math.ceil(chart.y + chart.height + 12) : 1600;
  await comment.screenshot({ path: join(outDir, 'comment.png'), clip: { x: 0, y: 0, width: 980, height } });
} finally {
  await browser.close();
}
console.log(`wrote ${join(outDir, 'report.png')} and ${join(outDir, 'comment.png')}`);

function commentPage(markdown: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 20px; background: #fff; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; }
  .comment { border: 1px solid #d1d9e0; border-radius: 6px; max-width: 920px; }
  .head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; border-radius: 6px 6px 0 0; color: #59636e; }
  .head b { color: #1f2328; } .bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 7px; font-size: 12px; margin-left: 4px; }
  .body { padding: 16px; }
  h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin: 0 0 16px; }
  h3 { font-size: 1.25em; margin: 24px 0 16px; }
  p { margin: 0 0 16px; }
  table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; } tr:nth-child(2n) td { background: #f6f8fa; }
  td.r, th.r { text-align: right; }
  code { font: 85% ui-monospace, "DejaVu Sans Mono", monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
  pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; }
  .chart { margin: 0 0 16px; }
  </style></head><body><div class="comment"><div class="head"><b>github-actions</b> <span class="bot">bot</span> commented</div>
  <div class="body">${renderMarkdown(markdown)}</div></div></body></html>`;
}

/** The markdown summary.md writes: headings, paragraphs, pipe tables, fenced code (mermaid charts drawn). */
function renderMarkdown(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(`{3,})(\w*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith(fence[1]); i++) body.push(lines[i]);
      out.push(fence[2] === 'mermaid' ? xychart(body.join('\n')) : `<pre><code>${escape(body.join('\n'))}</code></pre>`);
    } else if (/^#{1,6} /.test(line)) {
      const level = line.indexOf(' ');
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) rows.push(cells(lines[i]));
      i--;
      const align = rows[1].map((c) => (c.endsWith(':') ? 'r' : ''));
      const head = rows[0].map((c, j) => `<th class="${align[j]}">${inline(c)}</th>`).join('');
      const body = rows
        .slice(2)
        .map((r) => `<tr>${r.map((c, j) => `<td class="${align[j]}">${inline(c)}</td>`).join('')}</tr>`)
        .join('');
      out.push(`<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`);
    } else if (line.trim() !== '' && !line.startsWith('<!--')) {
      const para: string[] = [line];
      while (i + 1 < lines.length && lines[i + 1].trim() !== '' && !/^(#|\||```)/.test(lines[i + 1])) para.push(lines[++i]);
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

function cells(row: string): string[] {
  // Split on pipes that are not escaped.
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function inline(text: string): string {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return `<code>${escape(part.slice(1, -1))}</code>`;
      let html = escape(part.replace(/\\([\\`*_[\]<>|~&$#!-])/g, '$1'));
      html = html.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');
      return html;
    })
    .join('');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A mermaid `xychart-beta` as GitHub draws it: bars (the fault windows) and lines (the series, then the limit). */
function xychart(source: string): string {
  const title = /title "([^"]*)"/.exec(source)?.[1] ?? '';
  const yMax = Number(/y-axis "[^"]*" [\d.]+ --> ([\d.]+)/.exec(source)?.[1] ?? 100);
  const xLabel = /x-axis "([^"]*)"/.exec(source)?.[1] ?? '';
  const series = (kind: string) => [...source.matchAll(new RegExp(`^\\s*${kind} \\[([^\\]]*)\\]`, 'gm'))].map((m) => m[1].split(',').map(Number));
  const bars = series('bar')[0] ?? [];
  const lines = series('line');
  const n = Math.max(bars.length, ...lines.map((l) => l.length), 1);
  const [w, h, left, top, bottom] = [880, 220, 48, 28, 30];
  const x = (i: number) => left + ((i + 0.5) * (w - left - 10)) / n;
  const y = (v: number) => top + (h - top - bottom) * (1 - Math.min(v, yMax) / yMax);
  const barWidth = (w - left - 10) / n;
  const svgBars = bars
    .map((v, i) => (v > 0 ? `<rect x="${x(i) - barWidth / 2}" y="${y(v)}" width="${barWidth}" height="${y(0) - y(v)}" fill="#fde2e1"/>` : ''))
    .join('');
  const colours = ['#0969da', '#9a6700'];
  const svgLines = lines
    .map(
      (l, k) =>
        `<polyline fill="none" stroke="${colours[k] ?? '#666'}" stroke-width="2" ${k > 0 ? 'stroke-dasharray="5 4"' : ''} points="${l.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`,
    )
    .join('');
  const ticks = [0, yMax / 2, yMax]
    .map(
      (v) =>
        `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="#59636e">${Math.round(v)}</text><line x1="${left}" x2="${w - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eaeef2"/>`,
    )
    .join('');
  return `<svg class="chart" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">
    <text x="${w / 2}" y="16" text-anchor="middle" font-size="13" fill="#1f2328">${escape(title)}</text>${ticks}${svgBars}${svgLines}
    <text x="${w / 2}" y="${h - 6}" text-anchor="middle" font-size="11" fill="#59636e">${escape(xLabel)}</text></svg>`;
}
