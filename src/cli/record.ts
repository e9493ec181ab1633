/**
 * `chaos-gate record`: real exchanges through one HTTP proxy, written as a mock file.
 *
 *   chaos-gate record --http-proxy billing --out mocks/billing.yml --run "npm test"
 *
 * The config's whole environment starts (its services call through the proxy as in a run); the
 * proxy records until the `--run` command ends, `--duration` passes or Ctrl-C; then the mock is
 * written, binary bodies in a folder beside it. It loads back as `mocks: [{ file: mocks/billing.yml }]`.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { MetricsStore } from '../gate/store.js';
import { bodiesDir, writeRecordedMock } from '../http-proxy/recording-file.js';
import type { Log } from '../log.js';
import { Environment } from '../run/environment.js';
import { checkSafety } from '../run/safety.js';
import type { ProcessGroups } from '../stages/spawn.js';

export interface RecordOptions {
  config: string;
  httpProxy: string;
  out: string;
  /** A command to run while recording (it gets the stages' variables); recording ends with it. */
  run?: string;
  /** Milliseconds to record for, when there is no command (default: until Ctrl-C). */
  durationMs?: number;
  /** The mock's name and listen address; default the proxy's name and 127.0.0.1:0. */
  name?: string;
  listen?: string;
  reportDir: string;
}

/** Records; resolves with the exit code (the command's, when it failed). */
export async function record(options: RecordOptions, log: Log, signal: AbortSignal, groups: ProcessGroups): Promise<number> {
  const { config, file } = await loadConfig(resolve(options.config));
  const declared = config.http_proxies.map((p) => p.name);
  if (!declared.includes(options.httpProxy)) {
    throw new UsageError(`--http-proxy: ${file} has no http proxy named "${options.httpProxy}" (declared: ${declared.join(', ') || 'none'})`);
  }
  checkSafety(config);
  const logDir = resolve(options.reportDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const store = new MetricsStore();
  const environment = await Environment.start(config, { cwd: process.cwd(), logDir, log, signal, groups, currentMetrics: () => store.scope('record') });
  let exitCode = 0;
  try {
    const proxy = environment.httpProxies.require(options.httpProxy);
    proxy.startRecording();
    log.info(`recording http proxy ${proxy.name} (${proxy.url} → ${proxy.definition.upstream})`);
    if (options.run !== undefined) exitCode = await runCommand(options.run, { ...process.env, ...environment.variables() }, signal, log);
    else await waitFor(options.durationMs, signal, log);
    const recording = proxy.stopRecording()!;
    const out = resolve(options.out);
    const bodies = bodiesDir(out);
    const recorded = recording.toMock(options.name ?? proxy.name, options.listen ?? '127.0.0.1:0', bodies);
    await writeRecordedMock(recorded, out, `http proxy "${proxy.name}" (${proxy.definition.upstream})`);
    log.info(
      `wrote ${options.out}: ${recorded.exchanges} exchanges as ${recorded.mock.routes.length} routes${recorded.files.size ? `, ${recorded.files.size} binary bodies in ${bodies}/` : ''}`,
    );
    for (const why of recorded.skipped) log.warn(`not recorded: ${why}`);
    if (recorded.exchanges === 0) log.warn('nothing was recorded: did the calls go through the proxy? (its URL is in CHAOS_GATE_HTTP_PROXY_<NAME>)');
  } finally {
    await environment.stop();
  }
  return exitCode;
}

function runCommand(command: string, env: NodeJS.ProcessEnv, signal: AbortSignal, log: Log): Promise<number> {
  log.info(`running: ${command}`);
  return new Promise((resolveExit) => {
    const child = spawn(command, { shell: true, stdio: 'inherit', env });
    const stop = () => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    child.once('exit', (code, killedBy) => {
      signal.removeEventListener('abort', stop);
      if (code !== 0) log.warn(`the command ${killedBy ? `was stopped by ${killedBy}` : `exited with ${code}`}; what it sent is written all the same`);
      resolveExit(code ?? 1);
    });
  });
}

function waitFor(durationMs: number | undefined, signal: AbortSignal, log: Log): Promise<void> {
  log.info(durationMs === undefined ? 'recording; Ctrl-C to stop and write the mock' : `recording for ${durationMs / 1000}s; Ctrl-C to stop early`);
  return new Promise((resolveWait) => {
    const timer = durationMs === undefined ? undefined : setTimeout(done, durationMs);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolveWait();
    }
  });
}
