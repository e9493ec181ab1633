/**
 * `--out` against local receivers that decode what arrives: k6's JSON lines read back from the
 * file, Prometheus remote write (snappy, then the protobuf WriteRequest, decoded here by hand), and
 * OTLP/HTTP JSON. A receiver that refuses or stalls costs the load nothing but the points it
 * does not get, and the summary says so, with the URL.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snappy from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricSet } from '../../src/gate/metrics.js';
import { runLoad } from '../../src/load/engine.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import { trafficSchema } from '../../src/load/schema.js';
import { Outputs } from '../../src/out/outputs.js';
import { PushOutput } from '../../src/out/push.js';
import { encodeRemoteWrite } from '../../src/out/prometheus.js';
import { parseOutSpecs } from '../../src/out/spec.js';
import { UsageError } from '../../src/errors.js';
import { cli, makeProject } from '../helpers/project.js';
import { httpServer, type TestServer } from '../load/servers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A receiver that keeps every body it is sent (decoded by `decode`) and answers `status`. */
async function receiver<T>(decode: (body: Buffer, req: IncomingMessage) => T, status = 200) {
  const bodies: T[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(decode(Buffer.concat(chunks), req));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies, server };
}

/** A load of `requests` GETs at a real server, recorded with `outputs` as the sink. */
async function load(outputs: { add: Outputs['add'] }, rate = '200/s', durationMs = 500) {
  const target: TestServer = await httpServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    res.end('ok');
  });
  closers.push(() => target.close());
  const traffic = trafficSchema.parse({
    rate,
    targets: [
      { name: 'home', url: target.url, weight: 3 },
      { url: `${target.url}missing`, weight: 1 },
    ],
  });
  const recorder = LoadRecorder.for(traffic, new MetricSet(), performance.now(), {}, { sink: outputs, tags: { stage: 'load' } });
  const summary = await runLoad(traffic, { durationMs, onSample: recorder.record });
  return summary.requests;
}

// ── Prometheus remote write: just enough protobuf decoding to read a WriteRequest ──

function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[at++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, at];
  }
}

/** Fields of one protobuf message: field number → its values (numbers for varints and doubles, Buffers for bytes). */
function fields(buf: Buffer): Map<number, (number | Buffer)[]> {
  const out = new Map<number, (number | Buffer)[]>();
  let at = 0;
  while (at < buf.length) {
    let key: number;
    [key, at] = varint(buf, at);
    const [field, wire] = [key >>> 3, key & 7];
    let value: number | Buffer;
    if (wire === 0) [value, at] = varint(buf, at);
    else if (wire === 1) {
      value = buf.readDoubleLE(at);
      at += 8;
    } else {
      let length: number;
      [length, at] = varint(buf, at);
      value = buf.subarray(at, at + length);
      at += length;
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

interface RemoteSeries {
  labels: Record<string, string>;
  value: number;
  timestamp: number;
}

function decodeWriteRequest(body: Buffer): RemoteSeries[] {
  const request = fields(Buffer.from(snappy.uncompress(body)));
  return (request.get(1) ?? []).map((ts) => {
    const series = fields(ts as Buffer);
    const labels = Object.fromEntries(
      (series.get(1) ?? []).map((l) => {
        const label = fields(l as Buffer);
        return [(label.get(1)![0] as Buffer).toString(), (label.get(2)![0] as Buffer).toString()];
      }),
    );
    const sample = fields(series.get(2)![0] as Buffer);
    return { labels, value: sample.get(1)![0] as number, timestamp: sample.get(2)![0] as number };
  });
}

describe('--out json=FILE', () => {
  it("writes k6's lines: a declaration per metric, then three points per request, tagged", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'out-json-')), 'samples.jsonl');
    const outputs = Outputs.open(parseOutSpecs([`json=${file}`], '/'), 'test');
    const requests = await load(outputs);
    const [summary] = await outputs.close();
    expect(summary).toEqual({ output: `json ${file}`, points: 3 * requests, dropped: 0, errors: [] });

    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'Metric')).toEqual([
      { type: 'Metric', data: { name: 'http_reqs', type: 'counter', contains: 'default', thresholds: [], submetrics: null }, metric: 'http_reqs' },
      { type: 'Metric', data: { name: 'http_req_duration', type: 'trend', contains: 'time', thresholds: [], submetrics: null }, metric: 'http_req_duration' },
      { type: 'Metric', data: { name: 'http_req_failed', type: 'rate', contains: 'default', thresholds: [], submetrics: null }, metric: 'http_req_failed' },
    ]);
    const points = lines.filter((l) => l.type === 'Point');
    expect(points).toHaveLength(3 * requests);
    const failed = points.filter((p) => p.metric === 'http_req_failed');
    // Weights 3:1: a quarter of the requests went to /missing, answered 404, and failed.
    expect(failed.filter((p) => p.data.value === 1)).toHaveLength(requests / 4);
    expect(failed.find((p) => p.data.value === 1).data.tags).toEqual({ stage: 'load', name: 'GET /missing', method: 'GET', status: '404' });
    expect(points.find((p) => p.metric === 'http_req_duration').data.tags).toMatchObject({ name: 'home', status: '200' });
    expect(Date.parse(points[0].data.time)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('--out prometheus=URL', () => {
  it('pushes remote write 1.0: snappy protobuf with its headers, counters as running totals, trends as interval stats', async () => {
    const headers: IncomingMessage['headers'][] = [];
    const prometheus = await receiver((body, req) => (headers.push(req.headers), decodeWriteRequest(body)));
    const outputs = Outputs.open(parseOutSpecs([`prometheus=${prometheus.url}/api/v1/write`], '/'), 'test');
    const requests = await load(outputs, '100/s', 1500);
    await outputs.close();

    expect(headers[0]).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
    });
    const all = prometheus.bodies.flat();
    const totals = (status: string) => all.filter((s) => s.labels.__name__ === 'chaos_gate_http_reqs_total' && s.labels.status === status).map((s) => s.value);
    // A counter only grows, and its last value is every request.
    for (const status of ['200', '404']) expect(totals(status)).toEqual([...totals(status)].sort((a, b) => a - b));
    expect(totals('200').at(-1)! + totals('404').at(-1)!).toBe(requests);
    const p99 = all.find((s) => s.labels.__name__ === 'chaos_gate_http_req_duration_p99');
    expect(p99?.labels).toEqual({ __name__: 'chaos_gate_http_req_duration_p99', method: 'GET', name: 'home', stage: 'load', status: '200' });
    expect(p99!.value).toBeGreaterThan(0);
    const failedRate = all.filter((s) => s.labels.__name__ === 'chaos_gate_http_req_failed_rate' && s.labels.status === '404');
    expect(failedRate.every((s) => s.value === 1)).toBe(true);
    expect(Math.abs(all[0].timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('counts what a refused receiver did not get, names it, and never slows the load', async () => {
    const closed = await receiver(() => 0);
    const url = closed.url;
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const outputs = Outputs.open(parseOutSpecs([`prometheus=${url}`], '/'), 'test');
    const requests = await load(outputs, '200/s', 500);
    // The open model kept its timetable: every request due was sent.
    expect(requests).toBe(100);
    const [summary] = await outputs.close();
    expect(summary.points).toBe(3 * requests);
    expect(summary.dropped).toBe(3 * requests);
    expect(summary.errors[0]).toMatch(new RegExp(`^${url}/ cannot connect \\(ECONNREFUSED\\)`));
  });

  it('drops an interval while the last push is still going, and says why', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req, res) => {
      req.resume();
      arrived();
      void held.then(() => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const output = new PushOutput('prometheus', `http://127.0.0.1:${(server.address() as { port: number }).port}/`, encodeRemoteWrite, 3_600_000);
    const point = { metric: 'http_reqs', type: 'counter' as const, value: 1, tags: { stage: 'load' }, time: Date.now() };
    output.add(point);
    output.flush();
    await first;
    output.add(point);
    output.flush(); // the first push is held by the receiver: this interval is dropped
    release();
    const summary = await output.close();
    expect(summary.errors).toEqual([
      `http://127.0.0.1:${(server.address() as { port: number }).port}/ the last push was still going (a slow receiver); an interval was dropped`,
    ]);
    expect(summary.points).toBe(2);
  });
});

describe('--out otlp=URL', () => {
  it('posts OTLP/HTTP JSON to /v1/metrics: a cumulative sum, gauges and delta histograms whose buckets add up', async () => {
    const paths: string[] = [];
    const otlp = await receiver((body, req) => (paths.push(req.url!), JSON.parse(body.toString())));
    const outputs = Outputs.open(parseOutSpecs([`otlp=${otlp.url}`], '/'), '1.2.3');
    const requests = await load(outputs, '100/s', 1500);
    await outputs.close();

    expect(new Set(paths)).toEqual(new Set(['/v1/metrics']));
    const [first] = otlp.bodies;
    expect(first.resourceMetrics[0].resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'chaos-gate' } }]);
    expect(first.resourceMetrics[0].scopeMetrics[0].scope).toEqual({ name: 'chaos-gate', version: '1.2.3' });
    const metrics = otlp.bodies.flatMap((b) => b.resourceMetrics[0].scopeMetrics[0].metrics);
    const last = otlp.bodies.at(-1).resourceMetrics[0].scopeMetrics[0].metrics.filter((m: { name: string }) => m.name === 'http_reqs');
    expect(last.every((m: { sum: { isMonotonic: boolean; aggregationTemporality: number } }) => m.sum.isMonotonic && m.sum.aggregationTemporality === 2)).toBe(
      true,
    );
    expect(last.reduce((n: number, m: { sum: { dataPoints: { asDouble: number }[] } }) => n + m.sum.dataPoints[0].asDouble, 0)).toBe(requests);
    const histograms = metrics
      .filter((m: { name: string }) => m.name === 'http_req_duration')
      .map(
        (m: { histogram: { aggregationTemporality: number; dataPoints: { count: string; bucketCounts: string[]; explicitBounds: number[] }[] } }) =>
          m.histogram,
      );
    let counted = 0;
    for (const h of histograms) {
      expect(h.aggregationTemporality).toBe(1);
      const [point] = h.dataPoints;
      expect(point.bucketCounts.map(Number).reduce((a: number, b: number) => a + b, 0)).toBe(Number(point.count));
      expect(point.bucketCounts).toHaveLength(point.explicitBounds.length + 1);
      counted += Number(point.count);
    }
    // Every request's duration is in exactly one interval's histogram.
    expect(counted).toBe(requests);
  });
});

describe('--out values', () => {
  it('refuses a bad one with the forms it takes', () => {
    expect(() => parseOutSpecs(['influxdb=http://x'], '/')).toThrow(
      new UsageError('--out influxdb=http://x: expected json=FILE, prometheus=URL (remote write) or otlp=URL (OTLP/HTTP, JSON)'),
    );
    expect(() => parseOutSpecs(['prometheus=not a url'], '/')).toThrow(
      '--out prometheus=not a url: expected prometheus=URL, like prometheus=http://127.0.0.1:9090/api/v1/write',
    );
    expect(() => parseOutSpecs(['json='], '/')).toThrow('--out json=: expected json=FILE, like json=.tmp/samples.jsonl');
  });

  it('is a usage error from the CLI, before anything starts', async () => {
    const dir = await makeProject({ 'chaos-gate.yml': 'version: 1\nstages:\n  unit: { run: "touch ran" }\n' });
    const ran = await cli(['run', '--out', 'statsd=127.0.0.1:8125'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('--out statsd=127.0.0.1:8125: expected json=FILE, prometheus=URL (remote write) or otlp=URL (OTLP/HTTP, JSON)');
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });
});
