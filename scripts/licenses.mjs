// The notices of every package a bundle holds, written beside it: the published package has no
// node_modules, so the licences of what dist/ carries travel in dist/licenses.txt.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Bundled packages that state no licence anywhere (no file, no package.json field, no README
 * section), with what is known. Any other package without a licence fails the build.
 */
const NO_LICENCE_STATED = {
  buffers:
    'The package states no licence (no licence file, no "license" in package.json, none in its README). Author: James Halliday; it comes in through @actions/artifact (unzip-stream → binary).',
};

/** `node_modules/a/node_modules/@s/b/lib/x.js` (or `ns:` + that) → `node_modules/a/node_modules/@s/b`, the innermost package. */
export function packageDirOf(input) {
  return /^(?:[\w-]+:)?(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

/** The package folders whose code is in the bundles, from esbuild metafiles. */
export function bundledPackageDirs(metafiles) {
  const dirs = new Set();
  for (const metafile of metafiles) {
    for (const output of Object.values(metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const dir = packageDirOf(input);
        if (dir && bytesInOutput > 0) dirs.add(dir);
      }
    }
  }
  return [...dirs];
}

/** Writes `out`: each bundled package once (by name@version) with its licence and the text that grants it. */
export function collectLicenses(metafiles, out) {
  const missing = [];
  const seen = new Set();
  const entries = bundledPackageDirs(metafiles)
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name) || a.pkg.version.localeCompare(b.pkg.version))
    .filter(({ pkg }) => !seen.has(`${pkg.name}@${pkg.version}`) && seen.add(`${pkg.name}@${pkg.version}`))
    .map(({ dir, pkg }) => {
      const text = licenceText(dir, pkg);
      if (text === undefined) missing.push(`${pkg.name}@${pkg.version} (${dir})`);
      return `${'-'.repeat(72)}\n${pkg.name}@${pkg.version} (${licenceOf(pkg)})\n\n${text}\n`;
    });
  if (missing.length > 0)
    throw new Error(`no licence found for bundled package(s); add the text or an entry in scripts/licenses.mjs:\n  ${missing.join('\n  ')}`);
  const head = `chaos-gate bundles the following ${entries.length} packages into dist/. Their licences and notices follow.\n`;
  writeFileSync(out, `${head}\n${entries.join('\n')}`);
}

/** The package's licence and notice files; else its README's licence section; else, for MIT, the MIT text with its author's name. */
function licenceText(dir, pkg) {
  const files = readdirSync(dir)
    .filter((name) => /^(licen[cs]e|copying|notice)([-._].*)?$/i.test(name))
    .sort();
  if (files.length > 0) return files.map((file) => readFileSync(join(dir, file), 'utf8').trim()).join('\n\n');
  const section = readmeLicenceSection(dir);
  if (section && /permission is hereby granted/i.test(section)) return section;
  const stated = licenceOf(pkg);
  if (/^MIT\b/i.test(stated) || /^MIT$/im.test(section ?? '')) {
    const mit = readFileSync('LICENSE', 'utf8').replace(/^Copyright .*$/m, `Copyright (c) ${authorOf(pkg)}`);
    return `(The package ships no licence file; it states MIT${section ? ' in its README' : ' in its package.json'}. The MIT licence with its author's name:)\n\n${mit.trim()}`;
  }
  if (/^ISC$/i.test(stated)) {
    return `(The package ships no licence file; it states ISC in its package.json. The ISC licence with its author's name:)\n\n${ISC.replace('AUTHOR', authorOf(pkg))}`;
  }
  return NO_LICENCE_STATED[pkg.name];
}

const ISC = `ISC License

Copyright (c) AUTHOR

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.`;

function readmeLicenceSection(dir) {
  const readme = readdirSync(dir).find((name) => /^readme(\..*)?$/i.test(name));
  if (!readme) return undefined;
  const lines = readFileSync(join(dir, readme), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^(#+\s*)?licen[cs]e\s*$/i.test(line.trim()));
  if (start < 0) return undefined;
  const body = lines.slice(start + 1).filter((line) => !/^[=-]+\s*$/.test(line));
  const end = body.findIndex((line) => /^#+\s/.test(line));
  return body
    .slice(0, end < 0 ? undefined : end)
    .join('\n')
    .trim();
}

function licenceOf(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type).join(' OR ');
  return 'no licence stated';
}

function authorOf(pkg) {
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return author?.replace(/\s*[<(].*$/, '') ?? `the authors of ${pkg.name}`;
}
