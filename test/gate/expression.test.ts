import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/gate/expression.js';

describe('parseExpression', () => {
  it.each([
    ['rate<0.05', { aggregation: 'rate', op: '<', limit: { value: 0.05 } }],
    ['p(99)<500', { aggregation: 'p', percentile: 99, op: '<', limit: { value: 500 } }],
    ['p(99.9) <= 800', { aggregation: 'p', percentile: 99.9, op: '<=', limit: { value: 800 } }],
    ['count==0', { aggregation: 'count', op: '==', limit: { value: 0 } }],
    ['count===0', { aggregation: 'count', op: '==', limit: { value: 0 } }],
    ['value>=1', { aggregation: 'value', op: '>=', limit: { value: 1 } }],
    ['avg!=3', { aggregation: 'avg', op: '!=', limit: { value: 3 } }],
    ['med>-1.5', { aggregation: 'med', op: '>', limit: { value: -1.5 } }],
    ['p(99)<baseline*1.2', { aggregation: 'p', percentile: 99, op: '<', limit: { baseline: true, factor: 1.2, offset: 0 } }],
    ['rate<baseline+0.01', { aggregation: 'rate', op: '<', limit: { baseline: true, factor: 1, offset: 0.01 } }],
  ])('parses %s', (text, expected) => {
    expect(parseExpression(text)).toMatchObject(expected);
  });

  it.each(['p99<5', 'rate<<1', 'rate<', 'mean<3', 'p(101)<3', 'rate<0.05 and more', ''])('rejects %j with a message saying what is expected', (text) => {
    const result = parseExpression(text);
    expect(typeof result).toBe('string');
    expect(result).toMatch(/expected|percentile/);
  });
});
