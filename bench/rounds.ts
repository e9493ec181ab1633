/**
 * Tools run as users run them, each its own process, in alternating rounds (forward, then
 * backward), so a machine that gets busier or quieter over the bench weighs on all of them alike.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Runs every tool (`node <args>`) once per round, then `measure()` (what the target counted); the values by tool. */
export async function alternateRounds(
  tools: Record<string, string[]>,
  rounds: number,
  measure: () => Promise<number>,
  env: Record<string, string> = {},
): Promise<Record<string, number[]>> {
  const results: Record<string, number[]> = Object.fromEntries(Object.keys(tools).map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(tools) : Object.keys(tools).reverse();
    for (const tool of order) {
      const child = spawn(process.execPath, tools[tool], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', ...env } });
      const [code] = (await once(child, 'exit')) as [number];
      if (code !== 0) throw new Error(`${tool} exited with ${code}`);
      results[tool].push(await measure());
    }
  }
  return results;
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `47.8 (36.9–53.5)`: the median and the range. */
export const medianRange = (values: number[], digits = 1) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
