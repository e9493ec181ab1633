/**
 * k6's threshold expressions: `<aggregation> <op> <limit>`, e.g. `rate<0.05`, `p(99.9)<800`,
 * `count==0`, and a limit relative to the baseline run: `p(99)<baseline*1.2`.
 */
import type { MetricType } from './metrics.js';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Expression {
  /** `rate`, `count`, `value`, `avg`, `min`, `max`, `med`, or `p(N)`. */
  aggregation: string;
  /** The percentile for `p(N)`, 0..100. */
  percentile?: number;
  op: Operator;
  /** A fixed number, or the baseline's value of the same aggregation times `factor` plus `offset`. */
  limit: { value: number } | { baseline: true; factor: number; offset: number };
  text: string;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e[+-]?\d+)?`;
const SHAPE = new RegExp(
  String.raw`^\s*(count|rate|value|avg|min|max|med|p\(\s*(${NUMBER})\s*\))\s*(<=|>=|===|==|!=|<|>)\s*` +
    String.raw`(?:(${NUMBER})|baseline\s*(?:([*+-])\s*(${NUMBER}))?)\s*$`,
);

/** Parses an expression; returns a message saying what was expected when it does not parse. */
export function parseExpression(text: string): Expression | string {
  const m = SHAPE.exec(text);
  if (!m) {
    return `"${text}" is not a threshold; expected <aggregation><op><number> such as rate<0.05, p(99)<500, count==0 (aggregations: count, rate, value, avg, min, max, med, p(N))`;
  }
  const [, aggregationText, percentileText, opText, limitText, baselineOp, baselineNumber] = m;
  const percentile = percentileText === undefined ? undefined : Number(percentileText);
  if (percentile !== undefined && (percentile < 0 || percentile > 100)) {
    return `"${text}": the percentile must be within 0..100`;
  }
  const op = (opText === '===' ? '==' : opText) as Operator;
  let limit: Expression['limit'];
  if (limitText !== undefined) limit = { value: Number(limitText) };
  else {
    const n = baselineNumber === undefined ? undefined : Number(baselineNumber);
    limit = {
      baseline: true,
      factor: baselineOp === '*' ? n! : 1,
      offset: baselineOp === '+' ? n! : baselineOp === '-' ? -n! : 0,
    };
  }
  return { aggregation: percentile === undefined ? aggregationText : 'p', percentile, op, limit, text: text.trim() };
}

/** The aggregations each metric type answers (k6's, plus `count` on trends and rates, `min`/`max` on gauges). */
const AGGREGATIONS: Record<MetricType, readonly string[]> = {
  trend: ['avg', 'min', 'max', 'med', 'p', 'count'],
  rate: ['rate', 'count'],
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
};

/**
 * Why an expression cannot be judged on a metric of this type (k6's Thresholds.Validate), naming
 * the metric as `what`; undefined when it can.
 */
export function mismatch(expression: Expression, type: MetricType, what = `a ${type}`): string | undefined {
  if (AGGREGATIONS[type].includes(expression.aggregation)) return undefined;
  const name = (a: string) => (a === 'p' ? 'p(N)' : a);
  return `${name(expression.aggregation)} does not apply to ${what} (use ${AGGREGATIONS[type].map(name).join(', ')})`;
}

/** Applies the comparison. */
export function compare(actual: number, op: Operator, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
    case '!=':
      return actual !== limit;
  }
}
