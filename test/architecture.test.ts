/**
 * The layers of docs/architecture.md, checked on the source: every import in src/ (type-only ones
 * included) goes in a direction the doc's table allows, no file takes part in an import circle,
 * and GitHub's packages stay in github/ and action/. The table is read from the doc, so the doc
 * and this test cannot drift apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

/** `cli/`, `log.ts` → `cli`, `log`: a folder of src/, or a file at its top. */
const unitName = (cell: string) => cell.replace(/^`|`$/g, '').replace(/\/$/, '').replace(/\.ts$/, '');

/** The doc's table: folder → the folders it may import. */
function allowedDirections(): Map<string, Set<string>> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const table = new Map<string, Set<string>>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length !== 5 || !/^`[^`]+`$/.test(cells[1])) continue;
    table.set(unitName(cells[1]), new Set(cells[3].match(/`[^`]+`/g)?.map(unitName) ?? []));
  }
  return table;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

interface Import {
  from: string;
  /** A file of src/ (relative to it), or a package name. */
  to: string;
  local: boolean;
}

/** Every import of every file in src/, relative paths resolved to files of src/. */
function imports(): Import[] {
  const found: Import[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const from = relative(SRC, file);
      if (spec.startsWith('.')) found.push({ from, to: relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'), local: true });
      else found.push({ from, to: spec, local: false });
    }
  }
  return found;
}

/** The unit a file of src/ belongs to: its top folder, or the file itself at the top. */
const unitOf = (file: string) => unitName(file.split('/')[0]);

describe('architecture (docs/architecture.md)', () => {
  const table = allowedDirections();
  const all = imports();

  it('the table places every folder of src/ and is itself free of circles', () => {
    const units = new Set(sourceFiles(SRC).map((f) => unitOf(relative(SRC, f))));
    expect([...units].filter((u) => !table.has(u)).sort()).toEqual([]);
    for (const [unit, allowed] of table)
      for (const target of allowed) expect(table.has(target), `${unit} may import ${target}, which the table does not list`).toBe(true);
    expect(cycles(new Map([...table].map(([unit, allowed]) => [unit, [...allowed]])))).toEqual([]);
  });

  it('no import climbs the layers', () => {
    const climbs = all
      .filter((i) => i.local && unitOf(i.from) !== unitOf(i.to) && !table.get(unitOf(i.from))?.has(unitOf(i.to)))
      .map((i) => `${i.from} -> ${i.to}`);
    expect(climbs).toEqual([]);
  });

  it('no file takes part in an import circle', () => {
    const graph = new Map<string, string[]>();
    for (const i of all.filter((i) => i.local)) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const found = cycles(graph);
    expect(found).toEqual([]);
  });

  it('only github/ and action/ import GitHub packages (@actions/*, @octokit/*)', () => {
    const outside = all.filter((i) => !i.local && /^@(actions|octokit)\//.test(i.to) && !['github', 'action'].includes(unitOf(i.from)));
    expect(outside.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });
});

/** Each circle of the graph once, as the nodes on it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}
