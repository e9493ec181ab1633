import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../../src/load/engine.js';
import type { Progress } from '../../src/load/progress.js';
import type { Sample } from '../../src/load/sample.js';
import { trafficSchema } from '../../src/load/schema.js';
import { httpServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof httpServer>) {
  const server = await httpServer(...args);
  servers.push(server);
  return server;
}

/** Runs load and keeps every sample. */
async function load(spec: Record<string, unknown>, options: Partial<LoadOptions> & { durationMs: number }) {
  const samples: Sample[] = [];
  const summary = await runLoad(trafficSchema.parse(spec), { onSample: (s) => samples.push(s), ...options });
  return { summary, samples };
}

function percentile(samples: Sample[], p: number): number {
  const sorted = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('closed model', () => {
  it('sends as many requests as the server counts, over keep-alive connections', async () => {
    const server = await serve();
    const { summary, samples } = await load({ url: server.url, connections: 4 }, { durationMs: 500 });
    // How many fit in 500 ms is the machine's speed; more requests than connections is the point.
    expect(summary.requests).toBeGreaterThan(server.connections);
    expect(samples).toHaveLength(summary.requests);
    expect(server.requests).toBe(summary.requests);
    expect(samples.every((s) => s.ok && s.status === 200)).toBe(true);
    // 4 loops plus the start-up probe: connections are reused, not opened per request
    expect(server.connections).toBeLessThanOrEqual(5);
    expect(summary.failures).toBe(0);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(500);
  });

  it('ramps its connections up over ramp_up', async () => {
    const server = await serve((_req, res) => setTimeout(() => res.end('ok'), 20));
    const { samples, summary } = await load({ url: server.url, connections: 4, ramp_up: '1s' }, { durationMs: 1200 });
    // Each loop keeps one request in flight; loop k starts k × 250 ms in. Counted by what was in
    // flight, not by how many answers fit in a window, which is the machine's speed.
    const inFlightAt = (t: number) => samples.filter((s) => s.start <= t && t < s.start + s.latencyMs - 1e-6).length;
    // A timer can fire early by as much as the event loop's cached clock lagged when it was set
    // (a busy machine delays that update): 50 ms allowed for it.
    const allowed = (t: number) => Math.min(4, 1 + Math.floor((t - summary.t0 + 50) / 250));
    expect(samples.filter((s) => inFlightAt(s.start) > allowed(s.start))).toEqual([]);
    expect(Math.max(...samples.map((s) => inFlightAt(s.start)))).toBe(4);
  });

  it('reconnects when the server closes every connection after its response', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const { summary } = await load({ url: server.url, connections: 2 }, { durationMs: 300 });
    expect(summary.requests).toBeGreaterThan(10);
    expect(summary.failures).toBe(0);
    expect(server.connections).toBeGreaterThanOrEqual(summary.requests);
  });
});

describe('open model', () => {
  it('sends exactly rate × duration requests, on time', async () => {
    const server = await serve();
    const { summary, samples } = await load({ url: server.url, rate: '200/s' }, { durationMs: 1500 });
    expect(summary.requests).toBe(300);
    expect(server.requests).toBe(300);
    // request i was due at i × 5 ms
    const starts = samples.map((s) => s.start - summary.t0).sort((a, b) => a - b);
    expect(starts[0]).toBe(0);
    expect(starts[299]).toBeCloseTo(1495, 6);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(1495);
    expect(summary.elapsedMs).toBeLessThan(2500);
  });

  it('says when its first request goes, on the clock of every sample, and not when nothing is sent', async () => {
    const server = await serve();
    const starts: number[] = [];
    const samples: Sample[] = [];
    /** How many onStart calls each sample came after. */
    const startsBefore: number[] = [];
    const summary = await runLoad(trafficSchema.parse({ url: server.url, rate: '100/s' }), {
      durationMs: 100,
      onStart: (t0) => starts.push(t0),
      onSample: (s) => {
        samples.push(s);
        startsBefore.push(starts.length);
      },
    });
    expect(starts).toEqual([summary.t0]);
    expect(startsBefore).toEqual(samples.map(() => 1));
    expect(samples.map((s) => s.start).sort((a, b) => a - b)[0]).toBe(summary.t0);
    await server.close();
    const refused = await runLoad(trafficSchema.parse({ url: server.url, rate: '100/s' }), {
      durationMs: 100,
      onStart: (t0) => starts.push(t0),
      onSample: () => {},
    });
    expect(refused.unreachable).toMatch(/connection refused/);
    expect(starts).toHaveLength(1);
  });

  it('ramps the rate up linearly over ramp_up', async () => {
    const server = await serve();
    const { summary, samples } = await load({ url: server.url, rate: '200/s', ramp_up: '1s' }, { durationMs: 1000 });
    expect(summary.requests).toBe(100); // the average of 0 → 200/s over 1 s
    expect(server.requests).toBe(100);
    // Requests 0–24 are due before 500 ms; request 25 is due at exactly 500 ms, and (t0 + 500) − t0
    // can round to 499.99999… for some t0: the boundary is compared with a margin far below a microsecond.
    expect(samples.filter((s) => s.start - summary.t0 < 500 - 1e-6)).toHaveLength(25);
  });

  it('measures latency from the intended start, so a 1 s stall shows in p99 (unlike the closed model)', async () => {
    // Every request that arrives during the stall window is answered only when it ends.
    let stallFrom = Infinity;
    const server = await serve((_req, res) => {
      const now = performance.now();
      if (now >= stallFrom && now < stallFrom + 1000) setTimeout(() => res.end('late'), stallFrom + 1000 - now);
      else res.end('ok');
    });
    const stallAfter = (ms: number) => setTimeout(() => (stallFrom = performance.now()), ms);

    // 500 ms after the load's start (its start-up takes the machine's time, which must not eat the stall).
    const open = await load({ url: server.url, rate: '100/s' }, { durationMs: 2500, onStart: () => stallAfter(500) });
    stallFrom = Infinity;
    const closed = await load({ url: server.url, connections: 2 }, { durationMs: 2500, onStart: () => stallAfter(500) });

    // 100 of 250 open-model requests were due during the stall: p99 is near the full second.
    expect(open.summary.requests).toBe(250);
    expect(percentile(open.samples, 99)).toBeGreaterThan(800);
    expect(percentile(open.samples, 90)).toBeGreaterThan(500);
    // The closed model sent nothing while stuck: 2 slow requests hide among thousands.
    // A reduce, not Math.max(...): a fast machine makes more samples than a spread's stack holds.
    expect(closed.samples.reduce((max, s) => Math.max(max, s.latencyMs), 0)).toBeGreaterThan(800);
    expect(percentile(closed.samples, 99)).toBeLessThan(200);
  });

  it('drops requests beyond max_in_flight and counts them', async () => {
    const server = await serve((_req, res) => setTimeout(() => res.end('slow'), 400));
    const dropped: number[] = [];
    const { summary } = await load({ url: server.url, rate: '100/s', max_in_flight: 10 }, { durationMs: 300, onDropped: (due) => dropped.push(due) });
    expect(summary.requests).toBe(10);
    expect(summary.dropped).toBe(20);
    expect(dropped).toHaveLength(20);
    expect(dropped[0] - summary.t0).toBeCloseTo(100, 6);
  });

  it('splits traffic between weighted targets and sends their bodies', async () => {
    const seen: string[] = [];
    const server = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? '-'} ${body}`);
        res.end();
      });
    });
    const { summary } = await load(
      {
        targets: [
          { url: `${server.url}orders?x=1`, method: 'POST', json: { sku: 1 }, weight: 3 },
          { url: `${server.url}health`, headers: { 'x-probe': 'yes' } },
        ],
        rate: '200/s',
      },
      { durationMs: 200 },
    );
    expect(summary.requests).toBe(40);
    expect(seen.filter((s) => s === 'POST /orders?x=1 application/json {"sku":1}')).toHaveLength(30);
    expect(seen.filter((s) => s === 'GET /health - ')).toHaveLength(10);
  });
});

describe('stopping and unreachable targets', () => {
  it('stops at once on abort and resolves with what was measured', async () => {
    const server = await serve((_req, res) => setTimeout(() => res.end('ok'), 50));
    const controller = new AbortController();
    const samples: Sample[] = [];
    // Abort on the 10th answer, not after a fixed time: how many answers fit in 300 ms is the machine's business.
    const onSample = (sample: Sample) => {
      samples.push(sample);
      if (samples.length === 10) controller.abort();
    };
    const summary = await runLoad(trafficSchema.parse({ url: server.url, rate: '50/s' }), { durationMs: 10_000, signal: controller.signal, onSample });
    expect(summary.aborted).toBe(true);
    // Nothing recorded after the abort (requests in flight are abandoned), and it did not run its 10 s.
    expect(samples).toHaveLength(10);
    expect(summary.requests).toBe(10);
    expect(summary.elapsedMs).toBeLessThan(10_000);
  });

  it('reports a target that refuses connections at the start, without running', async () => {
    const server = await serve();
    await server.close();
    const started = performance.now();
    const { summary, samples } = await load({ url: `${server.url}orders`, connections: 5 }, { durationMs: 5000 });
    expect(summary.unreachable).toBe(`connection refused by 127.0.0.1:${server.port} (${server.url}orders)`);
    expect(samples).toHaveLength(0);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('records a target that dies mid-run as failures, not a crash', async () => {
    const server = await serve();
    const samples: Sample[] = [];
    let closedAt = Infinity;
    // The target dies on the 20th answer (an event, not a time), 1.8 s of due requests still to come.
    const onSample = (sample: Sample) => {
      samples.push(sample);
      if (samples.length === 20) {
        closedAt = performance.now();
        void server.close();
      }
    };
    // A timeout far above any answer's latency: a request the machine's load delays must not fail as a timeout.
    const summary = await runLoad(trafficSchema.parse({ url: server.url, rate: '100/s', timeout: '10s' }), { durationMs: 2000, onSample });
    expect(summary.requests).toBe(200);
    expect(samples).toHaveLength(200);
    expect(samples.slice(0, 20).every((s) => s.ok)).toBe(true);
    // Every request sent after the death failed: refused, or reset on a keep-alive connection the
    // engine had not yet seen closed.
    const after = samples.filter((s) => s.start > closedAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((s) => s.ok || (s.errorClass !== 'refused' && s.errorClass !== 'reset'))).toEqual([]);
    expect(after.some((s) => s.errorClass === 'refused')).toBe(true);
    expect(summary.failures).toBe(samples.filter((s) => !s.ok).length);
  });

  it('reports progress about once a second', async () => {
    const server = await serve();
    const progress: Progress[] = [];
    const { summary } = await load({ url: server.url, rate: '100/s' }, { durationMs: 3500, onProgress: (p) => progress.push(p) });
    // A report each second of a 3.5 s run: the second one comes 1.5 s before the end, however late.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(4);
    // Never sooner than a second apart (less a timer's early firing on the loop's cached clock).
    progress.forEach((p, i) => expect(p.elapsedMs).toBeGreaterThan(1000 * (i + 1) - 50));
    expect(progress[0]).toMatchObject({ durationMs: 3500, failures: 0, dropped: 0 });
    // Counts run on; the rate and p99 are of the last interval only.
    expect(progress[1].requests).toBeGreaterThan(progress[0].requests);
    expect(progress.at(-1)!.requests).toBeLessThanOrEqual(summary.requests);
    expect(progress[0].rps).toBeCloseTo((progress[0].requests * 1000) / progress[0].elapsedMs, 6);
    expect(progress[1].rps).toBeCloseTo(((progress[1].requests - progress[0].requests) * 1000) / (progress[1].elapsedMs - progress[0].elapsedMs), 6);
    expect(progress[1].p99Ms).toBeGreaterThan(0);
  });
});
