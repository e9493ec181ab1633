/**
 * Recording real exchanges into a mock, as WireMock's recorder and mountebank's proxy imposters
 * do: what a flaky staging API answered becomes a deterministic `mocks:` entry.
 *
 *   exchanges ──► one route per method, path and query, answering what was recorded, in order
 *             └─► per path template (/items/{id}) seen with several ids: a route answering the last
 *
 * Bounded: a response body over RECORD_BODY_BYTES is not kept (the exchange is skipped and
 * counted), and the recording holds at most RECORDING_BYTES in all (later exchanges are counted
 * as dropped). Faulted exchanges are never recorded: they are the proxy's answer, not the upstream's.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JournalRequest } from '../mock/journal.js';

export const RECORD_BODY_BYTES = 1 << 20;
export const RECORDING_BYTES = 64 << 20;

/** Response headers that differ from call to call, or that the mock sets itself. */
const VOLATILE = new Set([
  'date',
  'server',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'etag',
  'last-modified',
  'age',
  'expires',
  'set-cookie',
  'x-request-id',
  'x-correlation-id',
  'request-id',
  'traceparent',
  'tracestate',
  'x-amzn-requestid',
  'x-amz-request-id',
  'cf-ray',
  'x-runtime',
  'x-envoy-upstream-service-time',
]);

export interface Exchange {
  method: string;
  path: string;
  rawQuery: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One response being recorded: its head, and its body up to RECORD_BODY_BYTES. */
export class RecordedExchange {
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  bytes = 0;

  response(status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
  }

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes <= RECORD_BODY_BYTES) this.chunks.push(chunk);
  }

  /** The whole exchange, or a reason it is not kept. */
  finish(request: JournalRequest): Exchange | string {
    if (this.bytes > RECORD_BODY_BYTES) return `${request.method} ${request.path}: response body of ${this.bytes} bytes, over ${RECORD_BODY_BYTES}`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.headers)) {
      if (value === undefined || VOLATILE.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { method: request.method, path: request.path, rawQuery: request.rawQuery, status: this.status, headers, body: Buffer.concat(this.chunks) };
  }
}

/** A mock route as chaos-gate.yml writes it. */
export interface RecordedRoute {
  request: { method: string; path: string; query?: Record<string, string> };
  respond: Record<string, unknown>[];
}

export interface RecordedMock {
  /** The `mocks:` entry. */
  mock: { name: string; listen: string; routes: RecordedRoute[] };
  /** Binary bodies, by the relative file name their `body_file` gives. */
  files: Map<string, Buffer>;
  exchanges: number;
  /** What was not kept, and why (`over the size limit`, `dropped: the recording was full`). */
  skipped: string[];
}

export class Recording {
  private readonly exchanges: Exchange[] = [];
  private bytes = 0;
  private readonly skipped: string[] = [];
  private dropped = 0;

  start(): RecordedExchange {
    return new RecordedExchange();
  }

  get size(): number {
    return this.exchanges.length;
  }

  keep(exchange: Exchange | string): void {
    if (typeof exchange === 'string') {
      if (this.skipped.length < 100) this.skipped.push(exchange);
      return;
    }
    const bytes = exchange.body.length + exchange.path.length + exchange.rawQuery.length + 256;
    if (this.bytes + bytes > RECORDING_BYTES) {
      this.dropped++;
      return;
    }
    this.bytes += bytes;
    this.exchanges.push(exchange);
  }

  /** The mock: `name` and `listen` as given; binary bodies under `filesDir/` (relative to the mock's file). */
  toMock(name: string, listen: string, filesDir: string): RecordedMock {
    const files = new Map<string, Buffer>();
    const exact = new Map<string, { method: string; path: string; query: URLSearchParams; responses: Exchange[] }>();
    for (const exchange of this.exchanges) {
      const key = `${exchange.method} ${exchange.path}?${exchange.rawQuery}`;
      let group = exact.get(key);
      if (!group) exact.set(key, (group = { method: exchange.method, path: exchange.path, query: new URLSearchParams(exchange.rawQuery), responses: [] }));
      group.responses.push(exchange);
    }
    const respond = (exchange: Exchange): Record<string, unknown> => {
      const entry: Record<string, unknown> = { status: exchange.status };
      if (Object.keys(exchange.headers).length > 0) entry.headers = exchange.headers;
      Object.assign(
        entry,
        body(exchange, () => {
          const file = `${filesDir}/${files.size + 1}.bin`;
          files.set(file, exchange.body);
          return file;
        }),
      );
      return entry;
    };
    // More query parameters first: a route matches when the ones it names match.
    const groups = [...exact.values()].sort((a, b) => [...b.query.keys()].length - [...a.query.keys()].length);
    const routes: RecordedRoute[] = groups.map((group) => {
      const query = Object.fromEntries(group.query);
      return {
        request: { method: group.method, path: group.path, ...(Object.keys(query).length > 0 ? { query } : {}) },
        respond: sequence(group.responses.map(respond)),
      };
    });
    // Paths with ids seen more than once: a template answering the last, for ids not recorded.
    const templates = new Map<string, { paths: Set<string>; last: Exchange; method: string; path: string }>();
    for (const exchange of this.exchanges) {
      const path = template(exchange.path);
      if (path === exchange.path) continue;
      const key = `${exchange.method} ${path}`;
      const seen = templates.get(key) ?? { paths: new Set<string>(), last: exchange, method: exchange.method, path };
      seen.paths.add(exchange.path);
      seen.last = exchange;
      templates.set(key, seen);
    }
    for (const seen of templates.values()) {
      if (seen.paths.size > 1) routes.push({ request: { method: seen.method, path: seen.path }, respond: [respond(seen.last)] });
    }
    const skipped = [...this.skipped];
    if (this.dropped > 0) skipped.push(`${this.dropped} exchanges dropped: the recording holds at most ${RECORDING_BYTES >> 20} MiB`);
    return { mock: { name, listen, routes }, files, exchanges: this.exchanges.length, skipped };
  }
}

/** Recorded answers in order, a run of equal ones as one entry with `times`; the last repeats. */
function sequence(entries: Record<string, unknown>[]): Record<string, unknown>[] {
  const out: { entry: Record<string, unknown>; text: string; times: number }[] = [];
  for (const entry of entries) {
    const text = JSON.stringify(entry);
    const last = out[out.length - 1];
    if (last && last.text === text) last.times++;
    else out.push({ entry, text, times: 1 });
  }
  return out.map(({ entry, times }, i) => (times > 1 && i < out.length - 1 ? { ...entry, times } : entry));
}

/** The body as JSON where it is JSON, as text where it is text, else in a file. */
function body(exchange: Exchange, file: () => string): Record<string, unknown> {
  if (exchange.body.length === 0) return {};
  const type = exchange.headers['content-type'] ?? '';
  const text = exchange.body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(exchange.body);
  if (isText && /\bjson\b/i.test(type)) {
    try {
      return { json: JSON.parse(text) };
    } catch {
      // Not JSON after all: kept as text below.
    }
  }
  // Text with `{{` would be read as a template: it goes to a file, which is sent as it is.
  return isText && !text.includes('{{') ? { body: text } : { body_file: file() };
}

/** `/items/42/parts/9f86d081` → `/items/{id}/parts/{id2}`: segments that look like ids become parameters. */
export function template(path: string): string {
  let n = 0;
  return path
    .split('/')
    .map((segment) => (looksLikeId(segment) ? `{id${++n === 1 ? '' : n}}` : segment))
    .join('/');
}

function looksLikeId(segment: string): boolean {
  return (
    /^\d+$/.test(segment) ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
    /^[0-9a-f]{12,}$/i.test(segment) ||
    (segment.length >= 10 && /^[A-Za-z0-9_-]+$/.test(segment) && /\d/.test(segment) && /[A-Za-z]/.test(segment))
  );
}
