/**
 * Where a run tells the user what happens. The terminal and the action log each implement it
 * (prefixed lines and a redrawn status line; collapsible groups and periodic status lines).
 */
export interface Log {
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** One line of a stage's or a service's output. */
  output(source: string, line: string): void;
  /** Runs `fn` as a titled section of the log. */
  section<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** A live status line (requests, rps, p99, time left) while load runs; `undefined` ends it. */
  progress(text: string | undefined): void;
}

const PROGRESS_EVERY_MS = 10_000;

/** Prints a status line at most every 10 s: for logs that cannot redraw a line. */
export function periodic(print: (text: string) => void): (text: string | undefined) => void {
  let last = 0;
  return (text) => {
    if (text === undefined) {
      last = 0;
      return;
    }
    const now = performance.now();
    if (now - last >= PROGRESS_EVERY_MS) {
      last = now;
      print(text);
    }
  };
}
