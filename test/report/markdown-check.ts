/**
 * Structural checks on generated markdown, as GitHub would parse it: every code fence closed,
 * every table row with the header's number of cells, and outside code no raw HTML and no live
 * @mention. Returns the problems found (empty when the markdown is sound).
 */
export function markdownProblems(markdown: string): string[] {
  const problems: string[] = [];
  const lines = markdown.split('\n');
  let fence: string | undefined;
  let tableCells: number | undefined;
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (fence !== undefined) {
      // A fence closes with at least as many backticks and nothing else.
      if (new RegExp(`^\`{${fence.length},}\\s*$`).test(line)) fence = undefined;
      return;
    }
    const open = /^(`{3,})[^`]*$/.exec(line);
    if (open) {
      fence = open[1];
      tableCells = undefined;
      return;
    }
    if (line.startsWith('|')) {
      const cells = countCells(line);
      if (tableCells === undefined) {
        tableCells = cells;
        if (!/^\|( *:?-{3,}:? *\|)+$/.test(lines[i + 1] ?? '')) problems.push(`${at}: table header without a delimiter row`);
      } else if (cells !== tableCells) {
        problems.push(`${at}: ${cells} cells, the header has ${tableCells}: ${line.slice(0, 120)}`);
      }
    } else {
      tableCells = undefined;
    }
    if (/(^|[^\\])</.test(line)) problems.push(`${at}: raw HTML: ${line.slice(0, 120)}`);
    if (/@[A-Za-z0-9]/.test(line)) problems.push(`${at}: live mention: ${line.slice(0, 120)}`);
  });
  if (fence !== undefined) problems.push(`unclosed code fence ${fence}`);
  return problems;
}

/** Cells of a GFM table row: pipes not escaped by a backslash (an escaped backslash does not escape). */
function countCells(line: string): number {
  let pipes = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') pipes++;
  }
  return pipes - 1;
}

/** The mermaid blocks' xychart lines, to check the chart's data. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
}
