/**
 * An incremental HTTP/1.1 response reader, just enough for a load generator: the status, whether
 * the connection stays open, and where the response ends. Bodies are skipped, never buffered,
 * unless a flow step reads the answer (`collect`): then its headers and the first MAX_BODY_BYTES
 * of its body are kept.
 *
 *   head ──► (Content-Length bytes | chunks … 0-chunk, trailers | bytes until close) ──► done
 *
 * Interim 1xx heads are skipped; HEAD requests, 204 and 304 have no body.
 */

const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const DONE = 7;

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;
const MAX_LINE = 4096;
/** The most of one body a flow step keeps for its captures and checks; past it the answer is `truncated`. */
export const MAX_BODY_BYTES = 256 * 1024;

export class ResponseParseError extends Error {
  override name = 'ResponseParseError';
}

export class ResponseParser {
  /** The status of the response read; 0 until its head arrived. */
  status = 0;
  /** Whether the connection can carry another request after this response. */
  keepAlive = true;
  private state = HEAD;
  private noBody = false;
  /** Bytes of a head split across reads. */
  private pending: Buffer | undefined;
  /** Body or chunk bytes still to skip. */
  private remaining = 0;
  /** A chunk-size or trailer line split across reads. */
  private line = '';
  /** Keep the headers and body (a flow step reads them). */
  private collect = false;
  /** With collect: the headers (lower-case names), the body's pieces and whether it was cut. */
  headers = new Map<string, string>();
  private parts: Buffer[] = [];
  private kept = 0;
  truncated = false;

  /** Readies the parser for the next response; `headRequest` when it answers a HEAD (no body follows); `collect` to keep headers and body. */
  reset(headRequest: boolean, collect = false): void {
    this.collect = collect;
    if (collect) {
      this.headers = new Map();
      this.parts = [];
      this.kept = 0;
      this.truncated = false;
    }
    this.status = 0;
    this.keepAlive = true;
    this.state = HEAD;
    this.noBody = headRequest;
    this.pending = undefined;
    this.remaining = 0;
    this.line = '';
  }

  /** Reads bytes; true once the response is complete (bytes after it are ignored). Throws ResponseParseError. */
  execute(chunk: Buffer): boolean {
    let buf = chunk;
    let i = 0;
    for (;;) {
      switch (this.state) {
        case HEAD: {
          let from = 0;
          if (this.pending) {
            from = Math.max(0, this.pending.length - 3);
            buf = Buffer.concat([this.pending, buf.subarray(i)]);
            i = 0;
            this.pending = undefined;
          }
          const end = buf.indexOf(CRLFCRLF, Math.max(i, from));
          if (end < 0) {
            if (buf.length - i > MAX_HEAD) throw new ResponseParseError('response head larger than 64 KiB');
            this.pending = Buffer.from(buf.subarray(i));
            return false;
          }
          this.readHead(buf, i, end);
          i = end + 4;
          break;
        }
        case LENGTH: {
          const take = Math.min(this.remaining, buf.length - i);
          if (this.collect) this.keep(buf, i, take);
          this.remaining -= take;
          i += take;
          if (this.remaining > 0) return false;
          this.state = DONE;
          break;
        }
        case CHUNK_SIZE: {
          const line = this.readLine(buf, i);
          if (line === undefined) return false;
          i = line.next;
          const size = parseInt(line.text, 16);
          if (!/^[0-9a-fA-F]+\s*(;.*)?$/.test(line.text) || !(size >= 0)) throw new ResponseParseError(`bad chunk size "${line.text.slice(0, 40)}"`);
          this.remaining = size;
          this.state = size === 0 ? TRAILERS : CHUNK_DATA;
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, buf.length - i);
          if (this.collect) this.keep(buf, i, take);
          this.remaining -= take;
          i += take;
          if (this.remaining > 0) return false;
          this.state = CHUNK_END;
          break;
        }
        case CHUNK_END:
        case TRAILERS: {
          const line = this.readLine(buf, i);
          if (line === undefined) return false;
          i = line.next;
          if (this.state === CHUNK_END) {
            if (line.text !== '') throw new ResponseParseError('chunk data longer than its size');
            this.state = CHUNK_SIZE;
          } else if (line.text === '') this.state = DONE;
          break;
        }
        case UNTIL_CLOSE:
          if (this.collect) this.keep(buf, i, buf.length - i);
          return false;
        case DONE:
          return true;
      }
    }
  }

  /** With collect: the body kept (at most MAX_BODY_BYTES). */
  body(): Buffer {
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
  }

  /** Copies body bytes (reads share one buffer) up to MAX_BODY_BYTES. */
  private keep(buf: Buffer, from: number, length: number): void {
    const room = MAX_BODY_BYTES - this.kept;
    if (length > room) this.truncated = true;
    const take = Math.min(room, length);
    if (take <= 0) return;
    this.parts.push(Buffer.from(buf.subarray(from, from + take)));
    this.kept += take;
  }

  /** The peer closed the connection: true when that completes a response read until close. */
  end(): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.state = DONE;
    return true;
  }

  private readHead(buf: Buffer, start: number, end: number): void {
    // "HTTP/1.1 200 OK": version digits at 5 and 7, status at 9..11.
    const d0 = buf[start + 9] - 48;
    const d1 = buf[start + 10] - 48;
    const d2 = buf[start + 11] - 48;
    if (!isHttp1(buf, start) || d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      throw new ResponseParseError(`not an HTTP/1.x response: "${buf.toString('latin1', start, Math.min(end, start + 40))}"`);
    }
    const status = d0 * 100 + d1 * 10 + d2;
    let keepAlive = buf[start + 7] !== 0x30; // HTTP/1.0 closes unless it says keep-alive
    let length = -1;
    let chunked = false;
    let at = buf.indexOf(CRLF, start) + 2;
    while (at < end + 2) {
      let lineEnd = buf.indexOf(CRLF, at);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      const colon = buf.indexOf(0x3a, at);
      const nameLength = colon - at;
      if (this.collect && colon > at && colon < lineEnd) {
        const name = buf.toString('latin1', at, colon).trim().toLowerCase();
        const value = buf.toString('latin1', colon + 1, lineEnd).trim();
        const before = this.headers.get(name);
        this.headers.set(name, before === undefined ? value : `${before}, ${value}`);
      }
      // Only three headers matter; compare names by length first to skip the rest cheaply.
      if (colon > at && colon < lineEnd && (nameLength === 14 || nameLength === 17 || nameLength === 10)) {
        const name = buf.toString('latin1', at, colon).toLowerCase();
        const value = buf
          .toString('latin1', colon + 1, lineEnd)
          .trim()
          .toLowerCase();
        if (name === 'content-length') {
          length = Number(value);
          if (!Number.isSafeInteger(length) || length < 0) throw new ResponseParseError(`bad content-length "${value}"`);
        } else if (name === 'transfer-encoding') chunked = value.endsWith('chunked');
        else if (name === 'connection') {
          if (value.includes('close')) keepAlive = false;
          else if (value.includes('keep-alive')) keepAlive = true;
        }
      }
      at = lineEnd + 2;
    }
    this.status = status;
    this.keepAlive = keepAlive;
    if (status < 200) {
      // 101 switches protocols, which a load generator does not speak: end here, do not reuse.
      if (status === 101) {
        this.keepAlive = false;
        this.state = DONE;
      } else if (this.collect) this.headers = new Map();
      return; // an interim response: the real head follows
    }
    if (this.noBody || status === 204 || status === 304) this.state = DONE;
    else if (chunked) this.state = CHUNK_SIZE;
    else if (length >= 0) {
      this.remaining = length;
      this.state = length === 0 ? DONE : LENGTH;
    } else {
      this.state = UNTIL_CLOSE;
      this.keepAlive = false;
    }
  }

  /** A CRLF-ended line from `buf` at `i` (joined with a part left from the last read), or undefined. */
  private readLine(buf: Buffer, i: number): { text: string; next: number } | undefined {
    const lf = buf.indexOf(0x0a, i);
    if (lf < 0) {
      this.line += buf.toString('latin1', i);
      if (this.line.length > MAX_LINE) throw new ResponseParseError('chunk line longer than 4 KiB');
      return undefined;
    }
    let text = this.line + buf.toString('latin1', i, lf);
    this.line = '';
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return { text, next: lf + 1 };
  }
}

const HTTP1 = Buffer.from('HTTP/1.');

function isHttp1(buf: Buffer, start: number): boolean {
  for (let k = 0; k < HTTP1.length; k++) if (buf[start + k] !== HTTP1[k]) return false;
  return true;
}
