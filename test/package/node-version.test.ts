/**
 * `chaos-gate` checks the Node version before it loads anything: on an older Node a user gets one
 * line and exit 3, not a TypeError from deep inside a dependency. Run as real processes, on this
 * repo's Node 24 and on an older Node found on the machine's PATH (outside node_modules).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/project.js';

const CLI = join(ROOT, 'dist/cli.js');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The first `node` on PATH outside node_modules whose major version is below 22 (e.g. the system's Node 20). */
function olderNode(): { path: string; version: string } | undefined {
  const found = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((p) => p && !p.includes('node_modules'));
  for (const path of found) {
    const v = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(v.split('.')[0]) < 22) return { path, version: v };
  }
  return undefined;
}
const older = olderNode();

describe('chaos-gate --version and the Node check (dist/cli.js as a process)', () => {
  it('prints the package version on Node 24', () => {
    const ran = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    expect(ran.status).toBe(0);
    expect(ran.stdout).toBe(`${version}\n`);
    expect(spawnSync(process.execPath, [CLI, '-V'], { encoding: 'utf8' }).stdout).toBe(`${version}\n`);
  });

  it.skipIf(older === undefined)(`says which Node it needs and exits 3 on an older one (${older?.path ?? 'none on PATH'} ${older?.version ?? ''})`, () => {
    for (const args of [['--version'], ['validate', '--config', 'chaos-gate.yml'], []]) {
      const ran = spawnSync(older!.path, [CLI, ...args], { encoding: 'utf8' });
      expect(ran.status).toBe(3);
      expect(ran.stderr).toBe(`chaos-gate needs Node.js 22 or newer (found ${older!.version}); the action runs on node24\n`);
      expect(ran.stdout).toBe('');
    }
  });
});
