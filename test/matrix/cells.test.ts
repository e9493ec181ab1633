/**
 * The matrix's plan, without running it: which fault each class means for each kind of
 * dependency (parsed as any experiment's fault is), the fixed order, phases shortened to fit the
 * budget and cells past it skipped, and the changes against a baseline matrix.
 */
import { describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config.js';
import { planCells, type Dependency } from '../../src/matrix/cells.js';
import { matrixSchema } from '../../src/matrix/schema.js';
import { changes } from '../../src/results/matrix.js';
import type { MatrixCell, MatrixReport } from '../../src/results/types.js';

const deps: Dependency[] = [
  { name: 'postgres', kind: 'proxy' },
  { name: 'billing', kind: 'http_proxy' },
  { name: 'llm', kind: 'mock' },
];
const matrix = (extra: Record<string, unknown> = {}) => matrixSchema.parse({ load: { url: 'http://127.0.0.1:8080/', rate: '10/s' }, ...extra });

describe('planCells', () => {
  it('gives each kind of dependency the fault its class means, in a fixed order', () => {
    const plan = planCells(matrix(), deps);
    expect(plan.cells.map((c) => `${c.dependency.name} × ${c.fault}`)).toEqual(
      ['postgres', 'billing', 'llm'].flatMap((d) => ['latency', 'down', 'reset', 'slow_body', 'errors'].map((f) => `${d} × ${f}`)),
    );
    const fault = (d: string, f: string) => plan.cells.find((c) => c.dependency.name === d && c.fault === f)!;
    expect(fault('postgres', 'latency').experiment!.fault![0]).toMatchObject({
      kind: 'proxy',
      proxy: 'postgres',
      toxic: { type: 'latency', attributes: { latency: 500 } },
    });
    expect(fault('postgres', 'down').experiment!.fault![0]).toMatchObject({ kind: 'proxy', toxic: { type: 'reset_peer', toxicity: 1 } });
    expect(fault('postgres', 'slow_body').experiment!.fault![0]).toMatchObject({ kind: 'proxy', toxic: { type: 'bandwidth', attributes: { rate: 10 } } });
    expect(fault('postgres', 'errors')).toMatchObject({ skip: 'errors does not apply to a TCP proxy' });
    expect(fault('billing', 'errors').experiment!.fault![0]).toMatchObject({
      kind: 'http_proxy',
      httpProxy: 'billing',
      fault: { status: 503, probability: 0.3 },
    });
    expect(fault('billing', 'reset').experiment!.fault![0]).toMatchObject({ kind: 'http_proxy', fault: { abort: 'reset', probability: 0.3 } });
    expect(fault('llm', 'down').experiment!.fault![0]).toMatchObject({ kind: 'mock', mock: 'llm', fault: { fault: 'reset' } });
    expect(fault('llm', 'latency').experiment!.fault![0]).toMatchObject({ kind: 'mock', fault: { delay: expect.anything() } });
  });

  it('shortens steady and hold to fit the budget, then skips the cells past it, named', () => {
    // A cell takes at most steady + hold + recover_within + 1 s (the window that confirms a recovery):
    // 14 runnable cells at 2 + 5 + 5 + 1 s = 182 s; the default 3 minutes shorten them a little.
    expect(planCells(matrix({ budget: '200s' }), deps)).toMatchObject({ steady: 2000, hold: 5000, cellMs: 13_000 });
    // 60 s for 14 cells: 4.3 s each, less than the 6 s recovery watch; steady and hold go to their 1 s floors.
    const tight = planCells(matrix({ budget: '60s' }), deps);
    expect([tight.steady, tight.hold, tight.cellMs]).toEqual([1000, 1000, 8000]);
    // 60 / 8 = 7 cells fit; the 7 after them are skipped, and none runs past the budget.
    expect(tight.cells.filter((c) => !c.skip)).toHaveLength(7);
    const skipped = tight.cells.filter((c) => c.skip?.startsWith('the budget'));
    expect(skipped.map((c) => c.index)).toEqual([8, 9, 10, 11, 12, 13, 14]);
    expect(skipped[0].skip).toBe('the budget (60 s) left no room for it');
    // Shortened in proportion when there is room: 140 s for 14 cells, 10 s each.
    const shorter = planCells(matrix({ budget: '140s' }), deps);
    expect(shorter.cells.filter((c) => !c.skip)).toHaveLength(14);
    expect(shorter.cellMs * 14).toBeLessThanOrEqual(140_000);
    expect(shorter.steady).toBeLessThan(shorter.hold);
  });
});

describe('changes against a baseline', () => {
  const cell = (dependency: string, fault: string, outcome: MatrixCell['outcome']): MatrixCell => ({
    index: 0,
    dependency,
    kind: 'proxy',
    fault,
    outcome,
    success_rate: null,
    p95_ms: null,
    recovery_time_ms: null,
  });
  const report = (cells: MatrixCell[]): MatrixReport => ({ dependencies: [], faults: [], cells, budget_ms: 0, elapsed_ms: 0 });

  it('names exactly the cells whose outcome moved, worse or better, and ignores skipped ones', () => {
    const before = report([cell('redis', 'down', 'survived'), cell('pg', 'down', 'degraded'), cell('pg', 'reset', 'failed'), cell('pg', 'latency', 'skipped')]);
    const after = [cell('redis', 'down', 'failed'), cell('pg', 'down', 'degraded'), cell('pg', 'reset', 'survived'), cell('pg', 'latency', 'failed')];
    expect(changes(after, before)).toEqual([
      { dependency: 'redis', fault: 'down', from: 'survived', to: 'failed', worse: true },
      { dependency: 'pg', fault: 'reset', from: 'failed', to: 'survived', worse: false },
    ]);
  });
});

describe('config', () => {
  const problems = configProblems;
  const config = (matrix: string, thresholds = '') => `version: 1
proxies: [{ name: redis, listen: "127.0.0.1:0", upstream: "127.0.0.1:6379" }]
stages:
  chaos:
    matrix: { load: { url: "http://127.0.0.1:1/", rate: 1/s }, ${matrix} }
thresholds: {${thresholds}}
`;

  it('names a dependency that is not declared, and matrix addresses that can match nothing', () => {
    expect(problems(config('dependencies: [reds]'))).toEqual([
      'chaos-gate.yml:5:79: stages.chaos.matrix.dependencies[0]: no proxy, http_proxy or mock named "reds" (declared: redis) (did you mean "redis"?)',
    ]);
    expect(problems(config('faults: [down]', '"matrix.failed": count==0, "matrix.redis.down.outcome": value<2'))).toEqual([]);
    expect(problems(config('faults: [down]', '"matrix.redis.latency.outcome": value<2'))[0]).toMatch(
      /thresholds\.matrix\.redis\.latency\.outcome: the matrix tries no fault class "latency" \(faults: down\)$/,
    );
    expect(problems(config('faults: [down]', '"matrix.broken": count==0'))[0]).toMatch(
      /the matrix counts cells as survived, degraded, failed, skipped, regressions/,
    );
  });
});
