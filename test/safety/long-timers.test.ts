/**
 * A duration no timer can hold (≥ 2^31 ms fires after 1 ms in Node) or a zero TTL is refused
 * where it is written, with the field named: in chaos-gate.yml and in the control API's bodies.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { mockFaultSchema } from '../../src/mock/schema.js';
import { toxicSchema, validate } from '../../src/proxy/schema.js';
import { MAX_TIMER_MS } from '../../src/units/duration.js';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'chaos-gate.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('durations past what a timer can hold are refused, naming the field', () => {
  it.each([
    ['safety.max_duration', 'version: 1\nsafety:\n  max_duration: 700h\n', 'chaos-gate.yml:3:17: safety.max_duration: expected at most 596h'],
    [
      'a stage timeout',
      'version: 1\nstages:\n  unit:\n    run: "true"\n    timeout: 600h\n',
      'chaos-gate.yml:5:14: stages.unit.timeout: expected at most 596h',
    ],
    [
      'a toxic attribute',
      'version: 1\nproxies:\n  - name: db\n    upstream: 127.0.0.1:5432\n    toxics:\n      - { type: timeout, attributes: { timeout: 2147483648 } }\n',
      'stages',
    ],
  ])('%s', (_what, yaml, expected) => {
    const found = problems(yaml);
    expect(found).toHaveLength(1);
    if (expected !== 'stages') expect(found[0]).toContain(expected);
    else expect(found[0]).toMatch(/^chaos-gate\.yml:6:\d+: proxies\[0\]\.toxics\[0\]\.attributes\.timeout: expected at most 2147483647 milliseconds/);
  });

  it('596h, the longest a timer holds, is accepted', () => {
    expect(problems('version: 1\nsafety:\n  max_duration: 596h\n')).toEqual([]);
    expect(parseConfig('version: 1\nsafety:\n  max_duration: 596h\n', 'chaos-gate.yml').config.safety.max_duration).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('fault_ttl: 0s and max_duration: 0s are refused (they would end every fault, or the run, at once)', () => {
    expect(problems('version: 1\nsafety:\n  fault_ttl: 0s\n')).toEqual(['chaos-gate.yml:3:14: safety.fault_ttl: expected a duration above 0, e.g. 5m']);
    expect(problems('version: 1\nsafety:\n  max_duration: 0ms\n')).toEqual(['chaos-gate.yml:3:17: safety.max_duration: expected a duration above 0, e.g. 5m']);
  });

  it('the control API refuses a toxic of 2^31 ms and a mock delay past it, naming the field', () => {
    expect(() => validate(toxicSchema, { type: 'timeout', attributes: { timeout: 2 ** 31 } })).toThrow(/attributes\.timeout.*at most 2147483647 milliseconds/);
    expect(() => validate(toxicSchema, { type: 'latency', attributes: { latency: Infinity } })).toThrow(/attributes\.latency/);
    expect(validate(toxicSchema, { type: 'timeout', attributes: { timeout: MAX_TIMER_MS } }).attributes).toEqual({ timeout: MAX_TIMER_MS });
    expect(mockFaultSchema.safeParse({ delay: 2 ** 31 }).success).toBe(false);
    expect(mockFaultSchema.safeParse({ delay: '700h' }).success).toBe(false);
    expect(mockFaultSchema.safeParse({ delay: 2 ** 31 - 1 }).success).toBe(true);
  });
});
