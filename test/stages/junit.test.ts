import { mkdtemp, copyFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUNIT_LIMITS, readJunit } from '../../src/stages/junit.js';

const fixtures = join(import.meta.dirname, '../fixtures/junit');

describe('readJunit', () => {
  it.each([
    ['pytest.xml', { total: 5, passed: 2, failed: 1, errors: 1, skipped: 1 }],
    ['vitest.xml', { total: 3, passed: 2, failed: 1, errors: 0, skipped: 0 }],
    ['jest-junit.xml', { total: 4, passed: 3, failed: 0, errors: 0, skipped: 1 }],
    ['go-junit-report.xml', { total: 3, passed: 2, failed: 1, errors: 0, skipped: 0 }],
    ['surefire.xml', { total: 4, passed: 2, failed: 0, errors: 1, skipped: 1 }],
  ])('counts %s', async (file, counts) => {
    const result = await readJunit([file], fixtures);
    expect(result.counts).toEqual(counts);
    expect(result.files).toHaveLength(1);
  });

  it('names failed cases with their first message line', async () => {
    const result = await readJunit(['pytest.xml', 'surefire.xml'], fixtures);
    expect(result.failures).toEqual([
      { suite: 'tests.test_orders', name: 'test_retry_backoff', message: 'AssertionError: assert 3 == 2' },
      { suite: 'tests.test_orders', name: 'test_db_fixture', message: 'failed on setup with "psycopg.OperationalError: connection refused"' },
      { suite: 'com.example.shop.OrderServiceTest$Nested', name: 'rollsBack', message: 'Connection reset' },
    ]);
    expect(result.counts.total).toBe(9);
  });

  it('ignores files written before the stage started', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    await copyFile(join(fixtures, 'vitest.xml'), join(dir, 'old.xml'));
    await utimes(join(dir, 'old.xml'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const result = await readJunit(['*.xml'], dir, Date.now());
    expect(result.counts.total).toBe(0);
    expect(result.ignored).toEqual([{ file: join(dir, 'old.xml'), why: 'written before this stage started' }]);
  });

  // The same path as a 200 MB file under `npm run stress`, at a size the suite affords.
  it('streams a large file with exact counts, keeping only bounded text and saying what it left out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    const body = 'x'.repeat(10_000);
    const cases: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const name = i % 2 === 0 ? `case ${i}` : `case ${i} ${'n'.repeat(1000)}`;
      if (i % 3 === 0)
        cases.push(
          `<testcase classname="big" name="${name}"><failure type="Boom">first line ${i}\n${body}</failure><system-out>${body}</system-out></testcase>`,
        );
      else if (i % 3 === 1) cases.push(`<testcase classname="big" name="${name}"><error message="${'m'.repeat(2000)}"/></testcase>`);
      else cases.push(`<testcase classname="big" name="${name}"><system-out><![CDATA[${body}]]></system-out></testcase>`);
    }
    await writeFile(join(dir, 'big.xml'), `<?xml version="1.0"?><testsuites><testsuite name="big">${cases.join('\n')}</testsuite></testsuites>`);
    const limits = { ...JUNIT_LIMITS, keptBytes: 200 * 1024 };
    const result = await readJunit(['big.xml'], dir, 0, limits);
    expect(result.counts).toEqual({ total: 3000, passed: 1000, failed: 1000, errors: 1000, skipped: 0 });
    // Kept cases stay within the budget; the rest are counted, not listed.
    const kept = result.cases.reduce((n, c) => n + 120 + c.suite.length + c.name.length + (c.message?.length ?? 0), 0);
    expect(kept).toBeLessThanOrEqual(limits.keptBytes);
    expect(result.cases.length).toBeGreaterThan(100);
    expect(result.dropped.cases).toBe(3000 - result.cases.length);
    for (const c of result.cases) {
      expect(c.name.length).toBeLessThanOrEqual(limits.textBytes + 1);
      expect(c.message?.length ?? 0).toBeLessThanOrEqual(limits.textBytes + 1);
    }
    // A failure with no message attribute: its body's first line, not its 10 KB.
    expect(result.failures[0]).toEqual({ suite: 'big', name: 'case 0', message: 'first line 0' });
    expect(result.cases[1]!.message).toBe(`${'m'.repeat(500)}…`);
    expect(result.dropped.note).toBe(
      `${result.dropped.cases} of 3000 test cases not listed in junit.xml (report.junit_limit keeps 200 KB of cases; the counts are exact); ` +
        `${result.dropped.cut_texts} names or failure messages cut at 500 characters`,
    );
  });

  it.each([
    [
      'an external entity',
      '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite name="s"><testcase name="&xxe;"/></testsuite>',
    ],
    [
      'an entity bomb',
      `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${'b'.repeat(i + 1)} "${`&${i === 0 ? 'a' : 'b'.repeat(i)};`.repeat(10)}">`).join('')}]><testsuite name="s"><testcase name="&bbbbbbbbb;"/></testsuite>`,
    ],
  ])('never expands %s: the file is unreadable, naming the entity and its line', async (_what, xml) => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    await writeFile(join(dir, 'evil.xml'), xml);
    const result = await readJunit(['evil.xml'], dir);
    expect(result.counts.total).toBe(0);
    expect(result.unreadable).toHaveLength(1);
    expect(result.unreadable[0]!.why).toMatch(/^line 1, column \d+: undefined entity/);
  });

  it('reads nothing from a file cut short, and names where it ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'junit-'));
    await writeFile(join(dir, 'cut.xml'), '<testsuite name="s">\n<testcase name="a"/>\n<testcase name="b"><failure message="boom"/></testcase>\n');
    const result = await readJunit(['cut.xml'], dir);
    expect(result.counts.total).toBe(0);
    expect(result.unreadable).toEqual([{ file: join(dir, 'cut.xml'), why: 'line 4: unclosed tag: testsuite' }]);
  });
});
