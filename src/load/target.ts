/**
 * Targets turned into what the hot path needs: the request's bytes written once, the origin whose
 * keep-alive connections it can reuse, and a weighted picker that is exact rather than random.
 */
import { readFileSync } from 'node:fs';
import { Origin } from './http-connection.js';
import type { LoadTarget } from './schema.js';
import type { RequestTags } from './sample.js';

export interface PreparedTarget {
  url: string;
  origin: Origin;
  /** The whole request: request line, headers, body. */
  bytes: Buffer;
  /** A HEAD request: its response has no body. */
  head: boolean;
  weight: number;
  /** Its requests' tags: `name` (given, or method and path) and `method`. */
  tags: RequestTags;
}

export interface PrepareOptions {
  /** For https targets: a CA file to trust, or no check. */
  tls?: { ca?: string; insecure: boolean };
  /** false: every request says `connection: close`. */
  keepAlive?: boolean;
}

/** Builds each target's request bytes; targets on the same scheme, host and port share one Origin. */
export function prepareTargets(targets: readonly LoadTarget[], options: PrepareOptions = {}, origins = new Origins(options)): PreparedTarget[] {
  return targets.map((target) => {
    const url = new URL(target.url);
    const origin = origins.get(url);
    const bytes = requestBytes(target.method, `${url.pathname}${url.search}`, url.host, Object.entries(target.headers), target.body, options.keepAlive ?? true);
    const tags = { name: target.name ?? `${target.method} ${url.pathname}${url.search}`, method: target.method };
    return { url: target.url, origin, bytes, head: target.method === 'HEAD', weight: target.weight, tags };
  });
}

/** One Origin per scheme, host and port, so requests to it share its keep-alive connections. */
export class Origins {
  private readonly byKey = new Map<string, Origin>();
  // Read once for every https origin of the run.
  private readonly ca: Buffer | undefined;

  constructor(private readonly options: PrepareOptions) {
    this.ca = options.tls?.ca === undefined ? undefined : readFileSync(options.tls.ca);
  }

  get(url: URL): Origin {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const https = url.protocol === 'https:';
    const port = Number(url.port || (https ? 443 : 80));
    const key = `${url.protocol}//${host}:${port}`;
    let origin = this.byKey.get(key);
    if (!origin) this.byKey.set(key, (origin = new Origin(host, port, https ? { ca: this.ca, insecure: this.options.tls?.insecure ?? false } : undefined)));
    return origin;
  }

  all(): Origin[] {
    return [...this.byKey.values()];
  }
}

const SENDS_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A whole HTTP/1.1 request: request line, the headers given plus host, user-agent and content-length, and the body. */
export function requestBytes(
  method: string,
  pathAndQuery: string,
  host: string,
  headers: Iterable<readonly [string, string]>,
  body: string | undefined,
  keepAlive: boolean,
): Buffer {
  const lines = [`${method} ${pathAndQuery} HTTP/1.1`];
  const given = new Set<string>();
  const own: string[] = [];
  for (const [name, value] of headers) {
    given.add(name.toLowerCase());
    own.push(`${name}: ${value}`);
  }
  if (!given.has('host')) lines.push(`host: ${host}`);
  if (!given.has('user-agent')) lines.push('user-agent: chaos-gate');
  // The server closes after answering; the generator then opens a new connection for the next.
  if (!keepAlive && !given.has('connection')) lines.push('connection: close');
  lines.push(...own);
  const payload = body === undefined ? undefined : Buffer.from(body);
  if (!given.has('content-length') && (payload !== undefined || SENDS_BODY.has(method))) lines.push(`content-length: ${payload?.length ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return payload ? Buffer.concat([head, payload]) : head;
}

/**
 * Smooth weighted round-robin (nginx's): over any window of sum(weights) picks, each target gets
 * exactly its share, interleaved rather than in runs.
 */
export class TargetPicker<T extends { weight: number }> {
  private readonly current: number[];
  private readonly total: number;

  constructor(private readonly targets: readonly T[]) {
    this.current = targets.map(() => 0);
    this.total = targets.reduce((sum, t) => sum + t.weight, 0);
  }

  next(): T {
    if (this.targets.length === 1) return this.targets[0];
    let best = 0;
    for (let i = 0; i < this.targets.length; i++) {
      this.current[i] += this.targets[i].weight;
      if (this.current[i] > this.current[best]) best = i;
    }
    this.current[best] -= this.total;
    return this.targets[best];
  }
}
