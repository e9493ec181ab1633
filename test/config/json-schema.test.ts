import { Ajv2020 } from 'ajv/dist/2020.js';
import { globSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, SCHEMA_URL } from '../../src/config/json-schema.js';
import { loadConfig } from '../../src/config/load.js';

const committed = JSON.parse(readFileSync('schema/chaos-gate.schema.json', 'utf8'));
// Editors ignore formats they do not know; zod writes "starts_with" next to the pattern that checks it.
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, formats: { uri: true, starts_with: true } });
const validate = ajv.compile(committed);
const examples = globSync('examples/**/chaos-gate.yml');

describe('schema/chaos-gate.schema.json', () => {
  it('matches the zod schemas (run `npm run schema` after changing them)', () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples)('accepts %s, which the loader accepts too, and the file points editors at the schema', async (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${SCHEMA_URL}`);
    await expect(loadConfig(file)).resolves.toBeDefined();
    const valid = validate(parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('describes the input: durations as text, sizes as text or a number', () => {
    const config = { version: 1, services: [{ name: 'api', run: 'node x.js', stop_timeout: '2s' }], report: { log_limit: '20MB' } };
    expect(validate(config)).toBe(true);
    expect(validate({ ...config, services: [{ name: 'api', run: 'node x.js', stop_timeout: 2000 }] })).toBe(false);
    expect(validate({ ...config, report: { log_limit: 1024 } })).toBe(true);
  });

  it('rejects what the loader rejects: an unknown key, a missing version', () => {
    expect(validate({ version: 1, stagez: {} })).toBe(false);
    expect(validate({ stages: {} })).toBe(false);
  });
});
