/** The typed client against a real control API and real proxies: TcpGate's calls and what they do to bytes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChaosGate, ChaosGateApiError } from '../../src/client/index.js';
import { proxyRoutes } from '../../src/control/proxies.js';
import { Router } from '../../src/control/router.js';
import { ControlServer } from '../../src/control/server.js';
import { closed, readBytes, received, Sandbox } from '../proxy/helpers.js';

let sandbox: Sandbox;
let control: ControlServer;
let gate: ChaosGate;
let listen: string;

beforeEach(async () => {
  sandbox = new Sandbox();
  const echo = await sandbox.echo();
  listen = (await sandbox.proxy(echo.address, { name: 'db' })).listen;
  const router = new Router();
  proxyRoutes(router, sandbox.registry);
  router.add('POST', '/reset', async () => {
    await sandbox.registry.reset();
    return { status: 204 };
  });
  control = new ControlServer({ listen: '127.0.0.1:0', router });
  await control.start();
  gate = new ChaosGate({ url: control.url });
});

afterEach(async () => {
  await control.stop();
  await sandbox.close();
});

async function roundTrip(text: string): Promise<{ reply: Buffer; ms: number }> {
  const client = await sandbox.connect(listen);
  const start = performance.now();
  client.write(text);
  const reply = await readBytes(client, text.length);
  client.destroy();
  return { reply, ms: performance.now() - start };
}

describe('ChaosGate client', () => {
  it('delays one direction, updates the delay in place, and passes again', async () => {
    const db = gate.proxy('db');
    const added = await db.toClientDelay(100);
    expect(added).toMatchObject({ name: 'to_client', type: 'latency', stream: 'downstream', attributes: { latency: 100, jitter: 0 } });
    expect((await roundTrip('slow')).ms).toBeGreaterThanOrEqual(99);
    await db.toClientDelay(5);
    expect(await db.toxics()).toEqual([{ ...added, attributes: { latency: 5, jitter: 0 } }]);
    await db.toClientPass();
    expect(await db.toxics()).toEqual([]);
    expect((await roundTrip('fast')).reply.toString()).toBe('fast');
  });

  it('keeps one condition per direction, as TcpGate does', async () => {
    const db = gate.proxy('db');
    await db.toServerStall();
    await db.toServerCorrupt(1);
    await db.toClientLimitBps(200_000);
    const toxics = await db.toxics();
    expect(toxics.map((t) => [t.stream, t.type, t.attributes])).toEqual([
      ['upstream', 'corrupt', { probability: 1 }],
      ['downstream', 'bandwidth', { rate: 200 }],
    ]);
    expect((await roundTrip('\x00\x0f')).reply).toEqual(Buffer.from([0xff, 0xf0]));
    await db.toServerPass();
    await db.toClientPass();
    expect(await db.toxics()).toEqual([]);
  });

  it('maps each TcpGate condition to its toxic', async () => {
    const db = gate.proxy('db');
    const attributes = async (set: Promise<unknown>) => {
      await set;
      const [toxic] = await db.toxics();
      return [toxic.type, toxic.attributes];
    };
    expect(await attributes(db.toServerSmallerParts(10, 2))).toEqual(['slicer', { average_size: 10, size_variation: 0, delay: 2000 }]);
    expect(await attributes(db.toServerLimitTime(500, 100))).toEqual(['limit_time', { time: 500, jitter: 100 }]);
    expect(await attributes(db.toServerLimitBytes(64))).toEqual(['limit_data', { bytes: 64 }]);
    expect(await attributes(db.toServerTimeout(0))).toEqual(['timeout', { timeout: 0 }]);
    expect(await attributes(db.toServerResetPeer(10))).toEqual(['reset_peer', { timeout: 10 }]);
    expect(await attributes(db.toServerSlowClose(10))).toEqual(['slow_close', { delay: 10 }]);
    expect(await attributes(db.toServerCloseOnData())).toEqual(['close_on_data', {}]);
    expect(await attributes(db.toServerBlackhole())).toEqual(['blackhole', {}]);
    const client = await sandbox.connect(listen);
    client.write('into the void');
    expect((await received(client, 100)).length).toBe(0);
  });

  it('stops and starts accepting, counts, waits for and closes connections', async () => {
    const db = gate.proxy('db');
    await db.stopAccepting();
    const parked = await sandbox.connect(listen);
    expect(await db.connectionsCount()).toBe(0);
    const waiting = db.waitForConnections(1, 5000);
    await db.startAccepting();
    expect(await waiting).toBe(1);
    await expect(db.waitForConnections(2, 50)).rejects.toMatchObject({ status: 408 });
    const end = closed(parked);
    await db.closeAll();
    await end;
    expect(await db.connectionsCount()).toBe(0);
  });

  it('disables and enables; reset clears every fault', async () => {
    const db = gate.proxy('db');
    expect((await db.disable()).enabled).toBe(false);
    await expect(sandbox.connect(listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await db.enable()).enabled).toBe(true);
    await db.addToxic({ type: 'timeout', stream: 'upstream' });
    await db.stopAccepting();
    await gate.reset();
    expect(await gate.proxies()).toEqual({ db: expect.objectContaining({ enabled: true, accepting: true, toxics: [] }) });
    expect((await roundTrip('ok')).reply.toString()).toBe('ok');
  });

  it('reports API errors with their status and message', async () => {
    const error = await gate
      .proxy('missing')
      .info()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChaosGateApiError);
    expect(error).toMatchObject({ status: 404, message: 'GET /proxies/missing: proxy not found' });
    await expect(gate.proxy('db').addToxic({ type: 'latency', attributes: { latency: -1 } })).rejects.toMatchObject({
      status: 400,
      message: 'POST /proxies/db/toxics: attributes.latency: expected a number of milliseconds ≥ 0',
    });
  });

  it('finds the API from CHAOS_GATE_API', () => {
    process.env.CHAOS_GATE_API = 'http://127.0.0.1:9/';
    try {
      expect(new ChaosGate().url).toBe('http://127.0.0.1:9');
    } finally {
      delete process.env.CHAOS_GATE_API;
    }
  });
});
