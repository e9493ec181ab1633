/**
 * Runs a shell command as its own process group, so a timeout or a stop kills the whole tree
 * (`npm test` → node → workers), not just the shell. Output arrives line by line and is kept in
 * a log file. Every group still alive is tracked, so an emergency stop can kill them all.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { execa } from 'execa';

export interface SpawnOptions {
  cwd: string;
  /** Added to the inherited environment (see inheritedEnv: the action's secrets are not inherited). */
  env: Record<string, string>;
  onLine: (line: string) => void;
  /** Every line is also appended here. */
  logFile?: string;
  /** The group is killed past this. */
  timeoutMs?: number;
  /** Aborting kills the group. */
  signal?: AbortSignal;
}

export interface CommandResult {
  /** null when the command was killed. */
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

export interface RunningCommand {
  pid: number;
  /** Resolves once the command and everything it started are gone. */
  done: Promise<CommandResult>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<CommandResult>;
}

const live = new Set<RunningCommand>();
let onGroupsChange: ((groups: number[]) => void) | undefined;

/** Calls `listener` with the process group ids alive whenever they change (the action saves them for its post step). */
export function trackGroups(listener: (groups: number[]) => void): void {
  onGroupsChange = listener;
}

function changed(): void {
  onGroupsChange?.([...live].map((c) => c.pid));
}

// Groups are detached, so a terminal's Ctrl-C never reaches them: a process that exits at once
// (a second Ctrl-C, a crash) must kill them itself, or they outlive it.
process.on('exit', () => {
  for (const command of live) signalGroup(command.pid, 'SIGKILL');
});

/** Stops every command still running. */
export async function stopAll(graceMs = 1000): Promise<void> {
  await Promise.all([...live].map((c) => c.stop(graceMs)));
}

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

  const log: WriteStream | undefined = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    createInterface({ input: stream!, crlfDelay: Infinity }).on('line', (line) => {
      log?.write(`${line}\n`);
      options.onLine(line);
    });
  }

  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (graceMs: number) => {
    signalGroup(pid, 'SIGTERM');
    killTimer ??= setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  };
  const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), kill(2000)), options.timeoutMs);
  const onAbort = () => ((cancelled = true), kill(1000));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Whatever the shell leaves behind (a background job, a worker) goes with it.
  subprocess.nodeChildProcess.once('exit', () => signalGroup(pid, 'SIGKILL'));

  const done = subprocess.then(async (result) => {
    clearTimeout(timeout);
    clearTimeout(killTimer);
    options.signal?.removeEventListener('abort', onAbort);
    live.delete(running);
    changed();
    if (log) await new Promise((resolve) => log.end(resolve));
    const killed = timedOut || cancelled || result.signal !== undefined;
    return { exitCode: killed ? null : (result.exitCode ?? null), timedOut, cancelled, durationMs: Math.round(performance.now() - started) };
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
  live.add(running);
  changed();
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

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
