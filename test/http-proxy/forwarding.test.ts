/**
 * With no fault, the HTTP proxy passes everything through as it came: bodies byte for byte both
 * ways (undici, fetch and curl as clients), methods, query, headers (hop-by-hop ones dropped),
 * streamed SSE, `Expect: 100-continue`, Upgrade, an https upstream with its CA file.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request as undiciRequest } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpProxyRegistry } from '../../src/http-proxy/registry.js';
import { selfSignedCertificate } from '../helpers/tls.js';
import { echo, pattern, sha256, startHttpProxy, upstream } from './helpers.js';

const registries: HttpProxyRegistry[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.closeAll()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function proxyTo(handler: Parameters<typeof upstream>[0], extra?: Record<string, unknown>) {
  const up = await upstream(handler);
  closers.push(up.close);
  const registry = new HttpProxyRegistry();
  registries.push(registry);
  return { up, proxy: await startHttpProxy(registry, up.url, extra) };
}

/** Each masked frame a client sent (payloads under 126 bytes), echoed back unmasked; null at a close frame. */
function echoFrames(data: Buffer): Buffer | null {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    if ((data[at] & 0x0f) === 8) return null;
    const length = data[at + 1] & 0x7f;
    const mask = data.subarray(at + 2, at + 6);
    const payload = Buffer.from(data.subarray(at + 6, at + 6 + length).map((byte, i) => byte ^ mask[i % 4]));
    out.push(Buffer.from([0x81, length]), payload);
    at += 6 + length;
  }
  return Buffer.concat(out);
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const SIZE = 24 << 20;
const download = pattern(SIZE, 3);

/** POST: echoes the body's hash; GET /download: 24 MiB of known bytes, chunked. */
const bodies: Parameters<typeof upstream>[0] = (req, res) => {
  if (req.url === '/download') {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < SIZE; i += 1 << 16) yield download.subarray(i, i + (1 << 16));
      })(),
    );
    stream.pipe(res);
    return;
  }
  echo(req, res);
};

describe('HTTP proxy pass-through', () => {
  it('streams a 24 MiB upload and download byte for byte, with undici, fetch and curl', async () => {
    const { proxy } = await proxyTo(bodies);
    const upload = pattern(SIZE, 11);

    // undici: a streamed request body (no content-length: chunked), a streamed response.
    const sent = await undiciRequest(`${proxy.url}/upload`, {
      method: 'PUT',
      body: Readable.from(
        (function* () {
          for (let i = 0; i < SIZE; i += 1 << 20) yield upload.subarray(i, i + (1 << 20));
        })(),
      ),
    });
    expect(await sent.body.json()).toMatchObject({ method: 'PUT', sha256: sha256(upload), bytes: SIZE });
    const got = await undiciRequest(`${proxy.url}/download`);
    expect(sha256(Buffer.from(await got.body.arrayBuffer()))).toBe(sha256(download));

    // fetch: a body with content-length.
    const posted = await fetch(`${proxy.url}/upload`, { method: 'POST', body: upload });
    expect(await posted.json()).toMatchObject({ sha256: sha256(upload), bytes: SIZE });
    expect(sha256(Buffer.from(await (await fetch(`${proxy.url}/download`)).arrayBuffer()))).toBe(sha256(download));

    // curl, both ways through files.
    const dir = mkdtempSync(join(tmpdir(), 'cg-http-'));
    writeFileSync(join(dir, 'up.bin'), upload);
    const put = await curl(['-X', 'POST', '--data-binary', `@${join(dir, 'up.bin')}`, `${proxy.url}/upload`]);
    expect(put.code).toBe(0);
    expect(JSON.parse(put.stdout)).toMatchObject({ sha256: sha256(upload), bytes: SIZE });
    const fetched = await curl(['-o', join(dir, 'down.bin'), `${proxy.url}/download`]);
    expect(fetched.code).toBe(0);
    expect(sha256(readFileSync(join(dir, 'down.bin')))).toBe(sha256(download));

    // The journal keeps 64 KiB of each body and the whole body's length.
    const [first] = proxy.journal.list({ method: 'PUT' });
    expect(first.request.bodyBytes).toBe(SIZE);
    expect(Buffer.from(first.request.body, 'latin1').length).toBeLessThanOrEqual(64 << 10);
    expect(first.request.bodySha256).toBeUndefined();
    expect(first.status).toBe(200);
    expect(first.exchange!.upstreamMs).toBeGreaterThan(0);
    expect(proxy.journal.list({ path: '/download' })[0].exchange!.responseBytes).toBe(SIZE);
  });

  it('keeps methods, the query as sent and end-to-end headers; drops hop-by-hop ones; sends the upstream its own Host', async () => {
    const { up, proxy } = await proxyTo((req, res) => {
      if (req.url === '/answer') {
        res.writeHead(
          201,
          'Made',
          [
            ['Connection', 'x-secret'],
            ['x-secret', '1'],
            ['X-Kept', '2'],
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
          ].flat(),
        );
        res.end('ok');
        return;
      }
      echo(req, res);
    });
    for (const method of ['GET', 'PATCH', 'DELETE', 'OPTIONS', 'PUT']) {
      // curl, since fetch will not send Connection or TE headers of the caller's.
      const answer = await curl([
        '-X',
        method,
        '-H',
        'X-Case-Test: Yes',
        '-H',
        'Connection: keep-alive, x-hop',
        '-H',
        'x-hop: gone',
        '-H',
        'Proxy-Authorization: Basic x',
        '-H',
        'TE: trailers',
        `${proxy.url}/v1/items/7?a=1&a=2&b=%20x`,
      ]);
      const seen = JSON.parse(answer.stdout) as { method: string; url: string; headers: Record<string, string>; rawHeaders: string[] };
      expect(seen.method).toBe(method);
      expect(seen.url).toBe('/v1/items/7?a=1&a=2&b=%20x');
      expect(seen.headers['x-case-test']).toBe('Yes');
      expect(seen.rawHeaders).toContain('X-Case-Test');
      expect(seen.headers.host).toBe(new URL(up.url).host);
      expect(seen.headers['x-hop']).toBeUndefined();
      expect(seen.headers['proxy-authorization']).toBeUndefined();
      expect(seen.headers.te).toBeUndefined();
    }
    const answer = await undiciRequest(`${proxy.url}/answer`);
    expect(answer.statusCode).toBe(201);
    expect(answer.headers['x-kept']).toBe('2');
    expect(answer.headers['x-secret']).toBeUndefined();
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(await answer.body.text()).toBe('ok');
  });

  it('streams server-sent events as they come, not when the stream ends', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { proxy } = await proxyTo((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: {"n":1}\n\n');
      void released.then(() => res.end('data: {"n":2}\n\n'));
    });
    const answer = await fetch(`${proxy.url}/events`);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    const reader = answer.body!.getReader();
    // The first event arrives while the upstream still holds the stream open.
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: {"n":1}\n\n');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('data: {"n":2}\n\n');
  });

  it("relays the upstream's 100 Continue to a client that waits for it", async () => {
    const { up, proxy } = await proxyTo(echo);
    let expected = '';
    up.server.on('checkContinue', (req, res) => {
      expected = String(req.headers.expect);
      res.writeContinue();
      echo(req, res);
    });
    const dir = mkdtempSync(join(tmpdir(), 'cg-http-'));
    const body = pattern(1 << 20, 5);
    writeFileSync(join(dir, 'body.bin'), body);
    // curl waits up to 20 s for the 100 before sending; --max-time 10 fails the call if it never comes.
    const sent = await curl([
      '-v',
      '--expect100-timeout',
      '20',
      '-H',
      'Expect: 100-continue',
      '--data-binary',
      `@${join(dir, 'body.bin')}`,
      `${proxy.url}/upload`,
    ]);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toMatch(/< HTTP\/1\.1 100 Continue/);
    expect(JSON.parse(sent.stdout)).toMatchObject({ sha256: sha256(body) });
    expect(expected).toBe('100-continue');
  });

  it('passes an Upgrade through untouched: the two sockets are joined', async () => {
    const { proxy, up } = await proxyTo(echo);
    up.server.on('upgrade', (_req, socket: Socket, head: Buffer) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      if (head.length > 0) socket.write(head);
      socket.pipe(socket);
    });
    const { port } = new URL(proxy.url);
    const request = httpRequest({ host: '127.0.0.1', port, path: '/ws', headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
    request.end();
    const [response, socket] = (await once(request, 'upgrade')) as [{ statusCode: number; headers: Record<string, string> }, Socket];
    expect(response.statusCode).toBe(101);
    expect(response.headers.upgrade).toBe('echo');
    const payload = pattern(1 << 20, 9);
    const chunks: Buffer[] = [];
    let received = 0;
    const done = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= payload.length) resolve();
      }),
    );
    socket.write(payload);
    await done;
    socket.destroy();
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(payload));
    expect(proxy.journal.list({ path: '/ws' })[0].status).toBe(101);
  });

  it("carries a real WebSocket conversation through untouched: Node's WebSocket client, an RFC 6455 echo server", async () => {
    const { proxy, up } = await proxyTo(echo);
    up.server.on('upgrade', (req, socket: Socket) => {
      const accept = createHash('sha1')
        .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      // Text frames come back; a close frame (opcode 8) ends the connection.
      socket.on('data', (data: Buffer) => {
        const echoed = echoFrames(data);
        if (echoed) socket.write(echoed);
        else socket.end();
      });
    });
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/chat`);
    await new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }));
    const replies: string[] = [];
    const done = new Promise<void>((resolve) =>
      ws.addEventListener('message', (event) => {
        replies.push(String(event.data));
        if (replies.length === 3) resolve();
      }),
    );
    for (const text of ['hello', 'über', 'x'.repeat(100)]) ws.send(text);
    await done;
    ws.close();
    expect(replies).toEqual(['hello', 'über', 'x'.repeat(100)]);
  });

  it('reaches an https upstream with a self-signed certificate once given its ca_file, and says why it cannot without', async () => {
    const { dir, key, cert } = selfSignedCertificate();
    const server = createHttpsServer({ key, cert }, echo);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    const registry = new HttpProxyRegistry();
    registries.push(registry);

    const trusting = await registry.create(
      (await import('../../src/http-proxy/schema.js')).httpProxySchema(dir).parse({
        name: 'tls',
        listen: '127.0.0.1:0',
        upstream: `https://localhost:${port}/base`,
        ca_file: 'cert.pem',
      }),
    );
    const answer = await fetch(`${trusting.url}/v1/x?y=1`, { method: 'POST', body: 'hi' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ url: '/base/v1/x?y=1', bytes: 2, headers: { host: `localhost:${port}` } });

    const doubting = await startHttpProxy(registry, `https://127.0.0.1:${port}`, { name: 'tls2' });
    const refused = await fetch(`${doubting.url}/`);
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: string }).error).toMatch(/SELF_SIGNED/);
  });

  it('answers 502 naming the upstream when it refuses the connection', async () => {
    const gone = await upstream(echo);
    await gone.close();
    const registry = new HttpProxyRegistry();
    registries.push(registry);
    const proxy = await startHttpProxy(registry, gone.url);
    const answer = await fetch(`${proxy.url}/x`);
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { error: string }).error).toContain(`upstream ${new URL(gone.url).host}: ECONNREFUSED`);
    expect(proxy.journal.list()[0]).toMatchObject({ status: 502, exchange: { error: expect.stringContaining('ECONNREFUSED') } });
  });
});
