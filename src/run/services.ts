/**
 * The user's own processes (the system under test), started before the stages and stopped
 * after them. A service is ready when its HTTP health URL answers 2xx or its TCP port accepts.
 * While the run goes, SupervisedService restarts it by its policy and applies process faults.
 */
import { faketimeEnv, writeClock } from './clock.js';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { splitHostPort } from '../address.js';
import type { ServiceConfig } from '../config/schema.js';
import { EnvironmentError } from '../errors.js';
import { formatDuration } from '../units/duration.js';
import { startCommand, type ProcessGroups, type RunningCommand } from '../stages/spawn.js';
import type { Log } from '../log.js';
import type { ServiceAction, ServiceState, ServiceStatus } from '../control/services.js';

const POLL_MS = 100;

export interface StartedService {
  name: string;
  command: RunningCommand;
  /** SIGTERM to SIGKILL when it is stopped (`stop_timeout`). */
  stopTimeout: number;
}

/**
 * Starts a service and waits until it is ready; throws EnvironmentError (with its last output)
 * when it exits first or is not ready in time.
 */
export async function startService(
  service: ServiceConfig,
  options: { cwd: string; env: Record<string, string>; logDir: string; logLimit?: number; log: Log; signal: AbortSignal; groups?: ProcessGroups },
): Promise<StartedService> {
  // Something already answering where this service will listen is a stale one (a gate killed
  // with -9) or another program: probing it would judge the wrong process.
  if (service.ready && (await probe(service.ready)) === true) {
    const where = service.ready.http ?? service.ready.tcp;
    throw new EnvironmentError(
      `service "${service.name}": ${where} already answers before the service started; stop what holds it (a service left by an earlier run?) and run again`,
    );
  }
  const tail: string[] = [];
  const command = startCommand(service.run, {
    cwd: resolve(options.cwd, service.working_directory ?? '.'),
    env: { ...options.env, ...service.env },
    logFile: join(options.logDir, `service-${service.name}.log`),
    logLimit: options.logLimit,
    groups: options.groups,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.log.output(service.name, line);
    },
  });
  let exited = false;
  void command.done.then(() => (exited = true));
  const ready = service.ready;
  if (!ready) return { name: service.name, command, stopTimeout: service.stop_timeout };

  const deadline = performance.now() + ready.timeout;
  const what = ready.http ?? `tcp ${ready.tcp}`;
  for (;;) {
    const answer = await probe(ready);
    if (answer === true) break;
    // Read before stopping it: once we stop it, it has exited, whatever kept it from being ready.
    const why = exited
      ? 'exited before it was ready'
      : options.signal.aborted
        ? 'was stopped before it was ready'
        : performance.now() > deadline
          ? `not ready after ${formatDuration(ready.timeout)} (${what} ${answer})`
          : undefined;
    if (why !== undefined) {
      await command.stop(service.stop_timeout);
      const output = tail.length > 0 ? `; its last output:\n  ${tail.join('\n  ')}` : '';
      throw new EnvironmentError(`service "${service.name}" ${why}${output}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { name: service.name, command, stopTimeout: service.stop_timeout };
}

/** true when ready; otherwise what the probe met: `answered 503`, `refused`, `timed out`. */
async function probe(ready: NonNullable<ServiceConfig['ready']>): Promise<true | string> {
  if (ready.http) {
    try {
      const response = await fetch(ready.http, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 300 ? true : `answered ${response.status}`;
    } catch (error) {
      return describeFailure(error);
    }
  }
  const { host, port } = splitHostPort(ready.tcp!);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', (error) => done(describeFailure(error)));
    socket.once('timeout', () => done('timed out'));
  });
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause ?? error;
  const code = (cause as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if ((error as Error)?.name === 'TimeoutError' || code === 'ETIMEDOUT') return 'timed out';
  return code ?? (cause as Error)?.message ?? 'failed';
}

/** Consecutive failed restarts wait 100 ms, 200 ms, 400 ms… up to this. */
const BACKOFF_CAP_MS = 5000;
const FIRST_BACKOFF_MS = 100;

type StartOptions = Parameters<typeof startService>[1];

/**
 * A started service over the run: it restarts it by its `restart` policy (with backoff, at most
 * `max_restarts` times, each time through its own command and readiness probe), and applies
 * process faults to its group:
 *
 *   kill   SIGKILL the group (a crash)             ─┐ down until reverted; the revert restarts it
 *   stop   SIGTERM, SIGKILL after stop_timeout     ─┘ (restart: never: it stays down, and the run fails)
 *   freeze SIGSTOP the group                       the revert (or shutdown, or fault_ttl) sends SIGCONT
 *
 * A death during its own kill or stop is expected; any other death is a finding (`onError`), and
 * then restarted when the policy says so.
 */
export class SupervisedService {
  private current?: StartedService;
  private state: ServiceState = 'running';
  private fault?: { action: ServiceAction; by: string };
  private restarts = 0;
  private shuttingDown = false;
  /** Ends a restart in progress (its start, its backoff) at shutdown. */
  private readonly restartStop = new AbortController();
  private restarting?: Promise<void>;
  private thawTimer?: NodeJS.Timeout;
  /** libfaketime's control file and environment, for a service with faketime: true. */
  private clockFile?: string;
  private clockEnv?: Record<string, string>;

  private startOptions(): StartOptions {
    return this.clockEnv ? { ...this.options, env: { ...this.options.env, ...this.clockEnv } } : this.options;
  }

  constructor(
    private readonly config: ServiceConfig,
    private readonly options: StartOptions,
    private readonly onError: (message: string) => void,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get stopTimeout(): number {
    return this.config.stop_timeout;
  }

  /** The first start; throws EnvironmentError as startService does. */
  async start(): Promise<void> {
    if (this.config.faketime) {
      const clock = await faketimeEnv(this.name, this.options.logDir, process.env);
      this.clockFile = clock.file;
      // Every start (restarts too) runs under it.
      this.clockEnv = clock.env;
    }
    this.watch(await startService(this.config, this.startOptions()));
  }

  /** Moves the service's clock `offsetMs` from the real one; resolves with the revert (back to real time). */
  async skewClock(offsetMs: number, by: string, rate = 1): Promise<() => Promise<void>> {
    const file = this.clockFile;
    if (!file) throw new EnvironmentError(`service "${this.name}" takes a time fault only with faketime: true (it then starts under libfaketime)`);
    this.options.log.info(`service ${this.name}: clock ${offsetMs >= 0 ? '+' : ''}${Math.round(offsetMs / 1000)}s (${by})`);
    await writeClock(file, offsetMs, rate);
    return () => writeClock(file, 0);
  }

  status(): ServiceStatus {
    const running = this.state === 'running' || this.state === 'frozen';
    return {
      name: this.name,
      state: this.state,
      restart: this.config.restart,
      restarts: this.restarts,
      fault: this.fault?.action ?? null,
      pid: running ? (this.current?.command.pid ?? null) : null,
    };
  }

  /**
   * Applies a fault (`by` names who: `experiment "crash"`, `the control API`); returns its revert.
   * Throws EnvironmentError when the service is not running (down, restarting, already faulted).
   * `thawAfter` (freeze only) resumes it by itself after that long: the control API's safety net.
   */
  async inject(action: ServiceAction, by: string, thawAfter?: number): Promise<() => Promise<void>> {
    const target = this.current;
    if (this.shuttingDown || this.state !== 'running' || this.fault || !target) {
      throw new EnvironmentError(
        `service "${this.name}" is ${this.fault ? `under a ${this.fault.action} fault` : this.state}; it can take a fault only while it runs`,
      );
    }
    const fault = (this.fault = { action, by });
    this.options.log.info(`service ${this.name}: ${action} (${by})`);
    if (action === 'freeze') {
      signalGroup(target.command.pid, 'SIGSTOP');
      this.state = 'frozen';
      if (thawAfter !== undefined) this.thawTimer = setTimeout(() => void this.revert(fault), thawAfter).unref();
    } else if (action === 'kill') {
      signalGroup(target.command.pid, 'SIGKILL');
      await target.command.done;
    } else {
      await target.command.stop(this.config.stop_timeout);
    }
    // This fault's own revert: a late one (a timer) never ends a later fault.
    return () => this.revert(fault);
  }

  /** Ends the fault (`only`: if it is still that one): SIGCONT for a freeze; for kill and stop, the restart begins (not awaited: recovery measures it). */
  async revert(only?: { action: ServiceAction; by: string }): Promise<void> {
    const fault = this.fault;
    if (!fault || (only !== undefined && fault !== only)) return;
    this.fault = undefined;
    clearTimeout(this.thawTimer);
    if (fault.action === 'freeze') {
      if (this.current) signalGroup(this.current.command.pid, 'SIGCONT');
      if (this.state === 'frozen') this.state = 'running';
      this.options.log.info(`service ${this.name}: resumed`);
      return;
    }
    if (this.shuttingDown) return;
    if (this.config.restart === 'never') {
      this.onError(
        `service "${this.name}" was ${fault.action === 'kill' ? 'killed' : 'stopped'} by ${fault.by} and stayed down: it has restart: never (set restart: on-failure to bring it back)`,
      );
      return;
    }
    this.restarting = this.restart();
  }

  /** Stops it for good: a frozen group is resumed first (a stopped process cannot act on SIGTERM), a pending restart dropped. */
  async shutdown(graceMs: number): Promise<void> {
    this.shuttingDown = true;
    clearTimeout(this.thawTimer);
    this.restartStop.abort();
    if (this.current) signalGroup(this.current.command.pid, 'SIGCONT');
    await this.restarting;
    await this.current?.command.stop(graceMs);
    this.state = 'stopped';
  }

  private watch(started: StartedService): void {
    this.current = started;
    this.state = 'running';
    void started.command.done.then((result) => {
      if (this.current !== started || this.shuttingDown || this.options.signal.aborted) return;
      this.state = 'down';
      // Its own kill or stop: expected, and the revert restarts it.
      if (this.fault && this.fault.action !== 'freeze') return;
      this.onError(`service "${this.name}" exited during the run (exit code ${result.exitCode ?? 'none'}); see logs/service-${this.name}.log`);
      const failed = result.exitCode !== 0;
      if (this.config.restart === 'always' || (this.config.restart === 'on-failure' && failed)) this.restarting = this.restart();
    });
  }

  /** Starts it again, retrying with backoff while a start fails, until max_restarts. */
  private async restart(): Promise<void> {
    const signal = AbortSignal.any([this.options.signal, this.restartStop.signal]);
    this.state = 'restarting';
    for (let attempt = 0; !signal.aborted; attempt++) {
      if (this.restarts >= this.config.max_restarts) {
        this.state = 'down';
        this.onError(`service "${this.name}" was not restarted: it has restarted ${this.restarts} times already (max_restarts)`);
        return;
      }
      if (attempt > 0) await sleep(Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), BACKOFF_CAP_MS), signal);
      if (signal.aborted) return;
      this.restarts += 1;
      this.options.log.info(`service ${this.name}: restarting (restart ${this.restarts} of at most ${this.config.max_restarts})`);
      try {
        const started = await startService(this.config, { ...this.startOptions(), signal });
        if (this.shuttingDown) {
          await started.command.stop(this.config.stop_timeout);
          return;
        }
        this.watch(started);
        this.options.log.info(`service ${this.name}: ready again after restart ${this.restarts}`);
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.options.log.warn(`service ${this.name}: restart ${this.restarts} failed: ${(error as Error).message}`);
      }
    }
  }
}

/** Signals every process of the group; a group already gone is fine. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: gone.
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
