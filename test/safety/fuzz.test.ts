/**
 * Property tests: every input to the config loader, the threshold parser and the metrics-line
 * reader gives a clear error or a valid result — never an uncaught exception, never a hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { parseExpression } from '../../src/gate/expression.js';
import { recordLines } from '../../src/gate/lines.js';
import { MetricSet } from '../../src/gate/metrics.js';

const SEED = 20261123;
const LOCATED = /^chaos-gate\.yml(:\d+:\d+)?: /;

/** Either a valid config or a ConfigError whose every line names the file (and line when known). */
function loadsOrExplains(text: string): void {
  try {
    parseConfig(text, 'chaos-gate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    for (const problem of (error as ConfigError).problems) expect(problem).toMatch(LOCATED);
  }
}

// Values shaped like real config: the keys users write, with values of every kind.
const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('30s', '250ms', '1m30s', '127.0.0.1:0', 'rate<0.05', 'p(99)<500', '${proxies.x.listen}'));
const keys = fc.constantFrom('version', 'stages', 'unit', 'load', 'chaos', 'run', 'junit', 'timeout', 'proxies', 'mocks', 'name', 'listen', 'upstream', 'toxics', 'type', 'attributes', 'thresholds', 'services', 'ready', 'routes', 'request', 'respond', 'status', 'experiments', 'fault', 'rate', 'duration', 'target', 'url', 'safety', 'control', 'report');
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(keys, tie('node'), { maxKeys: 4 })),
})).node;

describe('fuzzing', () => {
  it('the config loader explains every bad document with its location', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, value, { maxKeys: 6 }), (doc) => loadsOrExplains(stringify({ version: 1, ...doc }))),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('the config loader survives arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => loadsOrExplains(text)), { seed: SEED, numRuns: 400 });
  });

  it('the threshold parser returns an expression or a message', () => {
    const pieces = fc.constantFrom('p(', ')', '99', '.9', 'rate', 'count', 'avg', '<', '<=', '==', '=', '!', 'baseline', '*', '+', '-', '1.2', ' ', 'e5', 'med');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 8 }).map((p) => p.join(''))), (text) => {
        const result = parseExpression(text);
        if (typeof result !== 'string') {
          expect(['count', 'rate', 'value', 'avg', 'min', 'max', 'med', 'p']).toContain(result.aggregation);
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('the metrics-line reader records or names every line', () => {
    const line = fc.oneof(
      fc.string(),
      fc.record({ name: fc.oneof(fc.string(), fc.constantFrom('deadlocks', 'x')), type: fc.oneof(fc.string(), fc.constantFrom('counter', 'gauge', 'rate', 'trend')), value: fc.oneof(fc.double(), fc.boolean(), fc.string()) }).map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), (lines) => {
        const problems = recordLines(lines.join('\n'), new MetricSet(), 'm.jsonl');
        for (const p of problems) expect(p).toMatch(/^m\.jsonl:\d+: /);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
