/**
 * A bundled entry (dist/cli.js, dist/index.js, dist/post.js) run as a live process that a test
 * can watch and signal: wait for a line, send Ctrl-C, time how long it takes to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { alive } from './leftovers.js';
import { ROOT } from './project.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process exited (performance.now()). */
  at: number;
}

export class Live {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private readonly watchers = new Set<() => void>();

  constructor(entry: string, args: string[], options: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(process.execPath, [join(ROOT, entry), ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => ((this.stdout += text), this.notify()));
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => ((this.stderr += text), this.notify()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => (resolve({ code, signal, at: performance.now() }), this.notify())));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once stdout+stderr contain `text`; rejects after `timeoutMs` or when the process exits first. */
  waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<void> {
    const seen = () => (typeof text === 'string' ? (this.stdout + this.stderr).includes(text) : text.test(this.stdout + this.stderr));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no "${String(text)}" within ${timeoutMs} ms; output:\n${this.stdout}${this.stderr}`)), timeoutMs);
      const check = () => {
        if (seen()) done();
        else if (this.child.exitCode !== null || this.child.signalCode !== null)
          done(new Error(`exited before "${String(text)}"; output:\n${this.stdout}${this.stderr}`));
      };
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.watchers.add(check);
      check();
    });
  }

  /** Sends `signal` and resolves with the exit and the milliseconds it took. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<Exit & { ms: number }> {
    const sent = performance.now();
    this.child.kill(signal);
    const exit = await this.exited;
    return { ...exit, ms: exit.at - sent };
  }

  /** Last resort in a finally: nothing of a failed test stays behind. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private notify(): void {
    for (const watcher of this.watchers) watcher();
  }
}

/** The pid a test script wrote to `file`. */
export function pidIn(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

/** SIGKILLs every process group and pid still alive (cleanup after a failed assertion). */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    if (!alive(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Resolves with the connect error's code (ECONNREFUSED when nothing listens), or 'connected'. */
export function connectResult(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000, () => (socket.destroy(), resolve('timeout')));
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/** Polls `predicate` every 20 ms until it holds or `timeoutMs` passes; resolves with its last value. */
export async function eventually(predicate: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
