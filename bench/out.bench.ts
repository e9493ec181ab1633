/**
 * What `--out` costs the load generator per point: Outputs.add for a JSON file and for a
 * Prometheus remote-write receiver (a local one that accepts and discards), in one process, on
 * the points a request makes (three, tagged as the recorder tags them). The pushes themselves
 * run once a second beside it; their cost is in the totals.
 */
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outputs } from '../src/out/outputs.js';
import { parseOutSpecs } from '../src/out/spec.js';

const POINTS = 600_000;
const ROUNDS = 5;

async function measure(spec: string): Promise<number[]> {
  const costs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const outputs = Outputs.open(parseOutSpecs([spec], '/'), 'bench');
    const tags = { stage: 'load', name: 'create order', method: 'POST', step: '1', flow: 'order', status: '201' };
    const started = performance.now();
    for (let i = 0; i < POINTS / 3; i++) {
      const time = Date.now();
      outputs.add({ metric: 'http_reqs', type: 'counter', value: 1, tags, time });
      outputs.add({ metric: 'http_req_duration', type: 'trend', value: 2 + (i % 50), tags, time });
      outputs.add({ metric: 'http_req_failed', type: 'rate', value: 0, tags, time });
      // Let the timers (the pushes) run, as the generator's event loop does between reads.
      if (i % 2000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await outputs.close();
    costs.push(((performance.now() - started) * 1000) / POINTS);
  }
  return costs;
}

const receiver = createServer((req, res) => req.resume().on('end', () => res.end()));
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const port = (receiver.address() as { port: number }).port;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (values: number[]) => `${median(values).toFixed(2)} µs (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
const json = await measure(`json=${join(mkdtempSync(join(tmpdir(), 'out-bench-')), 'samples.jsonl')}`);
const prometheus = await measure(`prometheus=http://127.0.0.1:${port}/api/v1/write`);
const otlp = await measure(`otlp=http://127.0.0.1:${port}`);
receiver.close();
console.log(`--out, ${POINTS.toLocaleString('en-US')} points per round (3 per request), ${ROUNDS} rounds; cost per point, median (min–max)`);
console.log(`  json=FILE         ${fmt(json)}`);
console.log(`  prometheus=URL    ${fmt(prometheus)}`);
console.log(`  otlp=URL          ${fmt(otlp)}`);
console.log(
  `  per request at 3 points: json ${(3 * median(json)).toFixed(1)} µs, prometheus ${(3 * median(prometheus)).toFixed(1)} µs, otlp ${(3 * median(otlp)).toFixed(1)} µs`,
);
