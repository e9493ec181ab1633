/** A metric named like an object's own keys (`__proto__`, `constructor`) is refused with its line, not silently dropped. */
import { describe, expect, it } from 'vitest';
import { recordLines } from '../../src/gate/lines.js';
import { MetricSet } from '../../src/gate/metrics.js';

describe('reserved metric names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'])('%s is refused with its line; the other lines are kept', (name) => {
    const set = new MetricSet();
    const text = `{"name":"ok","type":"counter","value":1}\n{"name":"${name}","type":"counter","value":1}\n`;
    expect(recordLines(text, set, 'metrics.jsonl')).toEqual([`metrics.jsonl:2: name: "${name}" is reserved; pick another name`]);
    expect([...set.metrics.keys()]).toEqual(['ok']);
  });
});
