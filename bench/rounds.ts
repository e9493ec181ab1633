/**
 * Tools run as users run them, each its own process, in alternating rounds (forward, then
 * backward), so a machine that gets busier or quieter over the bench weighs on all of them alike.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

/** GNU time, when installed: each tool's user + system CPU seconds, as well as what the target counted. */
const TIME = '/usr/bin/time';

/** Runs every tool (`node <args>`) once per round, then `measure()` (what the target counted); the values by tool. */
export async function alternateRounds(
  tools: Record<string, string[]>,
  rounds: number,
  measure: () => Promise<number>,
  env: Record<string, string> = {},
  /** Each run's CPU seconds (user + system) by tool, when GNU time is installed. */
  cpu: Record<string, number[]> = {},
): Promise<Record<string, number[]>> {
  const results: Record<string, number[]> = Object.fromEntries(Object.keys(tools).map((t) => [t, []]));
  const timed = existsSync(TIME);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(tools) : Object.keys(tools).reverse();
    for (const tool of order) {
      const [command, args] = timed ? [TIME, ['-f', '%U %S', process.execPath, ...tools[tool]]] : [process.execPath, tools[tool]];
      const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      if (code !== 0) throw new Error(`${tool} exited with ${code}: ${stderr.slice(-400)}`);
      if (timed) {
        const [user, system] = stderr.trim().split('\n').pop()!.split(' ').map(Number);
        (cpu[tool] ??= []).push(user + system);
      }
      results[tool].push(await measure());
    }
  }
  return results;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `47.8 (36.9–53.5)`: the median and the range. */
export const medianRange = (values: number[], digits = 1) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
