/**
 * One keep-alive HTTP/1.1 connection over `net`, one request at a time (no pipelining), the way
 * autocannon and wrk drive a target: requests are pre-built bytes, responses are parsed just
 * enough to find their end, and a failure is reported by class, never thrown.
 *
 *   send(bytes) ──► socket ──► target
 *   done(status | error class) ◄── ResponseParser ◄── socket
 *
 * Timeouts are not kept here: the engine sweeps `deadline` across all connections, which is
 * cheaper than a timer per request.
 */
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ResponseParseError, ResponseParser } from './response-parser.js';
import { classifySocketError, type ErrorClass } from './sample.js';

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export interface ConnectionEvents {
  /** The request in flight ended: with a status (error undefined) or a failure class (status 0). */
  done(connection: HttpConnection, status: number, error: ErrorClass | undefined): void;
  /** The socket closed; the connection is dead. */
  closed(connection: HttpConnection): void;
}

/** How an https origin is trusted: a CA bundle, or no check (`insecure`). */
export interface OriginTls {
  ca?: Buffer;
  insecure: boolean;
}

/** A host:port (over TLS for https) and its idle keep-alive connections. */
export class Origin {
  /** Connections free for the next request; dead ones are dropped when taken. */
  readonly idle: HttpConnection[] = [];
  constructor(
    readonly host: string,
    readonly port: number,
    /** Set for an https origin. */
    readonly tls?: OriginTls,
  ) {}
  get address(): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }
}

/**
 * A socket to the origin, its reads handed to `onData` (none when omitted): plain TCP reads land in
 * one buffer shared by every connection (each read is parsed before the next), which spares an
 * allocation and a stream 'data' event per response; TLS has no such option, so its reads come as
 * 'data' events. `ready` is the event after which requests go out: `connect`, or `secureConnect`.
 */
export function openSocket(origin: Origin, onData?: (chunk: Buffer) => void): { socket: Socket; ready: string } {
  if (!origin.tls) {
    const onread = onData && { buffer: READ_BUFFER, callback: (length: number) => (onData(READ_BUFFER.subarray(0, length)), true) };
    return { socket: connect({ host: origin.host, port: origin.port, noDelay: true, ...(onread ? { onread } : {}) }), ready: 'connect' };
  }
  const socket = tlsConnect({
    host: origin.host,
    port: origin.port,
    // SNI carries names only (RFC 6066).
    ...(isIP(origin.host) ? {} : { servername: origin.host }),
    ...(origin.tls.ca ? { ca: origin.tls.ca } : {}),
    rejectUnauthorized: !origin.tls.insecure,
  });
  socket.setNoDelay(true);
  if (onData) socket.on('data', onData);
  return { socket, ready: 'secureConnect' };
}

export class HttpConnection {
  private readonly socket: Socket;
  /** A request is in flight. */
  busy = false;
  /** False once the socket ended, failed or was closed by either side: never reused. */
  alive = true;
  /** performance.now() ms after which the request in flight has timed out. */
  deadline = Infinity;
  /** When the request in flight was due (performance.now() ms); kept for the engine. */
  start = 0;
  /** Which closed-model connection loop owns the request in flight; -1 for the open model. */
  loop = -1;
  /** The fixed target, or the flow iteration, whose request is in flight; kept for the engine. */
  owner: unknown = undefined;
  /** Reads the answers; after a `collect` request, its headers and body. */
  readonly parser = new ResponseParser();

  constructor(
    /** The host:port it is connected to; it returns to this origin's idle list between requests. */
    readonly origin: Origin,
    private readonly events: ConnectionEvents,
  ) {
    const { socket } = openSocket(origin, (chunk) => this.onData(chunk));
    this.socket = socket;
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(classifySocketError(error)));
    socket.on('end', () => {
      this.alive = false;
      if (this.busy && this.parser.end()) this.finish(this.parser.status, undefined);
      else this.fail('reset');
    });
    socket.on('close', () => {
      this.alive = false;
      this.fail('reset');
      this.events.closed(this);
    });
  }

  /** Writes a request (queued by the socket until it connects); `headRequest` when it is a HEAD; `collect` to keep the answer's headers and body. */
  send(bytes: Buffer, headRequest: boolean, collect = false): void {
    this.busy = true;
    this.parser.reset(headRequest, collect);
    this.socket.write(bytes);
  }

  /** Ends the request in flight with a failure (e.g. a timeout) and closes the socket. */
  fail(error: ErrorClass): void {
    this.alive = false;
    if (this.busy) this.finish(0, error);
    this.socket.destroy();
  }

  /** Closes the socket without reporting the request in flight (the run was stopped). */
  abandon(): void {
    this.busy = false;
    this.alive = false;
    this.socket.destroy();
  }

  /** Parses bytes read; always true (keep reading). */
  private onData(chunk: Buffer): true {
    if (!this.busy) {
      // Bytes nobody asked for: the stream is out of step with requests, so it cannot be reused.
      this.abandon();
      return true;
    }
    let complete: boolean;
    try {
      complete = this.parser.execute(chunk);
    } catch (error) {
      if (!(error instanceof ResponseParseError)) throw error;
      this.fail('other');
      return true;
    }
    if (!complete) return true;
    if (!this.parser.keepAlive) {
      this.alive = false;
      this.socket.destroy();
    }
    this.finish(this.parser.status, undefined);
    return true;
  }

  private finish(status: number, error: ErrorClass | undefined): void {
    this.busy = false;
    this.deadline = Infinity;
    this.events.done(this, status, error);
  }
}
