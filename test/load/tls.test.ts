/**
 * HTTPS targets and keep-alive off, against real servers: a self-signed certificate trusted
 * through `tls.ca` or `tls.insecure`, named before anything is sent when it is not trusted; and a
 * new connection for every request when `keep_alive: false`.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.js';
import { trafficSchema } from '../../src/load/schema.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { httpServer } from './servers.js';

let dir: string;
let server: Server;
let url: string;
let requests = 0;
let connections = 0;

beforeAll(async () => {
  const certificate = selfSignedCertificate();
  dir = certificate.dir;
  server = createServer({ key: certificate.key, cert: certificate.cert }, (_req, res) => {
    requests++;
    res.end('ok');
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://localhost:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('https targets', () => {
  it('loads an https target whose self-signed certificate is trusted through tls.ca, over kept-alive TLS connections', async () => {
    requests = connections = 0;
    const summary = await runLoad(trafficSchema.parse({ url, connections: 2, tls: { ca: join(dir, 'cert.pem') } }), {
      durationMs: 400,
      onSample: () => undefined,
    });
    expect(summary.unreachable).toBeUndefined();
    expect(summary.requests).toBeGreaterThan(20);
    expect(summary.failures).toBe(0);
    expect(requests).toBe(summary.requests);
    // Two loops and the start-up probe's handshake: connections are reused.
    expect(connections).toBeLessThanOrEqual(3);
  });

  it('trusts any certificate with tls.insecure, and names an untrusted one before sending anything', async () => {
    const insecure = await runLoad(trafficSchema.parse({ url, rate: '50/s', tls: { insecure: true } }), { durationMs: 300, onSample: () => undefined });
    expect(insecure.failures).toBe(0);
    expect(insecure.requests).toBe(15);

    requests = 0;
    const untrusted = await runLoad(trafficSchema.parse({ url, rate: '50/s' }), { durationMs: 300, onSample: () => undefined });
    expect(untrusted.requests).toBe(0);
    expect(untrusted.unreachable).toMatch(
      /^the certificate of localhost:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); give load.tls.ca, or tls.insecure: true for a local self-signed one \(https:/,
    );
    expect(requests).toBe(0);
  });

  it('refuses ca and insecure together, and a ca file that is not there, at the key', () => {
    const both = trafficSchema.safeParse({ url, rate: '1/s', tls: { ca: join(dir, 'cert.pem'), insecure: true } });
    expect(both.error?.issues[0]).toMatchObject({ path: ['tls', 'insecure'] });
    const missing = trafficSchema.safeParse({ url, rate: '1/s', tls: { ca: join(dir, 'nope.pem') } });
    expect(missing.error?.issues[0]).toMatchObject({ path: ['tls', 'ca'], message: expect.stringContaining('expected an existing PEM file') });
  });
});

describe('keep_alive: false', () => {
  it('opens a new connection for every request', async () => {
    const plain = await httpServer();
    try {
      const summary = await runLoad(trafficSchema.parse({ url: plain.url, connections: 2, keep_alive: false }), { durationMs: 300, onSample: () => undefined });
      expect(summary.failures).toBe(0);
      expect(summary.requests).toBeGreaterThan(10);
      // One connection per request, plus the start-up probe's.
      expect(plain.connections).toBe(summary.requests + 1);
    } finally {
      await plain.close();
    }
  });
});
