/**
 * The terminal's log: `[stage] line` prefixes, colours on a TTY, a status line redrawn in place.
 * A stage's output is echoed only while the terminal keeps up: a pipe is written asynchronously,
 * so a stage printing faster than the reader takes would otherwise queue without bound (1 GB of
 * lines queued 1 GB, then failed the write with EINVAL). Past ECHO_QUEUE_BYTES waiting, lines are
 * left out of the echo and counted; the stage's log file keeps them all.
 */
import { periodic, type Log } from '../log.js';

/** How much unwritten echo may wait for a slow terminal or pipe before lines are left out. */
export const ECHO_QUEUE_BYTES = 4 * 1024 * 1024;

export function terminalLog(stream: NodeJS.WritableStream & { isTTY?: boolean; writableLength: number } = process.stderr): Log {
  const tty = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number, text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
  let status: string | undefined;
  const write = (text: string) => {
    if (status !== undefined) stream.write('\r\x1b[K');
    stream.write(`${text}\n`);
    if (status !== undefined) stream.write(status);
  };
  let skipped = 0;
  const sayDropped = () => {
    if (skipped === 0) return;
    write(
      `… ${skipped} line${skipped === 1 ? '' : 's'} of output not echoed here: the terminal read slower than the stage printed (the report's logs/ keep the output, within report.log_limit)`,
    );
    skipped = 0;
  };
  const echo = (text: string) => {
    if (stream.writableLength > ECHO_QUEUE_BYTES) {
      skipped += 1;
      return;
    }
    sayDropped();
    write(text);
  };
  const slow = periodic((text) => write(text));
  return {
    info: (text) => (sayDropped(), write(text)),
    warn: (text) => write(paint(33, `warning: ${text}`)),
    error: (text) => write(paint(31, `error: ${text}`)),
    output: (source, line) => echo(`${paint(2, `[${source}]`)} ${line}`),
    async section(title, fn) {
      sayDropped();
      write(paint(1, `── ${title}`));
      return fn();
    },
    progress(text) {
      if (!tty) return slow(text);
      if (text === undefined) {
        if (status !== undefined) stream.write('\r\x1b[K');
        status = undefined;
        return;
      }
      status = paint(36, text);
      stream.write(`\r\x1b[K${status}`);
    },
  };
}
