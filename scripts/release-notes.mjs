// `node scripts/release-notes.mjs 1.2.3`: prints CHANGELOG.md's section for that version (the
// GitHub release's notes). Exits 1 when there is none, so a tag without notes releases nothing.
import { readFileSync } from 'node:fs';

export function releaseNotes(changelog, version) {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) return undefined;
  const length = lines.slice(start + 1).findIndex((line) => /^## \[/.test(line) || /^\[[^\]]+\]:\s/.test(line));
  const body = lines
    .slice(start + 1, length < 0 ? undefined : start + 1 + length)
    .join('\n')
    .trim();
  return body === '' ? undefined : body;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const version = (process.argv[2] ?? '').replace(/^v/, '');
  const notes = releaseNotes(readFileSync('CHANGELOG.md', 'utf8'), version);
  if (notes === undefined) {
    console.error(`CHANGELOG.md has no section "## [${version}]" with notes; add one (see docs/releasing.md)`);
    process.exit(1);
  }
  console.log(notes);
}
