/**
 * The matrix's cells, in a fixed order (dependencies as the config lists them: proxies, HTTP
 * proxies, mocks; fault classes as `faults` lists them), each with the fault that class means for
 * that kind of dependency, and the phases sized so the whole fits the budget.
 *
 *                 latency        down                  reset              slow_body         errors
 *   TCP proxy     +500 ms        reset every conn.     cut after 2 KB     10 KB/s down     —
 *   HTTP proxy    +500 ms        reset every request   reset 30%          10 KB/s          30% 503
 *   mock          +500 ms        reset every request   reset 30%          body in 20 drips  30% 503
 */
import { WINDOW_MS } from '../chaos/recovery.js';
import { experimentSchema, type ExperimentConfig } from '../chaos/schema.js';
import type { MatrixConfig, FaultClass } from './schema.js';

export type DependencyKind = 'proxy' | 'http_proxy' | 'mock';

export interface Dependency {
  name: string;
  kind: DependencyKind;
}

export interface Cell {
  /** Its place in the fixed order, from 0: shards deal cells by it. */
  index: number;
  dependency: Dependency;
  fault: FaultClass;
  /** The experiment that runs it; absent when it is skipped before running. */
  experiment?: ExperimentConfig;
  /** Why it does not run. */
  skip?: string;
}

/** The fault a class means for one dependency; undefined when it does not apply. */
export function faultFor(dependency: Dependency, fault: FaultClass, seed: number): Record<string, unknown> | undefined {
  const { name, kind } = dependency;
  if (kind === 'proxy') {
    switch (fault) {
      case 'latency':
        return { proxy: name, type: 'latency', attributes: { latency: 500 } };
      case 'down':
        return { proxy: name, type: 'reset_peer', attributes: { timeout: 0 } };
      case 'reset':
        // Every connection cut once 2 KB have come back, so a pool's few connections are all hit
        // again and again (30% of connections, Toxiproxy's toxicity, can mean none of a pool of two).
        return { proxy: name, type: 'limit_data', stream: 'downstream', attributes: { bytes: 2000 } };
      case 'slow_body':
        return { proxy: name, type: 'bandwidth', stream: 'downstream', attributes: { rate: 10 } };
      case 'errors':
        return undefined; // a TCP proxy has no HTTP answers to fail
    }
  }
  const target = kind === 'mock' ? { mock: name } : { http_proxy: name };
  switch (fault) {
    case 'latency':
      return { ...target, delay: '500ms' };
    case 'down':
      return kind === 'mock' ? { ...target, fault: 'reset' } : { ...target, abort: 'reset' };
    case 'reset':
      return kind === 'mock' ? { ...target, fault: 'reset', probability: 0.3, seed } : { ...target, abort: 'reset', probability: 0.3, seed };
    case 'slow_body':
      return kind === 'mock' ? { ...target, dribble: { chunks: 20, duration: '2s' } } : { ...target, throttle: 10 * 1024 };
    case 'errors':
      return kind === 'mock' ? { ...target, status: 503, probability: 0.3, seed } : { ...target, status: 503, probability: 0.3, seed };
  }
}

/** Shortest phases a cell is sized down to before cells are skipped for the budget. */
const MIN_PHASE_MS = 1000;

export interface Plan {
  cells: Cell[];
  steady: number;
  hold: number;
  /** The most one cell can take: steady + hold + its recovery watch (recover_within and one window to confirm it). */
  cellMs: number;
}

/**
 * Cells for the dependencies named, phases shortened (to 1 s at least) so every applicable cell
 * fits the budget, and those that still do not fit skipped, from the end.
 */
export function planCells(matrix: MatrixConfig, dependencies: Dependency[]): Plan {
  const cells: Cell[] = [];
  for (const dependency of dependencies) {
    for (const fault of matrix.faults) {
      const index = cells.length;
      const raw = faultFor(dependency, fault, index + 1);
      cells.push(raw ? { index, dependency, fault } : { index, dependency, fault, skip: `${fault} does not apply to a TCP proxy` });
      if (raw) cells[index].experiment = experiment(matrix, dependency, fault, raw);
    }
  }
  const runnable = cells.filter((c) => !c.skip).length;
  let { steady, hold } = matrix;
  const watch = recoveryWatch(matrix);
  const perCell = runnable === 0 ? Infinity : matrix.budget / runnable;
  if (steady + hold + watch > perCell) {
    // Shrink steady and hold in proportion, as far as their floors.
    const room = Math.max(2 * MIN_PHASE_MS, perCell - watch);
    const scale = room / (steady + hold);
    steady = Math.max(MIN_PHASE_MS, Math.floor(steady * scale));
    // The hold gets the rest, so a steady held at its floor does not push the cell past its share.
    hold = Math.max(MIN_PHASE_MS, Math.floor(room - steady));
  }
  const cellMs = steady + hold + watch;
  let left = matrix.budget;
  for (const cell of cells) {
    if (cell.skip) continue;
    if (left < cellMs) {
      cell.skip = `the budget (${Math.round(matrix.budget / 1000)} s) left no room for it`;
      delete cell.experiment;
      continue;
    }
    left -= cellMs;
    cell.experiment = { ...cell.experiment!, steady, hold };
  }
  return { cells, steady, hold, cellMs };
}

function experiment(matrix: MatrixConfig, dependency: Dependency, fault: FaultClass, raw: Record<string, unknown>): ExperimentConfig {
  // Parsed as any experiment is, so a fault here is exactly what the same YAML would inject.
  const parsed = experimentSchema.parse({
    name: cellName(dependency.name, fault),
    load: { url: 'http://127.0.0.1:1/', rate: '1/s' }, // replaced below: the matrix's own load
    fault: raw,
    steady: `${matrix.steady}ms`,
    hold: `${matrix.hold}ms`,
    recover_within: `${matrix.recover_within}ms`,
    recovery: `${recoveryWatch(matrix)}ms`,
  });
  return { ...parsed, load: matrix.load };
}

/**
 * How long a cell watches for recovery after its revert: recover_within, and one window more, for
 * the success rate to be seen back (a recovery at the last moment is only known a window later).
 */
function recoveryWatch(matrix: MatrixConfig): number {
  return matrix.recover_within + WINDOW_MS;
}

/** `redis × down`: how a cell is named in logs, reports and its experiment's scope. */
export function cellName(dependency: string, fault: FaultClass): string {
  return `${dependency} × ${fault}`;
}

/** The dependencies a matrix explores, in the config's order (proxies, HTTP proxies, mocks); `unknown` lists names that are none of them. */
export function matrixDependencies(
  wanted: 'all' | string[],
  declared: { proxies: { name: string }[]; http_proxies: { name: string }[]; mocks: { name: string }[] },
): { dependencies: Dependency[]; unknown: string[] } {
  const all: Dependency[] = [
    ...declared.proxies.map((p) => ({ name: p.name, kind: 'proxy' as const })),
    ...declared.http_proxies.map((p) => ({ name: p.name, kind: 'http_proxy' as const })),
    ...declared.mocks.map((m) => ({ name: m.name, kind: 'mock' as const })),
  ];
  if (wanted === 'all') return { dependencies: all, unknown: [] };
  return { dependencies: all.filter((d) => wanted.includes(d.name)), unknown: wanted.filter((n) => !all.some((d) => d.name === n)) };
}
