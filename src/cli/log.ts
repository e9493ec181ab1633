/** The terminal's log: `[stage] line` prefixes, colours on a TTY, a status line redrawn in place. */
import { periodic, type Log } from '../log.js';

export function terminalLog(stream: NodeJS.WriteStream = process.stderr): Log {
  const tty = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number, text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
  let status: string | undefined;
  const write = (text: string) => {
    if (status !== undefined) stream.write('\r\x1b[K');
    stream.write(`${text}\n`);
    if (status !== undefined) stream.write(status);
  };
  const slow = periodic((text) => write(text));
  return {
    info: (text) => write(text),
    warn: (text) => write(paint(33, `warning: ${text}`)),
    error: (text) => write(paint(31, `error: ${text}`)),
    output: (source, line) => write(`${paint(2, `[${source}]`)} ${line}`),
    async section(title, fn) {
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
