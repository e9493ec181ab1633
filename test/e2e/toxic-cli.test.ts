/**
 * `chaos-gate proxy …` and `chaos-gate toxic …` read like toxiproxy-cli and drive a running
 * `chaos-gate serve`; both run as processes, with Redis behind the proxy.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Live } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { cli, makeProject } from '../helpers/project.js';

let serve: Live;
let dir: string;
let host: string;

beforeAll(async () => {
  const control = await freePort();
  host = `http://127.0.0.1:${control}`;
  dir = await makeProject({ 'chaos-gate.yml': `version: 1\ncontrol: { listen: 127.0.0.1:${control} }\n` });
  serve = new Live('dist/cli.js', ['serve', '-c', 'chaos-gate.yml'], { cwd: dir });
  await serve.waitFor('serving; Ctrl-C to stop');
});

afterAll(async () => {
  await serve.stop();
});

const run = (...args: string[]) => cli(args, dir, { TOXIPROXY_URL: host });

function ping(port: number): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (resolve({ reply: data.toString().trim(), ms: performance.now() - started }), socket.destroy()));
    socket.once('error', reject);
  });
}

describe('chaos-gate proxy and toxic, as toxiproxy-cli', () => {
  it('creates, lists, inspects, toggles and deletes a proxy; adds, updates and removes a toxic that Redis traffic feels', async () => {
    const port = await freePort();
    const created = await run('proxy', 'create', '-l', `127.0.0.1:${port}`, '-u', '127.0.0.1:6379', 'redis');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('Created new proxy redis');

    const listed = await run('proxy', 'list');
    expect(listed.stderr).toMatch(new RegExp(`redis\\s+127\\.0\\.0\\.1:${port}\\s+127\\.0\\.0\\.1:6379\\s+Enabled\\s+None`));

    const added = await run('toxic', 'add', '-t', 'latency', '-a', 'latency=150', '-a', 'jitter=0', 'redis');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain("Added downstream latency toxic 'latency_downstream' on proxy 'redis'");
    expect((await ping(port)).ms).toBeGreaterThanOrEqual(140);

    const updated = await run('toxic', 'update', '-n', 'latency_downstream', '-a', 'latency=1', 'redis');
    expect(updated.code, updated.stderr).toBe(0);
    const inspected = await run('proxy', 'inspect', 'redis');
    expect(inspected.stderr).toContain('latency_downstream: type=latency stream=downstream toxicity=1 attributes=[ latency=1 jitter=0 ]');

    expect((await run('toxic', 'remove', '-n', 'latency_downstream', 'redis')).code).toBe(0);
    expect((await run('proxy', 'inspect', 'redis')).stderr).toContain('Proxy has no toxics enabled.');

    expect((await run('proxy', 'toggle', 'redis')).stderr).toContain('Proxy redis is now disabled');
    await expect(ping(port)).rejects.toThrow(/ECONNREFUSED/);
    expect((await run('proxy', 'toggle', 'redis')).stderr).toContain('Proxy redis is now enabled');
    expect((await ping(port)).reply).toBe('+PONG');

    expect((await run('proxy', 'delete', 'redis')).code).toBe(0);
    expect((await run('proxy', 'list')).stderr).toContain('no proxies');
  });

  it("prints the API's refusal on one line with exit 1, and a usage mistake with exit 2", async () => {
    const missing = await run('toxic', 'add', '-t', 'latency', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: POST /proxies/nope/toxics: proxy not found');
    const port = await freePort();
    await run('proxy', 'create', '-l', `127.0.0.1:${port}`, '-u', '127.0.0.1:6379', 'r2');
    const badType = await run('toxic', 'add', '-t', 'lag', 'r2');
    expect(badType.code).toBe(1);
    expect(badType.stderr.trim()).toBe('error: POST /proxies/r2/toxics: invalid toxic type');
    const badAttribute = await run('toxic', 'add', '-t', 'latency', '-a', 'latency', 'r2');
    expect(badAttribute.code).toBe(2);
    expect(badAttribute.stderr).toContain('expected key=number, like latency=100, got "latency"');
    const unreachable = await cli(['proxy', 'list', '--host', `http://127.0.0.1:${await freePort()}`], dir);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is `chaos-gate serve` running there\?/);
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  });
});
