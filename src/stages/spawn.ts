/**
 * Runs a shell command as its own process group, so a timeout or a stop kills the whole tree
 * (`npm test` → node → workers), not just the shell. Output arrives line by line and is kept in
 * a log file. The groups still alive are tracked in the ProcessGroups the caller passes, so an
 * emergency stop can kill them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { BoundedLog, readLines } from './output.js';

export interface SpawnOptions {
  cwd: string;
  /** Added to the inherited environment (see inheritedEnv: the action's secrets are not inherited). */
  env: Record<string, string>;
  onLine: (line: string) => void;
  /** Every line is also appended here (its head and tail, within `logLimit`). */
  logFile?: string;
  /** Bytes the log file may hold; default 20 MB (see output.ts). */
  logLimit?: number;
  /** The group is killed past this. */
  timeoutMs?: number;
  /** Aborting kills the group. */
  signal?: AbortSignal;
  /** Tracks the group while it is alive. */
  groups?: ProcessGroups;
}

export interface CommandResult {
  /** null when the command was killed. */
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Lines longer than MAX_LINE_BYTES, cut (each says so in the log). */
  cutLines: number;
  /** Output left out of the log file to keep it within its limit. */
  logDropped: { bytes: number; lines: number };
}

export interface RunningCommand {
  pid: number;
  /** Resolves once the command and everything it started are gone. */
  done: Promise<CommandResult>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<CommandResult>;
}

/**
 * The process groups of the commands still running. Groups are detached, so a terminal's Ctrl-C
 * never reaches them: a process that exits at once (a second Ctrl-C, a crash) must kill them
 * itself with killAll(), or they outlive it. The faces own one and pass it down.
 */
export class ProcessGroups {
  private readonly live = new Set<number>();
  private supervisor?: ChildProcess;

  /**
   * `onChange` gets the group ids alive whenever they change (the action saves them for its post step).
   * With `supervise`, a watcher process (see SUPERVISOR) kills the groups if we die without a word
   * (kill -9, an out-of-memory kill), which no handler of ours can catch.
   */
  constructor(
    private readonly onChange?: (pids: number[]) => void,
    private readonly supervise = false,
  ) {}

  get pids(): number[] {
    return [...this.live];
  }

  add(pid: number): void {
    this.live.add(pid);
    this.tellSupervisor(`+${pid}`);
    this.onChange?.(this.pids);
  }

  delete(pid: number): void {
    this.live.delete(pid);
    this.tellSupervisor(`-${pid}`);
    this.onChange?.(this.pids);
  }

  private tellSupervisor(line: string): void {
    if (!this.supervise || process.platform === 'win32') return;
    if (!this.supervisor) {
      // Its own session (detached), so a terminal's Ctrl-C reaches us, not it; unref'd, so it never keeps us alive.
      this.supervisor = spawn(process.execPath, ['-e', SUPERVISOR], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      this.supervisor.unref();
      this.supervisor.stdin!.on('error', () => undefined);
      (this.supervisor.stdin as unknown as { unref(): void }).unref();
    }
    this.supervisor.stdin!.write(`${line}\n`);
  }

  /** SIGKILL to every group at once; synchronous, so it works in a process 'exit' handler. */
  killAll(): void {
    for (const pid of this.live) signalGroup(pid, 'SIGKILL');
  }
}

/**
 * The watcher behind `supervise`: it reads `+pid`/`-pid` lines from a pipe whose other end only
 * the gate holds. The pipe closes when the gate exits, however it dies; the watcher then SIGTERMs
 * the groups still listed, SIGKILLs them a second later, and exits. (No native module: Linux's
 * PR_SET_PDEATHSIG is not reachable from Node.)
 */
const SUPERVISOR = `
const live = new Set();
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  buffer += text;
  for (let i = buffer.indexOf('\\n'); i !== -1; i = buffer.indexOf('\\n')) {
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    if (line[0] === '+') live.add(Number(line.slice(1)));
    else live.delete(Number(line.slice(1)));
  }
});
const each = (signal) => { for (const pid of live) { try { process.kill(-pid, signal); } catch {} } };
process.stdin.on('end', () => {
  if (live.size === 0) process.exit(0);
  each('SIGCONT');
  each('SIGTERM');
  setTimeout(() => { each('SIGKILL'); process.exit(0); }, 1000);
});
`;

export function startCommand(command: string, options: SpawnOptions): RunningCommand {
  const started = performance.now();
  const subprocess = execa({
    shell: true,
    cwd: options.cwd,
    env: { ...inheritedEnv(), ...options.env },
    extendEnv: false,
    detached: true,
    reject: false,
    buffer: false,
    stdin: 'ignore',
  })`${command}`;
  const pid = subprocess.pid;
  if (pid === undefined) throw new Error(`could not start "${command}"`);

  const log = options.logFile ? new BoundedLog(options.logFile, options.logLimit) : undefined;
  let cutLines = 0;
  const reading = [subprocess.stdout, subprocess.stderr].map((stream) =>
    readLines(
      stream!,
      (line) => {
        log?.line(line);
        options.onLine(line);
      },
      () => (cutLines += 1),
    ).catch(() => undefined),
  );

  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  /** When a stop's grace ends (performance.now()); undefined while no stop was asked for. */
  let graceEnds: number | undefined;
  const kill = (graceMs: number) => {
    // A frozen group (a service's freeze fault) must run again to act on SIGTERM.
    signalGroup(pid, 'SIGCONT');
    signalGroup(pid, 'SIGTERM');
    graceEnds ??= performance.now() + graceMs;
    killTimer ??= setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  };
  const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), kill(2000)), options.timeoutMs);
  const onAbort = () => ((cancelled = true), kill(1000));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Whatever the shell leaves behind (a background job, a worker) goes with it, at once when the
  // shell ended on its own; when we are stopping it, the rest of the group keeps its grace (the
  // shell dies on SIGTERM at once, while `node service.js` under it may still be flushing).
  subprocess.nodeChildProcess.once('exit', () => {
    if (graceEnds === undefined) signalGroup(pid, 'SIGKILL');
  });

  const done = subprocess.then(async (result) => {
    clearTimeout(timeout);
    if (graceEnds !== undefined) await groupGone(pid, graceEnds);
    clearTimeout(killTimer);
    signalGroup(pid, 'SIGKILL');
    options.signal?.removeEventListener('abort', onAbort);
    options.groups?.delete(pid);
    // The pipes close with the group; a process that left the group and keeps them open is not waited for.
    await Promise.race([Promise.all(reading), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await log?.close();
    const killed = timedOut || cancelled || result.signal !== undefined;
    return {
      exitCode: killed ? null : (result.exitCode ?? null),
      timedOut,
      cancelled,
      durationMs: Math.round(performance.now() - started),
      cutLines,
      logDropped: log?.dropped ?? { bytes: 0, lines: 0 },
    };
  });
  const running: RunningCommand = {
    pid,
    done,
    stop: (graceMs = 1000) => {
      cancelled = true;
      kill(graceMs);
      return done;
    },
  };
  options.groups?.add(pid);
  if (options.signal?.aborted) onAbort();
  return running;
}

/**
 * Our environment minus what a stage or service must never see: the action's inputs (the
 * github-token among them) and the runner's credentials, which a workflow's `run:` step never sees either.
 */
function inheritedEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(INPUT_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_ID_TOKEN_REQUEST_TOKEN$)/.test(name)));
}

/** Resolves once no process of the group is left, or at `until` (performance.now()). */
async function groupGone(pid: number, until: number): Promise<void> {
  while (performance.now() < until && signalGroup(pid, 0)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** true when the group still had a process to signal. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group is already gone.
    return false;
  }
}
