import { mkdtemp, copyFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJunit } from '../../src/stages/junit.js';

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
});
