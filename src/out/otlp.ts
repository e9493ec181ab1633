/**
 * `--out otlp=URL`: OTLP/HTTP with its JSON encoding, POSTed to URL/v1/metrics (an OpenTelemetry
 * collector's default is http://127.0.0.1:4318), resource `service.name=chaos-gate`:
 *
 *   counter ──► Sum, monotonic, cumulative (the running total since the run began)
 *   rate    ──► Gauge (the share of hits over the interval)
 *   trend   ──► Histogram, delta (the interval's count, sum, min, max and buckets, ms)
 *   gauge   ──► Gauge (the last value)
 */
import { BOUNDS_MS, type Series } from './aggregate.js';
import type { Encoded } from './push.js';

export function otlpEndpoint(url: string): string {
  return url.endsWith('/v1/metrics') ? url : `${url.replace(/\/$/, '')}/v1/metrics`;
}

export function encodeOtlp(version: string, runStart: number): (series: Series[], now: number) => Encoded | undefined {
  let last = runStart;
  return (series, now) => {
    const start = nanos(last);
    last = now;
    const time = nanos(now);
    const metrics = series.flatMap((s): Record<string, unknown>[] => {
      const attributes = Object.entries(s.tags).map(([key, value]) => ({ key, value: { stringValue: value } }));
      if (s.type === 'counter') {
        return [
          {
            name: s.metric,
            unit: '1',
            sum: {
              aggregationTemporality: 2,
              isMonotonic: true,
              dataPoints: [{ attributes, startTimeUnixNano: nanos(runStart), timeUnixNano: time, asDouble: s.total }],
            },
          },
        ];
      }
      if (s.count === 0) return [];
      if (s.type === 'rate') return [{ name: s.metric, unit: '1', gauge: { dataPoints: [{ attributes, timeUnixNano: time, asDouble: s.hits / s.count }] } }];
      if (s.type === 'gauge') return [{ name: s.metric, unit: '1', gauge: { dataPoints: [{ attributes, timeUnixNano: time, asDouble: s.last }] } }];
      return [
        {
          name: s.metric,
          unit: 'ms',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [
              {
                attributes,
                startTimeUnixNano: start,
                timeUnixNano: time,
                count: String(s.count),
                sum: s.sum,
                min: s.min,
                max: s.max,
                bucketCounts: s.buckets!.map(String),
                explicitBounds: BOUNDS_MS,
              },
            ],
          },
        },
      ];
    });
    if (metrics.length === 0) return undefined;
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'chaos-gate' } }] },
          scopeMetrics: [{ scope: { name: 'chaos-gate', version }, metrics }],
        },
      ],
    };
    return { body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'user-agent': 'chaos-gate' } };
  };
}

function nanos(ms: number): string {
  return `${BigInt(Math.round(ms)) * 1_000_000n}`;
}
