/** `chaos-gate init`, run as a user runs it: the starter it writes from what the project holds, and `validate` on it. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, makeProject } from '../helpers/project.js';

const SCHEMA_LINE = '# yaml-language-server: $schema=https://raw.githubusercontent.com/chaos-gate/chaos-gate/v1/schema/chaos-gate.schema.json';

const workflow = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        ports: ["5432:5432"]
      redis:
        image: redis:7
        ports:
          - 6379:6379
    steps:
      - run: npm test
`;

describe('chaos-gate init', () => {
  it('in an empty folder writes a valid starter with the schema line and says what to run next', async () => {
    const dir = await makeProject({});
    const ran = await cli(['init'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stderr + ran.stdout).toContain('wrote chaos-gate.yml (nothing detected: edit the unit stage); it is valid');
    expect(ran.stderr + ran.stdout).toContain('next: npx chaos-gate run');
    const text = await readFile(join(dir, 'chaos-gate.yml'), 'utf8');
    expect(text.split('\n')[0]).toBe(SCHEMA_LINE);
    expect(text).toContain('run: "npm test"');
    expect((await cli(['validate'], dir)).code).toBe(0);
  });

  it('turns package.json scripts, a Dockerfile EXPOSE and workflow services into stages, a service and proxies', async () => {
    const dir = await makeProject({
      'package.json': JSON.stringify({ scripts: { test: 'vitest', 'test:e2e': 'vitest -c e2e', start: 'node server.js' } }),
      Dockerfile: 'FROM node:22\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
      '.github/workflows/ci.yml': workflow,
    });
    const ran = await cli(['init', '--config', 'gate.yml'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stderr + ran.stdout).toContain('next: npx chaos-gate run --config gate.yml');
    const text = await readFile(join(dir, 'gate.yml'), 'utf8');
    expect(text).toContain('  - name: postgres   # postgres:16\n    listen: 127.0.0.1:15432\n    upstream: 127.0.0.1:5432');
    expect(text).toContain('  - name: redis   # redis:7\n    listen: 127.0.0.1:16379\n    upstream: 127.0.0.1:6379');
    expect(text).toContain('ready: { tcp: 127.0.0.1:3000, timeout: 30s }');
    expect(text).toContain('  integration:\n    run: "npm run test:e2e"');
    expect(text).toContain('fault: { proxy: postgres, type: latency');
    // validate prints the plan: what init wrote is what the loader reads.
    const validated = await cli(['validate', '--config', 'gate.yml'], dir);
    expect(validated.code).toBe(0);
    expect(validated.stderr + validated.stdout).toContain('experiment slow postgres: steady 2s, latency on proxy postgres (downstream) for 5s');
  });

  it('refuses to replace an existing file without --force, and leaves it as it was', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': 'version: 1\n# mine\n' });
    const ran = await cli(['init'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('chaos-gate.yml already exists; use --force to replace it');
    expect(ran.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(join(dir, 'chaos-gate.yml'), 'utf8')).toBe('version: 1\n# mine\n');

    await writeFile(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node --test' } }));
    expect((await cli(['init', '--force'], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'chaos-gate.yml'), 'utf8')).toContain(SCHEMA_LINE);
  });
});
