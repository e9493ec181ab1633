/**
 * Flows in the load generator, as users run them: `chaos-gate run` with a load stage, beside
 * autocannon's own sequences (its `requests` with setupRequest/onResponse, the nearest peer that
 * captures data from one answer into the next request), each its own process, alternating rounds;
 * the target counts what it answered.
 *
 *   one fixed GET            chaos-gate  vs  autocannon (the generator must stay ≥ 1.0×)
 *   a 3-step flow            create order (capture its id) → read it back (check the id) → product
 *                            chaos-gate YAML flow  ·  chaos-gate module flow  ·  autocannon sequence
 *
 * All closed model, 50 connections, so each measures how fast the generator itself can go.
 */
import { spawn } from 'node:child_process';
import { alternateRounds, median, medianRange } from './rounds.js';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROUNDS = 5;
const SECONDS = 5;
const CONNECTIONS = 50;
const WORK = resolve('.tmp/bench/flows');

/** An order API; on an IPC 'count' replies with the requests answered and their span since the last. */
const TARGET = `
const http = require('node:http');
let requests = 0, first = 0, last = 0, next = 1;
const product = JSON.stringify({ id: 1, name: 'Walking shoe', price: 42.5 });
const server = http.createServer((req, res) => {
  const now = performance.now();
  if (requests++ === 0) first = now;
  last = now;
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST') { res.statusCode = 201; return res.end(JSON.stringify({ order: { id: next++, sku: 1 } })); }
    const m = /^\\/orders\\/(\\d+)$/.exec(req.url);
    if (m) return res.end(JSON.stringify({ order: { id: Number(m[1]), sku: 1 } }));
    res.end(product);
  });
});
server.keepAliveTimeout = 60000;
process.on('message', () => { process.send({ count: requests, spanMs: last - first }); requests = 0; });
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

/** autocannon's API with a 3-request sequence: the id from the create's answer goes into the read's path. */
const AUTOCANNON_FLOW = `
const autocannon = require(process.argv[1]);
const base = process.argv[2];
autocannon({
  url: base, connections: ${CONNECTIONS}, duration: ${SECONDS},
  requests: [
    { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: 1, qty: 1 }),
      onResponse: (status, body, context) => { context.id = JSON.parse(body).order.id; } },
    { method: 'GET', setupRequest: (req, context) => ({ ...req, path: '/orders/' + context.id }),
      onResponse: (status, body, context) => { if (JSON.parse(body).order.id !== context.id) throw new Error('wrong order'); } },
    { method: 'GET', path: '/products/1' },
  ],
}, (error) => process.exit(error ? 1 : 0));
`;

const MODULE = `
export async function* flow(ctx) {
  const created = yield { method: 'POST', url: BASE + '/orders', json: { sku: 1, qty: 1 }, name: 'create order' };
  const id = created.json().order.id;
  const read = yield { url: BASE + '/orders/' + id, name: 'read order' };
  ctx.check('order read back', read.json().order.id === id);
  yield { url: BASE + '/products/1', name: 'product' };
}
`;

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const target = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [{ port }] = (await once(target, 'message')) as [{ port: number }];
  const base = `http://127.0.0.1:${port}`;
  const load = (body: string) => `version: 1\nstages:\n  load:\n    connections: ${CONNECTIONS}\n    duration: ${SECONDS}s\n${body}`;
  const configs = {
    fixed: load(`    url: "${base}/products/1"\n`),
    yaml: load(`    flow:
      steps:
        - { name: create order, method: POST, url: "${base}/orders", json: { sku: 1, qty: 1 }, capture: { id: { json: $.order.id } } }
        - { name: read order, url: "${base}/orders/{{id}}", expect: { json: $.order.id, equals: "{{id}}", name: order read back } }
        - { name: product, url: "${base}/products/1" }
`),
    module: load(`    flow: { module: "${join(WORK, 'flow.mjs')}" }\n`),
  };
  writeFileSync(join(WORK, 'flow.mjs'), `const BASE = ${JSON.stringify(base)};\n${MODULE}`);
  for (const [name, text] of Object.entries(configs)) writeFileSync(join(WORK, `${name}.yml`), text);
  const run = (name: string) => [resolve('dist/cli.js'), 'run', '--config', join(WORK, `${name}.yml`), '--report-dir', join(WORK, `report-${name}`)];
  const tools: Record<string, string[]> = {
    'chaos-gate, one GET': run('fixed'),
    'autocannon, one GET': [resolve('node_modules/autocannon/autocannon.js'), '-c', String(CONNECTIONS), '-d', String(SECONDS), `${base}/products/1`],
    'chaos-gate, YAML flow': run('yaml'),
    'chaos-gate, module flow': run('module'),
    'autocannon, sequence': ['-e', AUTOCANNON_FLOW, resolve('node_modules/autocannon'), base],
  };
  const count = async () => {
    target.send('count');
    const [answer] = (await once(target, 'message')) as [{ count: number; spanMs: number }];
    return answer.count / (answer.spanMs / 1000) / 1000;
  };
  let results: Record<string, number[]>;
  const cpu: Record<string, number[]> = {};
  try {
    await count();
    results = await alternateRounds(tools, ROUNDS, count, {}, cpu);
  } finally {
    target.kill();
  }
  const fmt = medianRange;
  // The target saturates near the generators' pace on 2 cores, so what each costs per request tells them apart too.
  const perRequest = (tool: string) => (cpu[tool] ? median(cpu[tool].map((s, i) => (s * 1e6) / (results[tool][i] * 1000 * SECONDS))) : undefined);
  const ratio = (a: string, b: string) => (median(results[a]) / median(results[b])).toFixed(2);
  console.log(`flows, closed model, ${CONNECTIONS} connections, ${SECONDS} s, ${ROUNDS} alternating rounds; k req/s counted by the target (median, min–max)`);
  for (const tool of Object.keys(tools)) {
    const cost = perRequest(tool);
    console.log(`  ${tool.padEnd(26)} ${fmt(results[tool])}${cost === undefined ? '' : `   ${cost.toFixed(1)} µs CPU per request`}`);
  }
  console.log(`  one GET:  chaos-gate / autocannon ${ratio('chaos-gate, one GET', 'autocannon, one GET')}×`);
  const costs = [perRequest('chaos-gate, one GET'), perRequest('autocannon, one GET')];
  if (costs[0] !== undefined && costs[1] !== undefined)
    console.log(`            CPU per request: chaos-gate / autocannon ${(costs[0] / costs[1]).toFixed(2)}×`);
  console.log(`  3 steps:  YAML flow / autocannon sequence ${ratio('chaos-gate, YAML flow', 'autocannon, sequence')}×`);
  console.log(`            module flow / autocannon sequence ${ratio('chaos-gate, module flow', 'autocannon, sequence')}×`);
  console.log(`            module flow / YAML flow ${ratio('chaos-gate, module flow', 'chaos-gate, YAML flow')}×`);
}

await main();
