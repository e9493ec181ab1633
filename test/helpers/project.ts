/**
 * A throwaway project on disk for end-to-end runs: a chaos-gate.yml plus any files, and the
 * CLI or the action run against it as real processes, exactly as a user or GitHub runs them.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function makeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chaos-gate-e2e-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

/** Runs a bundled entry (dist/cli.js, dist/index.js) with Node 24 in `cwd`. */
export function runNode(entry: string, args: string[], options: { cwd: string; env?: Record<string, string>; timeout?: number }): Promise<Ran> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [join(ROOT, entry), ...args],
      { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: options.timeout ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? null) : 0;
        resolvePromise({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

export const cli = (args: string[], cwd: string, env?: Record<string, string>) => runNode('dist/cli.js', args, { cwd, env });

/**
 * `chaos-gate <args>` from the repository root, as the README's examples run: the stages' and
 * services' `node` is this Node 24 (first on PATH).
 */
export const exampleCli = (args: string[], env: Record<string, string> = {}) =>
  runNode('dist/cli.js', args, { cwd: ROOT, env: { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, ...env }, timeout: 110_000 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deferred: ~45 callers read metrics.json untyped; typing them as RunReport is follow-up work
export async function readJson<T = any>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

interface JudgedThreshold {
  metric: string;
  expression: string;
  ok: boolean;
}

/**
 * An example's verdict as any machine gives it: every threshold on resilience held. Those on
 * speed (a duration percentile, a `*_ms` figure) gate the example as a user's CI would, so a
 * machine busy enough breaks them, and then the verdict line and the exit code must say so.
 */
export function expectExampleVerdict(ran: Ran, report: { thresholds: JudgedThreshold[] }, stages: string, thresholds: number): void {
  const onSpeed = (t: JudgedThreshold) => /duration|_ms$/.test(t.metric);
  expect(report.thresholds).toHaveLength(thresholds);
  expect(report.thresholds.filter((t) => !t.ok && !onSpeed(t))).toEqual([]);
  const held = report.thresholds.filter((t) => t.ok).length;
  const pass = held === thresholds;
  expect(ran.stderr).toContain(`${pass ? 'PASS' : 'FAIL'}  ${stages} stages passed, ${held}/${thresholds} thresholds held`);
  expect(ran.code).toBe(pass ? 0 : 1);
}
