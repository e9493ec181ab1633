/**
 * The leftover check (test/helpers/no-leftovers.ts, vitest's globalSetup) fails a test run that
 * leaves a process or a listening port behind. Here: it finds a detached process that outlived
 * its parent (reparented, so no parent chain leads to it) with the port it listens on, and is
 * quiet once that process is gone.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alive, describeLeftovers, findLeftovers, listeningSockets, MARKER, waitForNoLeftovers } from '../helpers/leftovers.js';
import { eventually } from '../helpers/live.js';

describe('the leftover check', () => {
  it('names a reparented process of the run and its listening port, and is quiet once it is gone', async () => {
    const runId = `leftover-test-${randomUUID()}`;
    // A shell that starts a listening grandchild in the background and exits: the grandchild is orphaned.
    const script = `node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port)); setTimeout(() => {}, 60000)" & echo $!; sleep 0.1`;
    const shell = spawn('sh', ['-c', script], { env: { ...process.env, [MARKER]: runId }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    shell.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
    await new Promise((resolve) => shell.once('exit', resolve));
    const pid = Number(out.split('\n')[0]);
    try {
      expect(alive(pid)).toBe(true);
      expect(await eventually(() => out.split('\n').filter(Boolean).length >= 2, 5000)).toBe(true);
      const port = Number(out.split('\n')[1]);
      expect([...listeningSockets().values()]).toContain(`127.0.0.1:${port}`);

      const left = findLeftovers(runId);
      expect(left).toEqual([{ pid, command: expect.stringContaining('node -e'), listening: [`127.0.0.1:${port}`] }]);
      expect(describeLeftovers(left)).toContain(`pid ${pid}: node -e`);
      expect(describeLeftovers(left)).toContain(`(listening on 127.0.0.1:${port})`);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    expect(await waitForNoLeftovers(runId, { timeoutMs: 2000 })).toEqual([]);
  });

  it('names a listener still held by a worker that never closed it', async () => {
    const runId = `leftover-test-${randomUUID()}`;
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(findLeftovers(runId, { holders: [process.pid] })).toEqual([{ pid: process.pid, command: expect.any(String), listening: [`127.0.0.1:${port}`] }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(findLeftovers(runId, { holders: [process.pid] })).toEqual([]);
  });
});
