/**
 * A command's output, read and kept within bounds whatever it prints:
 *
 * - lines: split on `\n` from raw bytes, each cut at MAX_LINE_BYTES (a single 1 GB line would
 *   otherwise pass V8's largest string and crash the reader); the cut is said in the line itself.
 * - the log file: the first half of its byte budget is written as it comes, the last half is kept
 *   in memory and written at the end, with a line saying how much was dropped between them.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { DEFAULT_LOG_LIMIT } from '../units/fields.js';

/** The longest line kept whole; longer ones keep their first MAX_LINE_BYTES. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Calls `onLine` for each line of `stream` (without its `\n` or `\r\n`); a line past `maxBytes`
 * keeps its first `maxBytes` and ends with ` … [line cut: N bytes dropped]`, and `onCut` is told.
 * Resolves when the stream ends. Memory: at most `maxBytes` per stream beyond the current chunk.
 */
export function readLines(stream: Readable, onLine: (line: string) => void, onCut: () => void = () => {}, maxBytes = MAX_LINE_BYTES): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  const take = (piece: Buffer) => {
    const room = maxBytes - pendingBytes;
    if (piece.length <= room) {
      pending.push(piece);
      pendingBytes += piece.length;
    } else {
      if (room > 0) pending.push(piece.subarray(0, room));
      pendingBytes += Math.max(room, 0);
      dropped += piece.length - Math.max(room, 0);
    }
  };
  const emit = () => {
    let text = Buffer.concat(pending).toString('utf8');
    if (dropped === 0 && text.endsWith('\r')) text = text.slice(0, -1);
    if (dropped > 0) {
      text += ` … [line cut: ${dropped} bytes dropped]`;
      onCut();
    }
    pending = [];
    pendingBytes = 0;
    dropped = 0;
    onLine(text);
  };
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
        take(chunk.subarray(start, end));
        emit();
        start = end + 1;
      }
      if (start < chunk.length) take(chunk.subarray(start));
    });
    stream.once('end', () => {
      if (pendingBytes > 0 || dropped > 0) emit();
      resolve();
    });
    stream.once('error', reject);
  });
}

/**
 * A log file kept to `limitBytes`: its head written at once, its tail held back (bounded) and
 * written on close after a line naming what was dropped in between.
 */
export class BoundedLog {
  private readonly file: WriteStream;
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private written = 0;
  /**
   * The tail, as blocks of bytes rather than a string per line: a million short-lived line
   * strings held for a while would each reach the old heap and pile up there as garbage.
   */
  private blocks: { bytes: Buffer; used: number; lines: number }[] = [];
  private readonly blockBytes: number;
  private tailBytes = 0;
  private droppedBytes = 0;
  private droppedLines = 0;

  constructor(
    path: string,
    readonly limitBytes = DEFAULT_LOG_LIMIT,
  ) {
    this.file = createWriteStream(path, { flags: 'a' });
    this.headLimit = Math.floor(limitBytes / 2);
    this.tailLimit = limitBytes - this.headLimit;
    this.blockBytes = Math.max(1, Math.min(BLOCK_BYTES, Math.floor(this.tailLimit / 8)));
  }

  /** Appends one line (without its newline). */
  line(text: string): void {
    const entry = `${text}\n`;
    const bytes = Buffer.byteLength(entry);
    if (this.blocks.length === 0 && this.written + bytes <= this.headLimit) {
      this.written += bytes;
      this.file.write(entry);
      return;
    }
    let last = this.blocks.at(-1);
    if (!last || last.bytes.length - last.used < bytes) {
      last = { bytes: Buffer.allocUnsafe(Math.max(this.blockBytes, bytes)), used: 0, lines: 0 };
      this.blocks.push(last);
    }
    last.used += last.bytes.write(entry, last.used);
    last.lines += 1;
    this.tailBytes += bytes;
    // Oldest blocks leave the tail once it is over budget (the newest block always stays).
    while (this.tailBytes > this.tailLimit && this.blocks.length > 1) {
      const old = this.blocks.shift()!;
      this.tailBytes -= old.used;
      this.droppedBytes += old.used;
      this.droppedLines += old.lines;
    }
  }

  /** Output left out of the file (between its head and its tail). */
  get dropped(): { bytes: number; lines: number } {
    return { bytes: this.droppedBytes, lines: this.droppedLines };
  }

  /** Writes the tail (after a note on what was dropped) and closes the file. */
  async close(): Promise<void> {
    if (this.droppedLines > 0) {
      this.file.write(
        `… chaos-gate dropped ${this.droppedLines} lines (${this.droppedBytes} bytes) here: a log keeps its first and last ${formatBytes(this.headLimit)} (report.log_limit: ${formatBytes(this.limitBytes)}) …\n`,
      );
    }
    for (const block of this.blocks) this.file.write(block.bytes.subarray(0, block.used));
    this.blocks = [];
    await new Promise((resolve) => this.file.end(resolve));
  }
}

/** The tail's largest block: small against the default limit, large against a line. */
const BLOCK_BYTES = 64 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
