/** metrics.json read back: a report round-trips; anything else is refused with the file and the reason. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunReport, RunReportError } from '../../src/results/read.js';
import { failingRun, hugeRun, passingRun } from '../report/fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chaos-gate-results-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('readRunReport', () => {
  it('reads back what a run wrote', async () => {
    for (const [i, report] of [passingRun(), failingRun(), hugeRun()].entries()) {
      expect(await readRunReport(await file(`ok-${i}.json`, report))).toEqual(report);
    }
  });

  it('names the file and the reason when it cannot be read', async () => {
    await expect(readRunReport(join(dir, 'missing.json'))).rejects.toThrow(new RunReportError(`cannot read ${join(dir, 'missing.json')}: no such file`));
    await expect(readRunReport(await file('text.json', 'not json'), 'the baseline')).rejects.toThrow(/^the baseline is not JSON: /);
  });

  it('refuses another version instead of misreading it', async () => {
    await expect(readRunReport(await file('v2.json', { version: 2 }), 'metrics.json')).rejects.toThrow(
      new RunReportError('metrics.json: expected version 1, found 2'),
    );
    await expect(readRunReport(await file('array.json', []), 'metrics.json')).rejects.toThrow(new RunReportError('metrics.json: expected a JSON object'));
  });

  it('names the first key that is not as chaos-gate writes it', async () => {
    const report = failingRun() as unknown as { stages: { unit: { status: string } }; thresholds: unknown };
    report.stages.unit.status = 'exploded';
    await expect(readRunReport(await file('bad-status.json', report), 'metrics.json')).rejects.toThrow(/^metrics\.json: stages\.unit\.status: /);
    const noThresholds = { ...passingRun(), thresholds: undefined };
    await expect(readRunReport(await file('no-thresholds.json', noThresholds), 'metrics.json')).rejects.toThrow(/^metrics\.json: thresholds: /);
  });
});
