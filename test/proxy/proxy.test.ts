import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/control/errors.js';
import { toxicSchema } from '../../src/proxy/schema.js';
import { closed, pattern, readAll, readBytes, received, Sandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(() => sandbox.close());
const setup = () => (sandbox = new Sandbox());

const sha = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

describe('forwarding', () => {
  it('passes 8 MiB each way unchanged', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    const client = await sandbox.connect(proxy.listen);
    const data = pattern(8 * 1024 * 1024, 7);
    const back = readAll(client);
    client.end(data);
    expect(sha(await back)).toBe(sha(data));
  });

  it('forwards a half-close: a client that shuts its write side still gets the reply', async () => {
    setup();
    // The server replies only after the client's end-of-stream, then ends too.
    const upstream = await sandbox.upstream((socket) => {
      const request = readAll(socket);
      void request.then((body) => socket.end(`got ${body.length} bytes`));
    });
    const proxy = await sandbox.proxy(upstream.address);
    const client = await sandbox.connect(proxy.listen, true);
    const reply = readAll(client);
    client.end('hello');
    expect((await reply).toString()).toBe('got 5 bytes');
  });

  it('forwards a half-close through toxics that hold the end of the stream', async () => {
    setup();
    const upstream = await sandbox.upstream((socket) => void readAll(socket).then((body) => socket.end(body.toString().toUpperCase())));
    const proxy = await sandbox.proxy(upstream.address);
    proxy.addToxic(toxicSchema.parse({ type: 'latency', stream: 'upstream', attributes: { latency: 30 } }));
    proxy.addToxic(toxicSchema.parse({ type: 'slicer', stream: 'downstream', attributes: { average_size: 2, delay: 1000 } }));
    const client = await sandbox.connect(proxy.listen, true);
    const reply = readAll(client);
    client.end('half closed');
    expect((await reply).toString()).toBe('HALF CLOSED');
  });

  it('passes a reset from the server on to the client as a reset', async () => {
    setup();
    const upstream = await sandbox.upstream();
    const proxy = await sandbox.proxy(upstream.address);
    const client = await sandbox.connect(proxy.listen);
    const server = await upstream.accepted();
    await proxy.waitForConnections(1, 1000);
    const outcome = closed(client);
    server.resetAndDestroy();
    expect((await outcome).code).toBe('ECONNRESET');
  });

  it('resets the client when the upstream refuses', async () => {
    setup();
    const proxy = await sandbox.proxy('127.0.0.1:1');
    const client = await sandbox.connect(proxy.listen);
    expect((await closed(client)).code).toBe('ECONNRESET');
    expect(proxy.connectionCount).toBe(0);
  });
});

describe('proxy state', () => {
  it('enabled:false refuses connections and closes live ones; enabling again serves on the same port', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    const listen = proxy.listen;
    const live = await sandbox.connect(listen);
    await proxy.waitForConnections(1, 1000);
    const liveClosed = closed(live);
    await proxy.update({ enabled: false });
    await liveClosed;
    await expect(sandbox.connect(listen)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.update({ enabled: true });
    expect(proxy.listen).toBe(listen);
    const client = await sandbox.connect(listen);
    client.write('again');
    expect((await readBytes(client, 5)).toString()).toBe('again');
  });

  it('accepting:false parks new clients unserved, and serves them once accepting resumes', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address, { accepting: false });
    const client = await sandbox.connect(proxy.listen);
    client.write('parked');
    expect((await received(client, 150)).length).toBe(0);
    expect(proxy.connectionCount).toBe(0);
    proxy.setAccepting(true);
    expect((await readBytes(client, 6)).toString()).toBe('parked');
    expect(proxy.connectionCount).toBe(1);
  });

  it('closes every live connection on demand', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    const clients = await Promise.all([1, 2, 3].map(() => sandbox.connect(proxy.listen)));
    expect(await proxy.waitForConnections(3, 2000)).toBe(3);
    const outcomes = clients.map(closed);
    expect(await proxy.closeConnections()).toBe(3);
    await Promise.all(outcomes);
    expect(proxy.connectionCount).toBe(0);
  });

  it('waits for N connections, or answers with fewer after the timeout', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    const waiting = proxy.waitForConnections(2, 5000);
    await sandbox.connect(proxy.listen);
    await sandbox.connect(proxy.listen);
    expect(await waiting).toBe(2);
    const started = performance.now();
    expect(await proxy.waitForConnections(3, 100)).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('counts bytes per direction in Prometheus text', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    proxy.addToxic(toxicSchema.parse({ type: 'latency', attributes: { latency: 1 } }));
    const client = await sandbox.connect(proxy.listen);
    const back = readAll(client);
    client.end(pattern(1000));
    await back;
    await closed(client);
    const text = sandbox.registry.prometheus();
    expect(text).toContain(`chaos_gate_proxy_received_bytes_total{proxy="${proxy.name}",direction="upstream"} 1000`);
    expect(text).toContain(`chaos_gate_proxy_sent_bytes_total{proxy="${proxy.name}",direction="downstream"} 1000`);
    expect(text).toContain(`chaos_gate_proxy_connections_total{proxy="${proxy.name}"} 1`);
    expect(text).toContain(`chaos_gate_proxy_toxic_active{proxy="${proxy.name}",toxic="latency_downstream",type="latency",direction="downstream"} 1`);
    expect(text).toContain('# TYPE chaos_gate_proxy_received_bytes_total counter');
  });
});

describe('registry', () => {
  it('rejects a taken listen port with EADDRINUSE, a duplicate name with 409, an unresolvable upstream with 400', async () => {
    setup();
    const upstream = await sandbox.echo();
    const first = await sandbox.proxy(upstream.address);
    await expect(sandbox.proxy(upstream.address, { listen: first.listen })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // As the control API answers them.
    await expect(
      sandbox.registry.create({ ...first.toJSON(), listen: '127.0.0.1:0', on_max: 'refuse', toxics: undefined }).catch(toApiError),
    ).resolves.toMatchObject({
      status: 409,
      message: 'proxy already exists',
    });
    await expect(sandbox.proxy('no-such-host.invalid:5432').catch(toApiError)).resolves.toMatchObject({
      status: 400,
      message: 'upstream: host "no-such-host.invalid" does not resolve',
    });
    // The first proxy keeps serving.
    const client = await sandbox.connect(first.listen);
    client.write('ok');
    expect((await readBytes(client, 2)).toString()).toBe('ok');
  });

  it('reset enables every proxy, resumes accepting and removes every toxic', async () => {
    setup();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address, { accepting: false });
    proxy.addToxic(toxicSchema.parse({ type: 'timeout' }));
    await proxy.update({ enabled: false });
    await sandbox.registry.reset();
    expect(proxy.toJSON()).toMatchObject({ enabled: true, accepting: true, toxics: [] });
    const client = await sandbox.connect(proxy.listen);
    client.write('back');
    expect((await readBytes(client, 4)).toString()).toBe('back');
  });

  it('closeAll leaves no socket or listener of ours open', async () => {
    setup();
    const upstream = await sandbox.echo();
    const before = await tcpHandles();
    const proxy = await sandbox.proxy(upstream.address);
    proxy.addToxic(toxicSchema.parse({ type: 'latency', attributes: { latency: 10_000 } }));
    const parkedProxy = await sandbox.proxy(upstream.address, { accepting: false });
    const raw = [connect(Number(proxy.listen.split(':')[1])), connect(Number(parkedProxy.listen.split(':')[1]))];
    for (const socket of raw) socket.on('error', () => {});
    await proxy.waitForConnections(1, 2000);
    raw[0].write('held by latency');
    await sandbox.registry.closeAll();
    await Promise.all(raw.map(closed));
    // What remains open is the sandbox's upstream listener, as before.
    expect(await tcpHandles()).toBe(before);
    expect(sandbox.registry.list()).toEqual([]);
  });
});

/** Open TCP handles, counted once handles closed just before have been released (a loop turn after 'close'). */
async function tcpHandles(): Promise<number> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}
