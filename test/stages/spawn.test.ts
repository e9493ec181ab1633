import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcessGroups, startCommand } from '../../src/stages/spawn.js';

/** A killed process may linger as a zombie until its new parent reaps it; that counts as dead. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL is delivered asynchronously: wait (bounded) for the kernel to finish the process. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  return !alive(pid);
}

describe('startCommand', () => {
  it('streams lines, keeps a log and returns the exit code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spawn-'));
    const lines: string[] = [];
    const result = await startCommand('echo one; echo two >&2; exit 3', {
      cwd: dir,
      env: { GREETING: 'hi' },
      logFile: join(dir, 'out.log'),
      onLine: (line) => lines.push(line),
    }).done;
    expect(result.exitCode).toBe(3);
    expect(lines.sort()).toEqual(['one', 'two']);
    expect((await readFile(join(dir, 'out.log'), 'utf8')).split('\n').sort()).toEqual(['', 'one', 'two']);
  });

  it('passes the environment', async () => {
    const lines: string[] = [];
    await startCommand('echo "$CHAOS_GATE_STAGE"', { cwd: '.', env: { CHAOS_GATE_STAGE: 'unit' }, onLine: (l) => lines.push(l) }).done;
    expect(lines).toEqual(['unit']);
  });

  it('kills the whole process tree on timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spawn-'));
    const pidFile = join(dir, 'child.pid');
    // The grandchild ignores nothing special; it must die with its group.
    const result = await startCommand(`sleep 300 & echo $! > ${pidFile}; echo started; wait`, {
      cwd: dir,
      env: {},
      timeoutMs: 300,
      onLine: () => undefined,
    }).done;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(await gone(grandchild)).toBe(true);
  });

  it('kills what a finished command left running in the background', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spawn-'));
    const pidFile = join(dir, 'bg.pid');
    const result = await startCommand(`(sleep 300 >/dev/null 2>&1 &  echo $! > ${pidFile}); exit 0`, { cwd: dir, env: {}, onLine: () => undefined }).done;
    expect(result.exitCode).toBe(0);
    expect(await gone(Number(await readFile(pidFile, 'utf8')))).toBe(true);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const running = startCommand('echo ready; sleep 300', {
      cwd: '.',
      env: {},
      signal: controller.signal,
      onLine: (line) => line === 'ready' && controller.abort(),
    });
    const result = await running.done;
    expect(result.cancelled).toBe(true);
    expect(await gone(running.pid)).toBe(true);
  });

  it('tracks its group in the ProcessGroups given, until it is gone; killAll kills what is left', async () => {
    const seen: number[][] = [];
    const groups = new ProcessGroups((pids) => seen.push(pids));
    const finished = startCommand('exit 0', { cwd: '.', env: {}, groups, onLine: () => undefined });
    await finished.done;
    expect(seen).toEqual([[finished.pid], []]);

    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const running = startCommand('echo ready; sleep 300', { cwd: '.', env: {}, groups, onLine: (line) => line === 'ready' && ready() });
    await started;
    expect(groups.pids).toEqual([running.pid]);
    groups.killAll();
    expect((await running.done).exitCode).toBeNull();
    expect(await gone(running.pid)).toBe(true);
    expect(groups.pids).toEqual([]);
  });
});
