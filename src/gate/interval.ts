/**
 * How sure a measurement is. A success rate from 300 requests and a p99 from 1,700 are estimates;
 * these intervals say how far the true value may lie from them:
 *
 *   rates        Wilson score interval (right near 0 and 1, where a normal approximation is not)
 *   percentiles  a binomial order-statistic interval on the ranks, widened to the HDR histogram's
 *                bucket bounds (the histogram keeps values to 3 significant digits, not exactly)
 */

export type Interval = [low: number, high: number];

/** expression.ts's Operator, spelt out: metrics.ts imports this file, and expression.ts imports metrics.ts. */
type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError('normalQuantile: p must be within (0, 1)');
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** z for a two-sided interval at `confidence` (0.95 → 1.96). */
function z(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** The Wilson score interval of `hits` out of `total` at `confidence`; [0, 1] without data. */
export function wilson(hits: number, total: number, confidence = 0.95): Interval {
  if (total <= 0) return [0, 1];
  const k = z(confidence);
  const p = hits / total;
  const k2n = (k * k) / total;
  const centre = (p + k2n / 2) / (1 + k2n);
  const half = (k / (1 + k2n)) * Math.sqrt((p * (1 - p)) / total + k2n / (4 * total));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** What a percentile interval reads of a Trend (metrics.ts), named here so the two files do not import each other. */
export interface TrendLike {
  count: number;
  min: number;
  max: number;
  histogram: unknown;
}

/** Trend values are stored in thousandths (see metrics.ts). */
const TREND_SCALE = 1000;

/**
 * The interval of a trend's percentile `p` (0..100): the ranks between which the true quantile
 * lies with `confidence` (a binomial order-statistic interval, normal approximation), read as
 * the lower bound of the low rank's bucket and the upper bound of the high rank's bucket.
 */
export function percentileInterval(trend: TrendLike, p: number, confidence = 0.95): Interval {
  const n = trend.count;
  if (n === 0) return [0, 0];
  const q = p / 100;
  const spread = z(confidence) * Math.sqrt(n * q * (1 - q));
  const lowRank = Math.max(1, Math.floor(n * q - spread));
  const highRank = Math.min(n, Math.ceil(n * q + spread) + 1);
  const h = trend.histogram as unknown as {
    getValueAtPercentile(p: number): number;
    lowestEquivalentValue(v: number): number;
    highestEquivalentValue(v: number): number;
  };
  const at = (rank: number) => h.getValueAtPercentile((100 * rank) / n);
  const low = h.lowestEquivalentValue(at(lowRank)) / TREND_SCALE;
  const high = h.highestEquivalentValue(at(highRank)) / TREND_SCALE;
  return [Math.min(trend.max, Math.max(trend.min, low)), Math.max(trend.min, Math.min(trend.max, high))];
}

/**
 * A comparison judged on an interval: held when every value in it passes, broken when none
 * does, inconclusive when the limit lies inside. (`==` and `!=` take no interval; see schema.ts.)
 */
export function compareInterval([low, high]: Interval, op: Operator, limit: number): 'held' | 'broken' | 'inconclusive' {
  const passes = (v: number) =>
    op === '<' ? v < limit : op === '<=' ? v <= limit : op === '>' ? v > limit : op === '>=' ? v >= limit : op === '==' ? v === limit : v !== limit;
  const [worst, best] = op === '<' || op === '<=' ? [high, low] : [low, high];
  if (passes(worst)) return 'held';
  if (!passes(best)) return 'broken';
  return 'inconclusive';
}
