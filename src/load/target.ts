/**
 * Targets turned into what the hot path needs: the request's bytes written once, the origin whose
 * keep-alive connections it can reuse, and a weighted picker that is exact rather than random.
 */
import { readFileSync } from 'node:fs';
import { Origin } from './http-connection.js';
import type { LoadTarget } from './schema.js';

export interface PreparedTarget {
  url: string;
  origin: Origin;
  /** The whole request: request line, headers, body. */
  bytes: Buffer;
  /** A HEAD request: its response has no body. */
  head: boolean;
  weight: number;
}

export interface PrepareOptions {
  /** For https targets: a CA file to trust, or no check. */
  tls?: { ca?: string; insecure: boolean };
  /** false: every request says `connection: close`. */
  keepAlive?: boolean;
}

/** Builds each target's request bytes; targets on the same scheme, host and port share one Origin. */
export function prepareTargets(targets: readonly LoadTarget[], options: PrepareOptions = {}): PreparedTarget[] {
  const origins = new Map<string, Origin>();
  // Read once for every https origin of the run.
  const ca = options.tls?.ca === undefined ? undefined : readFileSync(options.tls.ca);
  return targets.map((target) => {
    const url = new URL(target.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const https = url.protocol === 'https:';
    const port = Number(url.port || (https ? 443 : 80));
    const key = `${url.protocol}//${host}:${port}`;
    let origin = origins.get(key);
    if (!origin) origins.set(key, (origin = new Origin(host, port, https ? { ca, insecure: options.tls?.insecure ?? false } : undefined)));
    const bytes = requestBytes(target, url, options.keepAlive ?? true);
    return { url: target.url, origin, bytes, head: target.method === 'HEAD', weight: target.weight };
  });
}

const SENDS_BODY = new Set(['POST', 'PUT', 'PATCH']);

function requestBytes(target: LoadTarget, url: URL, keepAlive: boolean): Buffer {
  const given = new Set(Object.keys(target.headers).map((name) => name.toLowerCase()));
  const lines = [`${target.method} ${url.pathname}${url.search} HTTP/1.1`];
  if (!given.has('host')) lines.push(`host: ${url.host}`);
  if (!given.has('user-agent')) lines.push('user-agent: chaos-gate');
  // The server closes after answering; the generator then opens a new connection for the next.
  if (!keepAlive && !given.has('connection')) lines.push('connection: close');
  for (const [name, value] of Object.entries(target.headers)) lines.push(`${name}: ${value}`);
  const body = target.body === undefined ? undefined : Buffer.from(target.body);
  if (!given.has('content-length') && (body !== undefined || SENDS_BODY.has(target.method))) lines.push(`content-length: ${body?.length ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
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
