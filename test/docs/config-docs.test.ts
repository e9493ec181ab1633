/**
 * docs/config.md is generated from the zod schemas of chaos-gate.yml; this fails when the page
 * differs from a fresh generation (a key added, renamed or re-typed without regenerating), or
 * when a key has no sentence in test/docs/config-descriptions.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/project.js';
import { REGENERATE, renderConfigDocs } from './config-docs.js';

const PAGE = join(ROOT, 'docs/config.md');

describe('docs/config.md', () => {
  const docs = renderConfigDocs();

  it('describes every key of the schemas, and no key they lack', () => {
    expect(docs.missing, 'keys without a sentence in test/docs/config-descriptions.ts').toEqual([]);
    expect(docs.unused, 'sentences in test/docs/config-descriptions.ts for keys the schemas do not have').toEqual([]);
  });

  it('is the page generated from the schemas', async () => {
    if (process.env.UPDATE_DOCS === '1') await writeFile(PAGE, docs.markdown);
    const committed = await readFile(PAGE, 'utf8').catch(() => '');
    expect(committed === docs.markdown, `docs/config.md is out of date with the schemas; regenerate it with:\n  ${REGENERATE}`).toBe(true);
  });
});
