/** A real upstream (node:http) and HTTP proxies in front of it, as a user declares them. */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProxyRegistry } from '../../src/http-proxy/registry.js';
import { httpFaultSchema, httpProxySchema, type HttpFaultInput } from '../../src/http-proxy/schema.js';
import type { HttpProxy } from '../../src/http-proxy/server.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A node:http server on a free loopback port; `url` is its base. */
export async function upstream(handler: Handler): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers every request with what it received: method, url, headers and the request body's sha256 and length. */
export const echo: Handler = (req, res) => {
  const hash = createHash('sha256');
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, sha256: hash.digest('hex'), bytes }));
  });
};

export async function startHttpProxy(registry: HttpProxyRegistry, upstreamUrl: string, extra: Record<string, unknown> = {}): Promise<HttpProxy> {
  return registry.create(httpProxySchema(process.cwd()).parse({ name: 'dep', listen: '127.0.0.1:0', upstream: upstreamUrl, ...extra }));
}

export const fault = (input: HttpFaultInput) => httpFaultSchema.parse(input);

/** Deterministic bytes: the same `size` and `seed` give the same body. */
export function pattern(size: number, seed = 7): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
