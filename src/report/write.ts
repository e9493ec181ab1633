/** Writes a run's report files into the report dir. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JunitCase } from '../stages/junit.js';
import { renderJunit } from './junit-xml.js';
import type { RunReport, StageName } from './types.js';

export async function writeReports(dir: string, report: RunReport, cases: Partial<Record<StageName, JunitCase[]>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'junit.xml'), renderJunit(report, cases));
}
