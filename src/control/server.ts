/**
 * The control API: one HTTP listener over the proxies, mocks and metrics of a run.
 *
 *   test / Toxiproxy client ──HTTP──► control server ──► Router ──► route modules
 *                                                                   (proxies, mocks, metrics)
 *
 * Speaks Toxiproxy's JSON API so its clients work unchanged. Handlers never block on traffic,
 * so the API stays responsive while faults are toggled under load.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOn } from '../address.js';
import { ApiError, toApiError } from './errors.js';
import type { ApiRequest, ApiResponse, Router } from './router.js';

export interface ControlServerOptions {
  /** `host:port`; port 0 picks a free one. */
  listen: string;
  /** When set, every call needs `Authorization: Bearer <token>`. */
  token?: string;
  router: Router;
}

const MAX_BODY_BYTES = 1 << 20;

export class ControlServer {
  private readonly server: Server;

  constructor(private readonly options: ControlServerOptions) {
    this.server = createServer((req, res) => void this.serve(req, res));
    // Keep-alive sockets of clients must not hold the process open after close().
    this.server.keepAliveTimeout = 1000;
  }

  /** Starts listening; rejects with a ListenError (address in use…) when the address cannot be bound. */
  async start(): Promise<void> {
    await listenOn(this.server, this.options.listen);
  }

  /** Base URL, e.g. `http://127.0.0.1:8474`. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      this.guard(req);
      const url = requestUrl(req.url);
      const { handler, params } = this.options.router.match(req.method ?? 'GET', url.pathname);
      const text = await readBody(req);
      const request: ApiRequest = {
        method: req.method ?? 'GET',
        params,
        query: url.searchParams,
        text,
        get body() {
          return parseJson(text);
        },
        raw: req,
      };
      write(res, await handler(request));
    } catch (error) {
      const api = toApiError(error);
      write(res, { status: api.status, json: { error: api.message, status: api.status, ...api.extra } });
    }
  }

  /** Refuses calls without the token and calls a browser makes on a page's behalf (cross-site requests). */
  private guard(req: IncomingMessage): void {
    const { token } = this.options;
    if (token && req.headers.authorization !== `Bearer ${token}`) throw new ApiError(401, 'missing or wrong bearer token');
    // As Toxiproxy does: a browser could be tricked into calling a loopback API.
    if (req.headers['user-agent']?.startsWith('Mozilla/')) throw new ApiError(403, 'User agent not allowed');
    if (req.headers.origin !== undefined || req.headers['sec-fetch-site'] === 'cross-site') {
      throw new ApiError(403, 'cross-site requests are not allowed');
    }
  }
}

/** The request target as a URL: `//x` is a path here, not a host, and one that does not parse is the client's mistake. */
function requestUrl(target = '/'): URL {
  try {
    return new URL(target.startsWith('/') ? `http://control${target}` : target, 'http://control');
  } catch {
    throw ApiError.bad(`malformed request target "${target}"`);
  }
}

function write(res: ServerResponse, response: ApiResponse): void {
  if ('text' in response) {
    res.writeHead(response.status, { 'content-type': response.contentType });
    res.end(response.text);
  } else if (response.json === undefined) {
    res.writeHead(response.status);
    res.end();
  } else {
    const text = JSON.stringify(response.json);
    res.writeHead(response.status, { 'content-type': 'application/json' });
    res.end(text);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    // Toxiproxy's words, with the parser's reason.
    throw ApiError.bad(`bad request body: ${(error as Error).message}`);
  }
}
