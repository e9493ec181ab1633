/** A recording written as a mock file: the `mocks:` entry as YAML, binary bodies in a folder beside it. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { RecordedMock } from './recording.js';

/** `mocks/billing.yml` → `billing.bodies`: where its binary bodies go, relative to the mock's file (as body_file reads it). */
export function bodiesDir(out: string): string {
  return `${out.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '')}.bodies`;
}

export async function writeRecordedMock(recorded: RecordedMock, out: string, from: string): Promise<void> {
  await mkdir(dirname(out), { recursive: true });
  for (const [file, bytes] of recorded.files) {
    const path = join(dirname(out), file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  }
  const header = [
    `# Recorded by chaos-gate from ${from}: ${recorded.exchanges} exchanges, ${recorded.mock.routes.length} routes.`,
    `# Load it as a mock: mocks: [{ file: <this file, relative to chaos-gate.yml> }]; name and listen may be given beside file.`,
    ...recorded.skipped.map((why) => `# not recorded: ${why}`),
  ];
  await writeFile(out, `${header.join('\n')}\n${stringify(recorded.mock, { lineWidth: 0, aliasDuplicateObjects: false })}`);
}
