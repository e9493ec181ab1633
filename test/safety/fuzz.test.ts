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
const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('30s', '250ms', '1m30s', '127.0.0.1:0', 'rate<0.05', 'p(99)<500', '${proxies.x.listen}'),
);
const keys = fc.constantFrom(
  'version',
  'stages',
  'unit',
  'load',
  'chaos',
  'run',
  'junit',
  'timeout',
  'proxies',
  'mocks',
  'name',
  'listen',
  'upstream',
  'toxics',
  'type',
  'attributes',
  'thresholds',
  'services',
  'ready',
  'routes',
  'request',
  'respond',
  'status',
  'experiments',
  'fault',
  'rate',
  'duration',
  'target',
  'url',
  'safety',
  'control',
  'report',
);
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
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => loadsOrExplains(text)),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('the config loader explains bad addresses, toxics and safety values where they are', () => {
    // Values that sit on the edges of the address, duration and toxic parsers.
    const address = fc.oneof(
      fc.constantFrom(
        '',
        ':',
        '::',
        ':1',
        'x:y',
        '127.0.0.1',
        '127.0.0.1:',
        '127.0.0.1:0',
        '127.0.0.1:65536',
        '[::1]:1',
        '[::1',
        'db:5432',
        '256.1.1.1:1',
        '%zz:1',
        ' :1',
      ),
      fc.string({ maxLength: 12 }),
      fc.integer(),
    );
    const duration = fc.oneof(fc.constantFrom('', '0', '0s', '-1s', '1e3ms', '10m', '1h', '999999999999999m', 'soon'), fc.integer(), fc.double());
    const toxic = fc.record(
      {
        name: fc.string({ maxLength: 4 }),
        type: fc.constantFrom('latency', 'slicer', 'bandwidth', 'nope'),
        stream: fc.constantFrom('upstream', 'downstream', 'x'),
        toxicity: fc.oneof(fc.double(), fc.string()),
        attributes: fc.dictionary(
          fc.constantFrom('latency', 'jitter', 'rate', 'average_size', 'size_variation', 'delay'),
          fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 3 })),
          { maxKeys: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    const proxy = fc.record(
      { name: fc.constantFrom('db', 'x', ''), listen: address, upstream: address, toxics: fc.array(toxic, { maxLength: 2 }), enabled: fc.boolean() },
      { requiredKeys: [] },
    );
    const doc = fc.record(
      {
        proxies: fc.array(proxy, { maxLength: 3 }),
        control: fc.record({ listen: address, token: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()) }, { requiredKeys: [] }),
        safety: fc.record(
          {
            max_duration: duration,
            fault_ttl: duration,
            forbid_env: fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxKeys: 2 }), fc.string()),
            allow_remote: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(doc, (d) => loadsOrExplains(stringify({ version: 1, ...d }))),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('the threshold parser returns an expression or a message', () => {
    const pieces = fc.constantFrom(
      'p(',
      ')',
      '99',
      '.9',
      'rate',
      'count',
      'avg',
      '<',
      '<=',
      '==',
      '=',
      '!',
      'baseline',
      '*',
      '+',
      '-',
      '1.2',
      ' ',
      'e5',
      'med',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 8 }).map((p) => p.join('')),
        ),
        (text) => {
          const result = parseExpression(text);
          if (typeof result !== 'string') {
            expect(['count', 'rate', 'value', 'avg', 'min', 'max', 'med', 'p']).toContain(result.aggregation);
          }
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('the metrics-line reader records or names every line', () => {
    const line = fc.oneof(
      fc.string(),
      fc
        .record({
          name: fc.oneof(fc.string(), fc.constantFrom('deadlocks', 'x')),
          type: fc.oneof(fc.string(), fc.constantFrom('counter', 'gauge', 'rate', 'trend')),
          value: fc.oneof(fc.double(), fc.boolean(), fc.string()),
        })
        .map((o) => JSON.stringify(o)),
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
