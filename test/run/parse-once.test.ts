/**
 * The config file is read and parsed once, by a face (the CLI or the action); each threshold is
 * parsed once, by the config schema. Everything below takes the parsed structures.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseConfig, type LoadedConfig } from '../../src/config/load.js';
import type { Expression } from '../../src/gate/expression.js';
import type { ThresholdConfig } from '../../src/gate/schema.js';
import type { Log } from '../../src/log.js';
import type { MergeOptions } from '../../src/run/merge.js';
import { run, type RunOptions } from '../../src/run/run.js';

const SRC = resolve(import.meta.dirname, '../../src');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

/** The files of src/ that call `fn(`, besides the one that defines it. */
async function callers(fn: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sourceFiles(SRC)) {
    const text = await readFile(file, 'utf8');
    const calls = text.split(new RegExp(String.raw`\b${fn}\(`)).length - 1;
    const defines = new RegExp(String.raw`function ${fn}\(`).test(text) ? 1 : 0;
    if (calls > defines) found.push(relative(SRC, file));
  }
  return found.sort();
}

const quiet: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  output: () => undefined,
  section: (_title, fn) => fn(),
  progress: () => undefined,
};

describe('parse once', () => {
  it('only the faces load the config file; only the config schema parses a threshold', async () => {
    // cli/init.ts is the CLI too: it loads the starter it wrote, to check it; cli/record.ts is `chaos-gate record`.
    expect(await callers('loadConfig')).toEqual(['action/main.ts', 'cli/init.ts', 'cli/main.ts', 'cli/record.ts']);
    expect(await callers('parseConfig')).toEqual(['config/load.ts']); // loadConfig's own call
    expect(await callers('parseExpression')).toEqual(['gate/schema.ts']);
  });

  it('run() and merge() take the loaded config; a loaded threshold is its parsed expression', () => {
    expectTypeOf<RunOptions['config']>().toEqualTypeOf<LoadedConfig>();
    expectTypeOf<MergeOptions['config']>().toEqualTypeOf<LoadedConfig>();
    expectTypeOf<ThresholdConfig['threshold']>().toEqualTypeOf<Expression>();
  });

  it('a real run needs no config file and judges the thresholds from their parsed structure', async () => {
    const project = await mkdtemp(join(tmpdir(), 'chaos-gate-once-'));
    // The file named here does not exist: run() must not look for it.
    const file = join(project, 'never-written', 'chaos-gate.yml');
    const loaded = parseConfig(
      [
        'version: 1',
        'control: { listen: 127.0.0.1:0 }',
        'stages:',
        `  unit: { run: "echo '{\\"name\\":\\"orders_lost\\",\\"type\\":\\"counter\\",\\"value\\":2}' >> $CHAOS_GATE_METRICS" }`,
        'thresholds:',
        '  orders_lost: ["count<5", { threshold: "count==0" }]',
        '',
      ].join('\n'),
      file,
    );
    // Give each parsed threshold a source that no longer parses: a second parse would throw or fail it.
    for (const t of loaded.config.thresholds.orders_lost) t.threshold = { ...t.threshold, text: `${t.threshold.text} (parsed at load)` };

    const outcome = await run({ config: loaded, cwd: project, reportDir: 'out' }, quiet);

    expect(existsSync(file)).toBe(false);
    expect(outcome.report?.thresholds).toEqual([
      { metric: 'orders_lost', expression: 'count<5 (parsed at load)', actual: 2, limit: 5, ok: true, outcome: 'held' },
      { metric: 'orders_lost', expression: 'count==0 (parsed at load)', actual: 2, limit: 0, ok: false, outcome: 'broken' },
    ]);
    expect(outcome.exitCode).toBe(1);
  });
});
