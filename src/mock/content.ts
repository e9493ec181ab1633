/**
 * What a response sends, compiled once: the status, a flat header list ready for writeHead,
 * and the body: static bytes (JSON serialised once, files read once), a template rendered
 * per request, or an SSE stream. Static content is the hot path: one writeHead, one end.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { dribble, type Dribble } from './dribble.js';
import type { MockRequest } from './request.js';
import type { SseDefinition } from './schema.js';
import { SseStream } from './sse.js';
import { compileTemplate, type Template } from './template.js';

export interface ContentDefinition {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  /** An absolute path (the schema resolved it). */
  body_file?: string;
  sse?: SseDefinition;
}

const EMPTY = Buffer.alloc(0);

/** Statuses that never carry a body. */
const BODYLESS = new Set([204, 304]);

const FILE_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8',
};

export class Content {
  readonly status: number;
  /** Headers that do not vary; with content-length when the body does not vary either. */
  private readonly head: string[];
  private readonly headerTemplates: [string, Template][] = [];
  private readonly bytes?: Buffer;
  /**
   * The fixed body as a latin1 string (one char per byte, so the same bytes on the wire): Node
   * sends a string body in one write with the head, a Buffer in a writev of two, which cost the
   * mock a fifth of its answers per second against bare node:http.
   */
  private readonly latin1?: string;
  private readonly template?: Template;
  private readonly sse?: SseStream;
  /** Nothing varies per request: one writeHead and one end. */
  private readonly fixed: boolean;

  constructor(definition: ContentDefinition) {
    this.status = definition.status;
    const hasBody = !BODYLESS.has(definition.status);
    let contentType: string | undefined;
    if (!hasBody) {
      this.bytes = EMPTY;
    } else if (definition.sse) {
      this.sse = new SseStream(definition.sse);
      contentType = 'text/event-stream';
    } else if (definition.json !== undefined) {
      const text = JSON.stringify(definition.json);
      this.template = compileTemplate(text, 'json');
      if (!this.template) this.bytes = Buffer.from(text);
      contentType = 'application/json';
    } else if (definition.body !== undefined) {
      this.template = compileTemplate(definition.body, 'text');
      if (!this.template) this.bytes = Buffer.from(definition.body);
      contentType = 'text/plain; charset=utf-8';
    } else if (definition.body_file !== undefined) {
      this.bytes = readFileSync(definition.body_file);
      contentType = FILE_TYPES[extname(definition.body_file).toLowerCase()] ?? 'application/octet-stream';
    } else {
      this.bytes = EMPTY;
    }
    const user = Object.entries(definition.headers ?? {});
    this.head = [];
    if (contentType && !user.some(([name]) => name.toLowerCase() === 'content-type')) this.head.push('content-type', contentType);
    if (this.sse) this.head.push('cache-control', 'no-cache');
    for (const [name, value] of user) {
      const template = compileTemplate(value, 'text');
      if (template) this.headerTemplates.push([name, template]);
      else this.head.push(name, value);
    }
    if (this.bytes && hasBody) this.head.push('content-length', String(this.bytes.length));
    this.fixed = this.bytes !== undefined && this.headerTemplates.length === 0;
    // Small bodies only: past that, one copy into a string costs more than the second iovec.
    if (this.fixed && this.bytes!.length <= 64 * 1024) this.latin1 = this.bytes!.toString('latin1');
  }

  /** A JSON answer built at run time (404, 429). */
  static json(status: number, value: unknown, headers?: Record<string, string>): Content {
    return new Content({ status, json: value, headers });
  }

  /** Sends status, headers and body; the body dribbled when asked. */
  write(res: ServerResponse, request: MockRequest, slow?: Dribble): void {
    if (this.fixed && !slow) {
      res.writeHead(this.status, this.head);
      if (this.latin1 === undefined) res.end(this.bytes);
      else res.end(this.latin1, 'latin1');
      return;
    }
    const head = [...this.head];
    for (const [name, template] of this.headerTemplates) head.push(name, template.render(request));
    if (this.sse) {
      this.sse.stream(res, this.status, head);
      return;
    }
    let body = this.bytes;
    if (!body) {
      body = Buffer.from(this.template!.render(request));
      head.push('content-length', String(body.length));
    }
    if (slow) dribble(res, this.status, head, body, slow);
    else {
      res.writeHead(this.status, head);
      res.end(body);
    }
  }
}
