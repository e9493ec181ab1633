/**
 * The user's own processes (the system under test), started before the stages and stopped
 * after them. A service is ready when its HTTP health URL answers 2xx or its TCP port accepts.
 */
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { splitHostPort } from '../address.js';
import type { ServiceConfig } from '../config/schema.js';
import { EnvironmentError } from '../errors.js';
import { startCommand, type ProcessGroups, type RunningCommand } from '../stages/spawn.js';
import type { Log } from '../log.js';

const POLL_MS = 100;

export interface StartedService {
  name: string;
  command: RunningCommand;
}

/**
 * Starts a service and waits until it is ready; throws EnvironmentError (with its last output)
 * when it exits first or is not ready in time.
 */
export async function startService(
  service: ServiceConfig,
  options: { cwd: string; env: Record<string, string>; logDir: string; logLimit?: number; log: Log; signal: AbortSignal; groups?: ProcessGroups },
): Promise<StartedService> {
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
  if (!ready) return { name: service.name, command };

  const deadline = performance.now() + ready.timeout;
  const what = ready.http ?? `tcp ${ready.tcp}`;
  while (!(await probe(ready))) {
    if (exited || performance.now() > deadline || options.signal.aborted) {
      await command.stop();
      const why = exited ? 'exited before it was ready' : options.signal.aborted ? 'was stopped before it was ready' : `was not ready within ${ready.timeout} ms (${what})`;
      const output = tail.length > 0 ? `; its last output:\n  ${tail.join('\n  ')}` : '';
      throw new EnvironmentError(`service "${service.name}" ${why}${output}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { name: service.name, command };
}

async function probe(ready: NonNullable<ServiceConfig['ready']>): Promise<boolean> {
  if (ready.http) {
    try {
      const response = await fetch(ready.http, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 300;
    } catch {
      return false;
    }
  }
  const { host, port } = splitHostPort(ready.tcp!);
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
