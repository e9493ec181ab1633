import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.js';
import type { Sample } from '../../src/load/sample.js';
import { trafficSchema } from '../../src/load/schema.js';
import { httpServer, tcpServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function samplesFrom(server: TestServer, extra: Record<string, unknown> = {}, durationMs = 200): Promise<Sample[]> {
  servers.push(server);
  const samples: Sample[] = [];
  const summary = await runLoad(trafficSchema.parse({ url: server.url, rate: '50/s', ...extra }), { durationMs, onSample: (s) => samples.push(s) });
  expect(summary.unreachable).toBeUndefined();
  expect(samples.length).toBeGreaterThan(0);
  return samples;
}

const classes = (samples: Sample[]) => [...new Set(samples.map((s) => `${s.ok ? 'ok' : s.errorClass}:${s.status ?? '-'}`))];

describe('failure classification', () => {
  it('5xx, 429 and other 4xx by status', async () => {
    expect(classes(await samplesFrom(await httpServer((_req, res) => res.writeHead(503).end())))).toEqual(['status_5xx:503']);
    expect(classes(await samplesFrom(await httpServer((_req, res) => res.writeHead(429).end())))).toEqual(['status_429:429']);
    expect(classes(await samplesFrom(await httpServer((_req, res) => res.writeHead(404).end())))).toEqual(['status_4xx:404']);
    expect(classes(await samplesFrom(await httpServer((_req, res) => res.writeHead(302, { location: '/' }).end())))).toEqual(['ok:302']);
  });

  it('follows expect.status: listed statuses succeed, others fail', async () => {
    const created = await samplesFrom(await httpServer((_req, res) => res.writeHead(201).end()), { expect: { status: [201] } });
    expect(classes(created)).toEqual(['ok:201']);
    const plain = await samplesFrom(await httpServer((_req, res) => res.writeHead(200).end()), { expect: { status: [201] } });
    expect(classes(plain)).toEqual(['other:200']);
    const teapot = await samplesFrom(await httpServer((_req, res) => res.writeHead(418).end()), { expect: { status: [418] } });
    expect(classes(teapot)).toEqual(['ok:418']);
  });

  it('reads responses framed every way to their end', async () => {
    const chunked = await httpServer((_req, res) => {
      res.write('part one, ');
      res.end('part two');
    });
    expect(classes(await samplesFrom(chunked))).toEqual(['ok:200']);
    const untilClose = await tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\n\r\nthe body ends at close')));
    expect(classes(await samplesFrom(untilClose))).toEqual(['ok:200']);
    const head = await httpServer((_req, res) => res.writeHead(200, { 'content-length': 1000 }).end());
    expect(classes(await samplesFrom(head, { target: { url: head.url, method: 'HEAD' }, url: undefined }))).toEqual(['ok:200']);
  });

  it('a connection reset by the peer', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    expect(classes(await samplesFrom(server))).toEqual(['reset:-']);
  });

  it('a connection closed halfway through a response', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')));
    expect(classes(await samplesFrom(server))).toEqual(['reset:-']);
  });

  it('a server that never answers times out after `timeout`', async () => {
    const server = await tcpServer(() => {});
    const samples = await samplesFrom(server, { timeout: '150ms' }, 100);
    expect(classes(samples)).toEqual(['timeout:-']);
    for (const s of samples) expect(s.latencyMs).toBeGreaterThanOrEqual(150);
    for (const s of samples) expect(s.latencyMs).toBeLessThan(400);
  });

  it('garbage instead of HTTP is `other`', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.write('SSH-2.0-OpenSSH_9.0\r\n\r\n')));
    expect(classes(await samplesFrom(server))).toEqual(['other:-']);
  });

  it('connections refused mid-run', async () => {
    const server = await httpServer();
    const samples: Sample[] = [];
    let closedAt = Infinity;
    const done = runLoad(trafficSchema.parse({ url: server.url, rate: '100/s' }), { durationMs: 400, onSample: (s) => samples.push(s) });
    setTimeout(() => {
      closedAt = performance.now();
      void server.close();
    }, 100);
    await done;
    // A request caught in flight by the close is a reset; every one after it is refused.
    const after = samples.filter((s) => s.start > closedAt + 5);
    expect(after.length).toBeGreaterThan(10);
    expect(classes(after)).toEqual(['refused:-']);
  });
});
