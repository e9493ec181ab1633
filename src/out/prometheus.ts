/**
 * `--out prometheus=URL`: Prometheus remote write 1.0 (a snappy-compressed protobuf
 * WriteRequest), named as k6's experimental-prometheus-rw output names its series, with a
 * `chaos_gate_` prefix:
 *
 *   counter  http_reqs          ──► chaos_gate_http_reqs_total          (the running total)
 *   rate     http_req_failed    ──► chaos_gate_http_req_failed_rate     (over the interval)
 *   trend    http_req_duration  ──► chaos_gate_http_req_duration_{min,max,avg,med,p90,p95,p99}  (ms, over the interval)
 *   gauge    …                  ──► chaos_gate_…                         (the last value)
 *
 * Tags become labels. The protobuf is written by hand: four small messages do not need a library.
 */
import snappy from 'snappyjs';
import { percentile, type Series } from './aggregate.js';
import type { Encoded } from './push.js';

const TREND_STATS: [string, (s: Series) => number][] = [
  ['min', (s) => s.min],
  ['max', (s) => s.max],
  ['avg', (s) => s.sum / s.count],
  ['med', (s) => percentile(s, 50)],
  ['p90', (s) => percentile(s, 90)],
  ['p95', (s) => percentile(s, 95)],
  ['p99', (s) => percentile(s, 99)],
];

/** One time series: its name, its labels and one sample. */
interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export function samplesOf(series: Series[]): Sample[] {
  const out: Sample[] = [];
  for (const s of series) {
    const name = `chaos_gate_${sanitise(s.metric)}`;
    if (s.type === 'counter') out.push({ name: `${name}_total`, labels: s.tags, value: s.total });
    else if (s.count === 0) continue;
    else if (s.type === 'rate') out.push({ name: `${name}_rate`, labels: s.tags, value: s.hits / s.count });
    else if (s.type === 'gauge') out.push({ name, labels: s.tags, value: s.last });
    else for (const [stat, read] of TREND_STATS) out.push({ name: `${name}_${stat}`, labels: s.tags, value: read(s) });
  }
  return out;
}

export function encodeRemoteWrite(series: Series[], now: number): Encoded | undefined {
  const samples = samplesOf(series);
  if (samples.length === 0) return undefined;
  const request = new Writer();
  for (const sample of samples) request.message(1, timeSeries(sample, now));
  return {
    body: snappy.compress(request.bytes()),
    headers: {
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'user-agent': 'chaos-gate',
      'x-prometheus-remote-write-version': '0.1.0',
    },
  };
}

function timeSeries(sample: Sample, now: number): Uint8Array {
  const w = new Writer();
  const labels: [string, string][] = [['__name__', sample.name], ...Object.entries(sample.labels).map(([k, v]): [string, string] => [sanitise(k), v])];
  // Remote write wants labels sorted by name.
  labels.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of labels) {
    const label = new Writer();
    label.string(1, name);
    label.string(2, value);
    w.message(1, label.bytes());
  }
  const point = new Writer();
  point.double(1, sample.value);
  point.varint(2, now);
  w.message(2, point.bytes());
  return w.bytes();
}

/** Metric and label names allow [a-zA-Z0-9_] only. */
function sanitise(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Just enough protobuf: varints, doubles, strings and nested messages. */
class Writer {
  private readonly parts: number[] = [];

  private raw(byte: number): void {
    this.parts.push(byte);
  }

  private uvarint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.raw((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.raw(v);
  }

  varint(field: number, value: number): void {
    this.uvarint((field << 3) | 0);
    this.uvarint(value);
  }

  double(field: number, value: number): void {
    this.uvarint((field << 3) | 1);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    for (const b of bytes) this.raw(b);
  }

  string(field: number, value: string): void {
    this.message(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, bytes: Uint8Array): void {
    this.uvarint((field << 3) | 2);
    this.uvarint(bytes.length);
    for (const b of bytes) this.raw(b);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
