/**
 * The user's own processes (the system under test), started before the stages and stopped
 * after them. A service is ready when its HTTP health URL answers 2xx or its TCP port accepts.
 */
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { splitHostPort } from '../address.js';
import type { ServiceConfig } from '../config/schema.js';
import { EnvironmentError } from '../errors.js';
import { formatDuration } from '../units/duration.js';
import { startCommand, type ProcessGroups, type RunningCommand } from '../stages/spawn.js';
import type { Log } from '../log.js';

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
    throw new EnvironmentError(`service "${service.name}": ${where} already answers before the service started; stop what holds it (a service left by an earlier run?) and run again`);
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
