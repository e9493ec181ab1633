/**
 * The typed client covers what `chaos-gate serve` serves: proxies created, populated and deleted,
 * version(), typed toxic attributes, faults that revert themselves (`await using`, withFault), and
 * service faults. It drives `serve` as a separate process, with Redis behind the proxy as the real
 * upstream and a real Node service.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosGate, ChaosGateApiError } from '../../src/client/index.js';
import { Live } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { makeProject } from '../helpers/project.js';

const SERVICE = `require('node:http').createServer((_q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`;

let serve: Live;
let gate: ChaosGate;
let redisPort: number;

beforeAll(async () => {
  const [control, app] = [await freePort(), await freePort()];
  redisPort = await freePort();
  const dir = await makeProject({
    'service.js': SERVICE,
    'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:${control} }
proxies:
  - { name: redis, listen: 127.0.0.1:${redisPort}, upstream: 127.0.0.1:6379 }
services:
  - name: api
    run: exec node service.js
    env: { PORT: "${app}" }
    ready: { http: "http://127.0.0.1:${app}/", timeout: 10s }
    restart: on-failure
`,
  });
  serve = new Live('dist/cli.js', ['serve', '-c', 'chaos-gate.yml'], { cwd: dir });
  await serve.waitFor('serving; Ctrl-C to stop');
  gate = new ChaosGate({ url: `http://127.0.0.1:${control}` });
});

afterAll(async () => {
  await serve.stop();
});

/** One Redis PING through the proxy: its answer and how long it took. */
function ping(port = redisPort): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve({ reply: data.toString().trim(), ms: performance.now() - started });
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('the typed client against chaos-gate serve', () => {
  it("answers version() as Toxiproxy's clients expect", async () => {
    expect(await gate.version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('creates, populates, lists and deletes proxies, and keeps what populate created before a failure', async () => {
    const port = await freePort();
    const created = await gate.createProxy({ name: 'made', listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:6379' });
    expect((await ping(port)).reply).toBe('+PONG');
    const populated = await gate.populate([{ name: 'pop', upstream: '127.0.0.1:6379', toxics: [{ type: 'latency', attributes: { latency: 5 } }] }]);
    expect(populated.map((p) => [p.name, p.toxics.map((t) => t.type)])).toEqual([['pop', ['latency']]]);
    expect(Object.keys(await gate.proxies()).sort()).toEqual(['made', 'pop', 'redis']);
    const failed = await gate
      .populate([
        { name: 'pop2', upstream: '127.0.0.1:6379' },
        { name: 'clash', listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:6379' },
      ])
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(ChaosGateApiError);
    expect((failed as ChaosGateApiError).status).toBe(500);
    expect(((failed as ChaosGateApiError).body as { proxies: { name: string }[] }).proxies.map((p) => p.name)).toEqual(['pop2']);
    await created.delete();
    await gate.deleteProxy('pop');
    await gate.deleteProxy('pop2');
    expect(Object.keys(await gate.proxies())).toEqual(['redis']);
    await expect(ping(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reverts an `await using` fault when its scope ends, even by a throw', async () => {
    const redis = gate.proxy('redis');
    {
      await using slow = await redis.latency(150);
      expect(slow.description).toBe('latency on proxy redis');
      expect((await ping()).ms).toBeGreaterThanOrEqual(140);
      expect(await redis.toxics()).toHaveLength(1);
    }
    expect(await redis.toxics()).toEqual([]);
    const thrown = await (async () => {
      await using down = await redis.down();
      expect(down.description).toBe('proxy redis down');
      await expect(ping()).rejects.toThrow(/ECONNREFUSED/);
      throw new Error('the test failed here');
    })().catch((error: Error) => error.message);
    expect(thrown).toBe('the test failed here');
    expect((await redis.info()).enabled).toBe(true);
    expect((await ping()).reply).toBe('+PONG');
  });

  it('withFault reverts after the body returns or throws, and a fault reverted twice is fine', async () => {
    const redis = gate.proxy('redis');
    const during = await gate.withFault(
      () => redis.fault({ type: 'latency', attributes: { latency: 120 } }),
      async () => (await ping()).ms,
    );
    expect(during).toBeGreaterThanOrEqual(110);
    await expect(
      gate.withFault(
        () => redis.timeout(),
        () => Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect(await redis.toxics()).toEqual([]);
    const fault = await redis.bandwidth(1);
    await fault.revert();
    await fault.revert();
    expect(await redis.toxics()).toEqual([]);
  });

  it('types toxic attributes by toxic type', async () => {
    const redis = gate.proxy('redis');
    // @ts-expect-error: latency has no `rate` (tsc checks this file in npm test)
    const wrong = redis.addToxic({ type: 'latency', attributes: { rate: 5 } });
    await expect(wrong).rejects.toThrow(/attributes\.rate: unknown attribute of latency/);
    const added = await redis.addToxic({ type: 'slicer', attributes: { average_size: 4, size_variation: 1 } });
    expect(added.attributes).toEqual({ average_size: 4, size_variation: 1, delay: 0 });
    await redis.removeToxic(added.name);
  });

  it('kills a service, which its restart policy brings back once the fault is reverted', async () => {
    const api = gate.service('api');
    const before = await api.info();
    expect(before).toMatchObject({ name: 'api', state: 'running', restart: 'on-failure', fault: null });
    {
      await using crash = await api.kill({ durationMs: 30_000 });
      expect(crash.description).toBe('kill of service api');
      expect(await api.info()).toMatchObject({ fault: 'kill', pid: null });
    }
    let after = await api.info();
    for (let i = 0; i < 100 && after.state !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await api.info();
    }
    expect(after).toMatchObject({ state: 'running', fault: null, restarts: before.restarts + 1 });
    expect(after.pid).not.toBe(before.pid);
    expect(Object.keys(await gate.services())).toEqual(['api']);
  });
});
