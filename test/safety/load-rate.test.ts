/** A rate no single generator can keep is refused where it is written, instead of recording false timeouts. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

describe('the load rate', () => {
  it('rate: 100000000/s is refused with its line, not run', () => {
    const yaml = 'version: 1\nstages:\n  load:\n    url: http://127.0.0.1:8080/\n    rate: 100000000/s\n    duration: 1s\n';
    expect(() => parseConfig(yaml, 'chaos-gate.yml')).toThrow(
      'chaos-gate.yml:5:11: stages.load.rate: expected at most 50000/s, what one load generator can schedule, got "100000000/s"; split the load across shards for more',
    );
    expect(() => parseConfig(yaml.replace('100000000/s', '50000/s'), 'chaos-gate.yml')).not.toThrow();
  });
});
