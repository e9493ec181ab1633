/**
 * Flows against a real HTTP service (an order API on loopback): ids captured from one answer and
 * sent in the next request, data rows dealt in order or by seed, checks counted with a failing
 * answer kept, a failed capture ending its iteration, think time, per-step timeouts, module
 * flows, and the config errors a typo in a flow gets, at its key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../../src/load/engine.js';
import { LoadRecorder } from '../../src/load/recorder.js';
import type { Sample } from '../../src/load/sample.js';
import { trafficSchema, type Traffic } from '../../src/load/schema.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { httpServer, type TestServer } from '../load/servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Order {
  id: number;
  sku: string;
  qty: unknown;
}

/** POST /orders → 201 { id, sku, qty }, GET /orders/:id → 200 the order or 404; `broken(n)` answers the nth create without an id. */
async function orderService(options: { broken?: (n: number) => boolean } = {}) {
  const orders = new Map<number, Order>();
  const reads: number[] = [];
  const creates: Order[] = [];
  let next = 1;
  const server = await httpServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/orders') {
        const input = JSON.parse(body) as { sku: string; qty: unknown };
        const order = { id: next++, sku: input.sku, qty: input.qty };
        creates.push(order);
        res.writeHead(201, { 'content-type': 'application/json', location: `/orders/${order.id}` });
        if (options.broken?.(order.id)) return res.end(JSON.stringify({ sku: order.sku }));
        orders.set(order.id, order);
        return res.end(JSON.stringify(order));
      }
      const match = /^\/orders\/(\d+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && match) {
        const order = orders.get(Number(match[1]));
        reads.push(Number(match[1]));
        res.writeHead(order ? 200 : 404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(order ?? { error: 'no such order' }));
      }
      res.writeHead(404).end();
    });
  });
  servers.push(server);
  return { server, orders, reads, creates, base: `http://127.0.0.1:${server.port}` };
}

async function run(traffic: Traffic, durationMs: number, extra: Partial<LoadOptions> = {}) {
  const set = new MetricSet();
  const recorder = LoadRecorder.for(traffic, set, performance.now(), {});
  const samples: Sample[] = [];
  const errors: string[] = [];
  const summary = await runLoad(traffic, {
    durationMs,
    onSample: (s) => {
      samples.push(s);
      recorder.record(s);
    },
    ...recorder.flowHooks((m) => errors.push(m)),
    ...extra,
  });
  return { summary, set, samples, checks: recorder.checks().checks, errors };
}

function orderFlow(base: string, more: Record<string, unknown> = {}) {
  return {
    name: 'order',
    steps: [
      {
        name: 'create order',
        method: 'POST',
        url: `${base}/orders`,
        json: { sku: 'A-{{seq}}', qty: '{{random_int 1 5}}' },
        capture: { order_id: { json: '$.id' }, where: { header: 'location' } },
        expect: [{ status: 201, name: 'order created' }],
      },
      {
        name: 'read order',
        url: `${base}/orders/{{order_id}}`,
        expect: [{ status: 200 }, { json: '$.id', equals: '{{order_id}}' }],
      },
    ],
    ...more,
  };
}

describe('YAML flows', () => {
  it('reads back every order by the id captured from its creation, with every check passing', async () => {
    const service = await orderService();
    const traffic = trafficSchema.parse({ rate: '100/s', flow: orderFlow(service.base) });
    const { summary, set, samples, checks } = await run(traffic, 1000);

    expect(summary.requests).toBe(200);
    expect(service.creates).toHaveLength(100);
    // Every read asked for an id the service had just created, each exactly once.
    expect([...service.reads].sort((a, b) => a - b)).toEqual(service.creates.map((o) => o.id));
    // `{{seq}}` numbers iterations; `{{random_int 1 5}}` sends a number, not text.
    expect(new Set(service.creates.map((o) => o.sku)).size).toBe(100);
    expect(service.creates.every((o) => typeof o.qty === 'number' && (o.qty as number) >= 1 && (o.qty as number) <= 5)).toBe(true);
    expect(checks.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['order created', 100, 0],
      ['create order: capture order_id', 100, 0],
      ['create order: capture where', 100, 0],
      ['read order: status 200', 100, 0],
      ['read order: $.id equals {{order_id}}', 100, 0],
    ]);
    expect(set.rate('checks').rate).toBe(1);
    expect(set.counter('iterations').count).toBe(100);
    // Each request is tagged with its step; each endpoint has its own metrics.
    expect(samples.filter((s) => s.tags?.name === 'read order' && s.tags.step === '2' && s.tags.flow === 'order')).toHaveLength(100);
    expect(set.counter('http_reqs{name:create order}').count).toBe(100);
    expect(set.trend('http_req_duration{name:read order}').count).toBe(100);
  });

  it('ends an iteration whose capture finds nothing, and keeps the failing answer as the check example', async () => {
    const service = await orderService({ broken: (id) => id % 4 === 0 });
    const traffic = trafficSchema.parse({ connections: 2, flow: orderFlow(service.base) });
    const { checks, set } = await run(traffic, 500);

    const created = service.creates.length;
    const broken = service.creates.filter((o) => o.id % 4 === 0).length;
    expect(broken).toBeGreaterThan(0);
    const capture = checks.find((c) => c.name === 'create order: capture order_id')!;
    expect(capture.fails).toBe(broken);
    expect(capture.example).toEqual({ step: 'create order', status: 201, body: expect.stringMatching(/^\{"sku":"A-\d+"\}$/) });
    // No read was sent for a broken create: later steps would have sent an empty id.
    expect(service.reads.length).toBeLessThanOrEqual(created - broken);
    expect(service.reads.every((id) => id % 4 !== 0)).toBe(true);
    expect(set.rate('checks{check:create order: capture order_id}').hits).toBe(created - broken);
  });

  it('deals data rows in order, or by seed the same way twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flow-data-'));
    const csv = join(dir, 'skus.csv');
    writeFileSync(csv, 'sku,qty\nRED,1\n"BLUE, LIGHT",2\nGREEN,3\n');
    const service = await orderService();
    const flow = (order: string) => ({
      data: { file: csv, order },
      seed: 7,
      steps: [{ method: 'POST', url: `${service.base}/orders`, json: { sku: '{{sku}}', qty: '{{qty}}' } }],
    });
    await run(trafficSchema.parse({ connections: 1, flow: flow('sequential') }), 300);
    const sequential = service.creates.splice(0).map((o) => o.sku);
    expect(sequential.length).toBeGreaterThan(6);
    sequential.forEach((sku, i) => expect(sku).toBe(['RED', 'BLUE, LIGHT', 'GREEN'][i % 3]));

    await run(trafficSchema.parse({ connections: 1, flow: flow('random') }), 300);
    const first = service.creates.splice(0).map((o) => o.sku);
    await run(trafficSchema.parse({ connections: 1, flow: flow('random') }), 300);
    const second = service.creates.splice(0).map((o) => o.sku);
    const n = Math.min(first.length, second.length);
    expect(n).toBeGreaterThan(6);
    expect(second.slice(0, n)).toEqual(first.slice(0, n));
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('waits its think time between steps, and times a step out by its own timeout', async () => {
    const silent = await httpServer(() => {
      /* never answers */
    });
    servers.push(silent);
    const service = await orderService();
    const traffic = trafficSchema.parse({
      connections: 1,
      flow: {
        steps: [
          { method: 'POST', url: `${service.base}/orders`, json: { sku: 'x' }, think: '100ms' },
          { url: `${silent.url}hang`, timeout: '50ms' },
        ],
      },
    });
    const { samples } = await run(traffic, 350);
    const [create, hang] = [samples[0], samples[1]];
    expect(hang.errorClass).toBe('timeout');
    // The second step started at least the think time after the first one's answer.
    expect(hang.start - (create.start + create.latencyMs)).toBeGreaterThanOrEqual(100);
    expect(hang.latencyMs).toBeGreaterThanOrEqual(50);
    expect(hang.latencyMs).toBeLessThan(1000);
  });
});

describe('module flows', () => {
  it('runs an async generator: requests it yields, answers it reads, checks it makes', async () => {
    const service = await orderService();
    const dir = mkdtempSync(join(tmpdir(), 'flow-module-'));
    const module = join(dir, 'load.mjs');
    writeFileSync(
      module,
      `export async function* flow(ctx) {
        const created = yield { method: 'POST', url: '${service.base}/orders', json: { sku: 'M-' + ctx.seq, qty: ctx.vu }, name: 'create' };
        ctx.check('created', created.status === 201);
        await ctx.sleep(5);
        const read = yield { url: '${service.base}/orders/' + created.json().id, name: 'read' };
        ctx.check('same order', read.json().sku === 'M-' + ctx.seq);
      }`,
    );
    const traffic = trafficSchema.parse({ connections: 2, flow: { name: 'js', module } });
    const { checks, samples, set } = await run(traffic, 400);
    expect(service.creates.length).toBeGreaterThan(4);
    expect(checks.map((c) => [c.name, c.fails])).toEqual([
      ['created', 0],
      ['same order', 0],
    ]);
    expect(checks[1].passes).toBe(set.counter('iterations').count);
    expect(new Set(service.creates.map((o) => o.qty))).toEqual(new Set([0, 1]));
    expect(samples.filter((s) => s.tags?.name === 'read' && s.tags.flow === 'js').length).toBe(service.reads.length);
  });

  it('counts a module that throws, names its message, and stops nothing else', async () => {
    const service = await orderService();
    const dir = mkdtempSync(join(tmpdir(), 'flow-module-'));
    const module = join(dir, 'load.mjs');
    writeFileSync(
      module,
      `export async function* flow(ctx) { yield { method: 'POST', url: '${service.base}/orders', json: { sku: 'x' } }; throw new Error('no such page'); }`,
    );
    const { errors, set, summary } = await run(trafficSchema.parse({ connections: 1, flow: { module } }), 200);
    expect(errors).toEqual(['no such page (after POST /orders)']);
    expect(set.counter('flow_errors').count).toBe(summary.requests);
  });

  it('says so when the module exports no flow, and sends nothing', async () => {
    const service = await orderService();
    const dir = mkdtempSync(join(tmpdir(), 'flow-module-'));
    const module = join(dir, 'load.mjs');
    writeFileSync(module, 'export const nothing = 1;');
    const { summary } = await run(trafficSchema.parse({ connections: 1, flow: { module } }), 200);
    expect(summary.error).toBe(`the flow module ${module} exports no \`flow\`; expected export async function* flow(ctx) { … }`);
    expect(service.creates).toHaveLength(0);
  });
});

describe('flow config errors', () => {
  const issue = (load: unknown) => {
    const result = trafficSchema.safeParse(load);
    expect(result.success).toBe(false);
    return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('names a variable nothing sets, and one captured only by a later step', () => {
    expect(issue({ rate: '1/s', flow: { steps: [{ url: 'http://127.0.0.1:1/orders/{{order}}' }] } })).toEqual([
      'flow.steps.0.url: {{order}} is not set: no step captures it (variables here: none)',
    ]);
    expect(
      issue({
        rate: '1/s',
        flow: { steps: [{ url: 'http://127.0.0.1:1/a/{{id}}' }, { url: 'http://127.0.0.1:1/b', capture: { id: { json: '$.id' } } }] },
      }),
    ).toEqual(['flow.steps.0.url: {{id}} is captured by step 2, which runs after this one']);
  });

  it('names a bad JSONPath, a templated host, a bad built-in and a missing data file', () => {
    expect(issue({ rate: '1/s', flow: { steps: [{ url: 'http://127.0.0.1:1/', capture: { id: { json: 'id' } } }] } })).toEqual([
      'flow.steps.0.capture.id: "id" is not a JSONPath; expected one starting with $, like $.id or $.items[0].sku',
    ]);
    expect(issue({ rate: '1/s', flow: { steps: [{ url: 'http://{{host}}/' }] } })[0]).toMatch(
      /^flow\.steps\.0\.url: expected an http:\/\/ or https:\/\/ URL with a fixed host/,
    );
    expect(issue({ rate: '1/s', flow: { steps: [{ url: 'http://127.0.0.1:1/{{random_int 5 1}}' }] } })).toEqual([
      'flow.steps.0.url: "{{random_int 5 1}}": expected {{random_int LOW HIGH}} with whole numbers, LOW ≤ HIGH',
    ]);
    expect(issue({ rate: '1/s', flow: { data: { file: '/no/such.csv' }, steps: [{ url: 'http://127.0.0.1:1/' }] } })).toEqual([
      'flow.data.file: expected a CSV or JSON data file; /no/such.csv does not exist',
    ]);
  });

  it('refuses flows beside fixed targets', () => {
    expect(issue({ rate: '1/s', url: 'http://127.0.0.1:1/', flow: { steps: [{ url: 'http://127.0.0.1:1/' }] } })).toEqual([
      'flow: expected one of `url`, `target`, `targets`, `flow` or `flows`, not both `url` and `flow`',
    ]);
  });
});
