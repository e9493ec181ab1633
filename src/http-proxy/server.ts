/**
 * One HTTP fault proxy: a reverse proxy in front of a real dependency that fails some of its
 * answers on cue, and passes everything else through as it came.
 *
 *   service ──► HttpProxy ──► faults (newest first) ──none──► upstream, streamed both ways
 *                  │              │
 *                  │              └─ status | abort | 429 | delay, before or after the upstream;
 *                  │                 truncate | throttle | header on the upstream's answer
 *                  ├─ Upgrade (WebSocket): the two sockets joined, untouched
 *                  └─ journal (and, while recording, the exchanges for a mock)
 *
 * Forwarding keeps methods, headers (hop-by-hop ones dropped, RFC 9110 §7.6.1), bodies streamed
 * with backpressure, `Expect: 100-continue` (the upstream's 100 is relayed) and keep-alive to the
 * upstream through one agent. `Host` becomes the upstream's, as a client calling it would send.
 */
import { readFileSync } from 'node:fs';
import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { boundHostPort, boundUrl, listenOn } from '../address.js';
import { Journal, StreamedBody, JOURNAL_LIMITS, type JournalEntry } from '../mock/journal.js';
import { MockRequest, splitTarget } from '../mock/request.js';
import { Random } from '../random.js';
import { HttpProxyFault, HttpProxyFaults, type FaultAction } from './faults.js';
import { Recording, type RecordedExchange } from './recording.js';
import type { HttpFault, HttpProxyDefinition } from './schema.js';

/** Hop-by-hop headers: they describe one connection, not the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

export class HttpProxy {
  readonly name: string;
  readonly journal = new Journal();
  private readonly faultList = new HttpProxyFaults();
  private readonly server: Server;
  private readonly upstream: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  /** The upstream's path prefix, without a trailing slash (`''` for none). */
  private readonly basePath: string;
  private readonly ca?: Buffer;
  /** The upstream's host without IPv6 brackets, and the SNI name for it (none for an address: RFC 6066). */
  private readonly hostname: string;
  private readonly servername?: string;
  private faultsAdded = 0;
  private declared = new Set<string>();
  private recording?: Recording;
  private bound?: AddressInfo;

  /** `observe`: told of every exchange once it ends (the run turns them into metrics). */
  constructor(
    readonly definition: HttpProxyDefinition,
    private readonly observe?: (proxy: string, entry: JournalEntry) => void,
  ) {
    this.name = definition.name;
    this.upstream = new URL(definition.upstream);
    this.basePath = this.upstream.pathname.replace(/\/+$/, '');
    this.hostname = this.upstream.hostname.replace(/^\[|\]$/g, '');
    if (!isIP(this.hostname)) this.servername = this.hostname;
    const tls = this.upstream.protocol === 'https:';
    if (definition.ca_file) this.ca = readFileSync(definition.ca_file);
    const options = { keepAlive: true, ...(this.ca ? { ca: this.ca } : {}) };
    this.agent = tls ? new HttpsAgent(options) : new HttpAgent(options);
    this.send = tls ? (httpsRequest as typeof httpRequest) : httpRequest;
    this.server = createServer({ noDelay: true }, (req, res) => this.receive(req, res, false));
    this.server.on('checkContinue', (req, res) => this.receive(req, res, true));
    this.server.on('upgrade', (req, socket: Socket, head) => this.tunnel(req, socket, head));
    for (const fault of definition.faults) this.declared.add(this.addFault(fault).id);
  }

  async listen(): Promise<void> {
    this.bound = await listenOn(this.server, this.definition.listen);
  }

  /** Base URL, e.g. `http://127.0.0.1:18081` (what stages get as CHAOS_GATE_HTTP_PROXY_<NAME>). */
  get url(): string {
    return boundUrl(this.boundAddress());
  }

  get address(): string {
    return boundHostPort(this.boundAddress());
  }

  get faults(): readonly HttpProxyFault[] {
    return this.faultList.list();
  }

  addFault(definition: HttpFault): HttpProxyFault {
    const n = ++this.faultsAdded;
    const random = definition.seed !== undefined ? new Random(definition.seed) : Random.derive(this.definition.seed, 'fault', n);
    const fault = new HttpProxyFault(`fault-${n}`, definition, random);
    this.faultList.add(fault);
    return fault;
  }

  removeFault(id: string): boolean {
    this.declared.delete(id);
    return this.faultList.remove(id);
  }

  fault(id: string): HttpProxyFault | undefined {
    return this.faultList.list().find((f) => f.id === id);
  }

  /** The faults added at run time, not the declared ones. */
  get runtimeFaults(): HttpProxyFault[] {
    return this.faultList.list().filter((f) => !this.declared.has(f.id));
  }

  /** Back to as declared: run-time faults removed, declared ones' counts and draws rewound, journal cleared. */
  reset(): void {
    for (const fault of this.runtimeFaults) this.faultList.remove(fault.id);
    for (const fault of this.faultList.list()) fault.reset();
    this.journal.clear();
  }

  /** Starts keeping whole exchanges for a mock; a running recording starts over. */
  startRecording(): void {
    this.recording = new Recording();
  }

  get isRecording(): boolean {
    return this.recording !== undefined;
  }

  /** Stops recording and returns what was kept; undefined when none was running. */
  stopRecording(): Recording | undefined {
    const recording = this.recording;
    this.recording = undefined;
    return recording;
  }

  async close(): Promise<void> {
    this.journal.release();
    this.server.closeAllConnections();
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private requestOptions(req: IncomingMessage, headers: string[], agent: HttpAgent | false): HttpsRequestOptions {
    return {
      protocol: this.upstream.protocol,
      hostname: this.hostname,
      port: this.upstream.port || undefined,
      method: req.method,
      path: this.basePath + (req.url ?? '/'),
      headers,
      agent,
      ...(this.servername ? { servername: this.servername } : {}),
      ...(agent === false && this.ca ? { ca: this.ca } : {}),
    };
  }

  private boundAddress(): AddressInfo {
    if (!this.bound) throw new Error(`http proxy "${this.name}" is not listening yet`);
    return this.bound;
  }

  private receive(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    const exchange = new Exchange(req, res, Date.now());
    res.once('close', () => this.finish(exchange));
    const action = this.faultList.list().length === 0 ? undefined : this.faultList.pick(exchange.request, exchange.at);
    exchange.action = action;
    const fault = action?.fault.definition;
    const now = !fault || fault.when === 'response' || (!action!.answer && !action!.abort);
    const go = () => {
      if (res.destroyed) return;
      if (now) this.forward(exchange, expectContinue);
      else this.act(exchange);
    };
    // A delay `when: response` waits for the upstream's answer instead (in respond).
    if (action && action.delayMs > 0 && fault!.when === 'request') atDeadline(exchange.start + action.delayMs, go, res);
    else go();
  }

  /** A fault's own answer or abort, without (or instead of) the upstream's. */
  private act(exchange: Exchange): void {
    const { req, res, action } = exchange;
    // The request's body is read (for the journal) but goes nowhere.
    req.on('data', (chunk: Buffer) => exchange.body.add(chunk));
    if (action!.abort) {
      if (action!.abort === 'reset') req.socket.resetAndDestroy();
      else if (action!.abort === 'empty') req.socket.end();
      // hang: nothing; the client's timeout is what is tested.
      return;
    }
    action!.answer!.write(res, exchange.request);
  }

  private forward(exchange: Exchange, expectContinue: boolean): void {
    const { req, res } = exchange;
    const upstream = this.send(this.requestOptions(req, requestHeaders(req.rawHeaders, this.upstream.host), this.agent));
    exchange.upstream = upstream;
    exchange.upstreamStart = performance.now();
    if (expectContinue) {
      upstream.on('continue', () => res.writeContinue());
      // The client waits for the 100 before its body: the head must go now.
      upstream.flushHeaders();
    }
    upstream.on('response', (answer) => this.respond(exchange, answer));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      exchange.error ??= `upstream ${this.upstream.host}: ${error.code ?? error.message}`;
      if (res.headersSent) res.destroy();
      else if (!res.destroyed) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `chaos-gate http proxy "${this.name}": ${exchange.error}`, status: 502 }));
      }
    });
    req.on('data', (chunk: Buffer) => exchange.body.add(chunk));
    req.pipe(upstream);
  }

  private respond(exchange: Exchange, answer: IncomingMessage): void {
    const { res, action } = exchange;
    exchange.upstreamMs = performance.now() - exchange.upstreamStart!;
    const fault = action?.fault.definition;
    if (fault?.when === 'response' && action!.delayMs > 0) {
      atDeadline(performance.now() + action!.delayMs, () => this.respondNow(exchange, answer), res);
      return;
    }
    this.respondNow(exchange, answer);
  }

  private respondNow(exchange: Exchange, answer: IncomingMessage): void {
    const { req, res, action } = exchange;
    if (res.destroyed) return;
    if (action?.fault.definition.when === 'response' && (action.answer || action.abort)) {
      // The upstream was called; its answer is thrown away.
      answer.resume();
      this.act(exchange);
      return;
    }
    const change = action?.fault.definition;
    // The upstream's own Date goes through (or none, when it sent none, or a fault removed it).
    res.sendDate = false;
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.rawHeaders, change?.header));
    const recording = this.recording && !action ? this.recording.start() : undefined;
    if (recording) {
      exchange.recorded = recording;
      recording.response(answer.statusCode ?? 502, answer.headers);
    }
    if (req.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304) {
      answer.resume();
      res.end();
      return;
    }
    answer.on('data', (chunk: Buffer) => {
      exchange.responseBytes += chunk.length;
      recording?.add(chunk);
    });
    answer.once('aborted', () => res.destroy());
    if (change?.truncate === undefined && change?.throttle === undefined) {
      answer.pipe(res);
      return;
    }
    void pump(answer, res, change.truncate, change.throttle);
  }

  private finish(exchange: Exchange): void {
    const { req, res, action } = exchange;
    if (!res.writableFinished) {
      exchange.upstream?.destroy();
      exchange.error ??= res.headersSent ? 'the response was cut short' : 'no response (the client left, or a fault dropped the connection)';
    }
    const status = res.headersSent ? res.statusCode : undefined;
    const request = exchange.body.keep(exchange.request.method, exchange.request.path, exchange.request.rawQuery, req.headers);
    const entry = this.journal.push({
      at: exchange.at,
      request,
      status,
      fault: action?.fault.kind,
      exchange: {
        faultId: action?.fault.id,
        durationMs: performance.now() - exchange.start,
        upstreamMs: exchange.upstreamMs,
        responseBytes: exchange.responseBytes,
        error: exchange.error,
      },
    });
    this.observe?.(this.name, entry);
    if (exchange.recorded && res.writableFinished) this.recording?.keep(exchange.recorded.finish(request));
  }

  /** Upgrade (WebSocket, h2c): the upstream's answer relayed; on 101 the two sockets are joined as they are. */
  private tunnel(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const at = Date.now();
    const start = performance.now();
    const { path, query } = splitTarget(req.url);
    const record = (status: number | undefined, error?: string) =>
      this.journal.push({
        at,
        request: {
          method: req.method ?? 'GET',
          path,
          rawQuery: query,
          headers: req.headers,
          body: '',
          bodyBytes: 0,
        },
        status,
        exchange: { durationMs: performance.now() - start, responseBytes: 0, error },
      });
    socket.on('error', () => undefined);
    // Connection and Upgrade are the point here: kept; a connection of its own, never pooled.
    const upstream = this.send(this.requestOptions(req, replaceHost(req.rawHeaders, this.upstream.host), false));
    upstream.on('upgrade', (answer, upstreamSocket: Socket, upstreamHead) => {
      socket.write(rawHead(answer));
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.on('error', () => socket.destroy());
      socket.on('error', () => upstreamSocket.destroy());
      upstreamSocket.pipe(socket).on('close', () => upstreamSocket.destroy());
      socket.pipe(upstreamSocket);
      socket.once('close', () => upstreamSocket.destroy());
      record(answer.statusCode);
    });
    upstream.on('response', (answer) => {
      // Not upgraded: the answer goes back as it came, and the connection with it.
      socket.write(rawHead(answer));
      answer.pipe(socket);
      record(answer.statusCode);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const why = `upstream ${this.upstream.host}: ${error.code ?? error.message}`;
      socket.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${why}\n`);
      record(502, why);
    });
    upstream.end();
  }
}

/**
 * Calls `run` at `due` (performance.now() time), never before: a timer may fire a little early
 * against this clock, so it is set again for what remains. Dropped when `res` closes first.
 */
function atDeadline(due: number, run: () => void, res: ServerResponse): void {
  let timer: NodeJS.Timeout;
  const check = () => {
    const left = due - performance.now();
    if (left > 0) timer = setTimeout(check, Math.ceil(left));
    else {
      res.off('close', cancel);
      run();
    }
  };
  const cancel = () => clearTimeout(timer);
  res.once('close', cancel);
  check();
}

/** One request on its way through, and what the journal will say of it. */
class Exchange {
  readonly request: MockRequest;
  readonly start = performance.now();
  readonly body = new StreamedBody(JOURNAL_LIMITS.bodyPrefixBytes);
  action?: FaultAction;
  upstream?: ClientRequest;
  upstreamStart?: number;
  upstreamMs?: number;
  responseBytes = 0;
  error?: string;
  recorded?: RecordedExchange;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly at: number,
  ) {
    const { path, query } = splitTarget(req.url);
    this.request = new MockRequest(req.method ?? 'GET', path, query, req.headers, '');
  }
}

/** The client's headers for the upstream: hop-by-hop ones dropped, `Host` the upstream's, order and case kept. */
function requestHeaders(raw: string[], host: string): string[] {
  const drop = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || drop?.has(name)) continue;
    out.push(raw[i], name === 'host' ? host : raw[i + 1]);
  }
  return out;
}

/** The upstream's headers for the client: hop-by-hop ones dropped, a fault's `header` change applied. */
function responseHeaders(raw: string[], change?: HttpFault['header']): string[] {
  const drop = connectionTokens(raw);
  const removed = new Set([...(change?.remove ?? []), ...Object.keys(change?.set ?? {})].map((h) => h.toLowerCase()));
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || drop?.has(name) || removed.has(name)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  for (const [name, value] of Object.entries(change?.set ?? {})) out.push(name, value);
  return out;
}

/** Headers a `Connection` header names as hop-by-hop for this message. */
function connectionTokens(raw: string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length !== 10 || raw[i].toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1].split(',')) (tokens ??= new Set()).add(token.trim().toLowerCase());
  }
  return tokens;
}

function replaceHost(raw: string[], host: string): string[] {
  const out = raw.slice();
  for (let i = 0; i < out.length; i += 2) if (out[i].toLowerCase() === 'host') out[i + 1] = host;
  return out;
}

function rawHead(answer: IncomingMessage): string {
  let head = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n`;
  for (let i = 0; i < answer.rawHeaders.length; i += 2) head += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/** The upstream's body to the client, cut after `truncate` bytes and/or paced at `throttle` bytes/s. */
async function pump(source: IncomingMessage, res: ServerResponse, truncate: number | undefined, throttle: number | undefined): Promise<void> {
  if (truncate === 0) {
    // Cut before the first byte of the body: the head goes, then the connection drops.
    res.flushHeaders();
    res.socket?.end();
    source.destroy();
    return;
  }
  const started = performance.now();
  // Pieces of a twentieth of a second each, so the pace is even, not one burst a second.
  const piece = throttle === undefined ? Infinity : Math.max(1, Math.floor(throttle / 20));
  let sent = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length;) {
        let end = Math.min(chunk.length, offset + piece);
        if (truncate !== undefined) end = Math.min(end, offset + (truncate - sent));
        const part = chunk.subarray(offset, end);
        offset = end;
        if (throttle !== undefined) {
          // Deadline, not interval: the wait makes up for time the writes took.
          const due = started + ((sent + part.length) * 1000) / throttle;
          if (due > performance.now()) await new Promise<void>((resolve) => atDeadline(due, resolve, res));
        }
        if (res.destroyed) return;
        sent += part.length;
        if (!res.write(part)) await new Promise((resolve) => res.once('drain', resolve));
        if (truncate !== undefined && sent >= truncate) {
          // Cut: what was written is flushed, then the connection drops mid-body.
          res.socket?.end();
          source.destroy();
          return;
        }
      }
    }
    res.end();
  } catch {
    res.destroy();
  }
}
