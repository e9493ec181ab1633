/**
 * dist/licenses.txt carries the licence of every package bundled into dist/. Which packages are
 * bundled is read here from the source maps (the files each bundle was made of), not from the
 * build's own list, so a package the collector missed fails this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/project.js';

const DIST = join(ROOT, 'dist');
const licences = readFileSync(join(DIST, 'licenses.txt'), 'utf8');
/** `name@version (licence)` heading → the text under it. */
const entries = new Map(
  licences
    .split(/^-{72}\n/m)
    .slice(1)
    .map((block) => {
      const [heading, ...text] = block.split('\n');
      return [heading.replace(/ \(.*\)$/, ''), text.join('\n').trim()] as const;
    }),
);

/** Package folders (relative to the repo) whose files appear in a dist/ source map. */
function bundledPackages(): string[] {
  const dirs = new Set<string>();
  const maps = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'));
  for (const map of maps) {
    const { sources } = JSON.parse(readFileSync(join(DIST, map), 'utf8')) as { sources: string[] };
    for (const source of sources) {
      const file = relative(ROOT, resolve(dirname(join(DIST, map)), source.replace(/^[\w-]+:/, '')));
      const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
      if (dir) dirs.add(dir);
    }
  }
  return [...dirs].sort();
}

describe('dist/licenses.txt', () => {
  const packages = bundledPackages();

  it('finds the bundled packages in the source maps', () => {
    expect(packages.length).toBeGreaterThan(50);
    expect(packages).toContain('node_modules/zod');
    expect(packages).toContain('node_modules/@actions/core');
  });

  it('has an entry with its licence text for every bundled package', () => {
    const missing: string[] = [];
    for (const dir of packages) {
      const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { name: string; version: string };
      const text = entries.get(`${pkg.name}@${pkg.version}`);
      const files = readdirSync(join(ROOT, dir)).filter((name) => /^(licen[cs]e|copying)([-._].*)?$/i.test(name));
      // Where the package ships a licence file, its text is there word for word.
      const complete = text !== undefined && text.length > 0 && files.every((f) => text.includes(readFileSync(join(ROOT, dir, f), 'utf8').trim()));
      if (!complete) missing.push(`${pkg.name}@${pkg.version} (${dir})`);
    }
    expect(missing).toEqual([]);
  });

  it('names no package twice and none that is not bundled', () => {
    const names = [...licences.matchAll(/^-{72}\n(.+) \(/gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    expect(names.some((n) => n.startsWith('vitest@') || n.startsWith('typescript@'))).toBe(false);
  });
});
