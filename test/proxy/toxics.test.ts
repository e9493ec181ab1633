/** Every toxic over real sockets: what bytes arrive, when, and how the connection ends. */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Proxy } from '../../src/proxy/proxy.js';
import { toxicSchema, type ToxicInput } from '../../src/proxy/schema.js';
import { closed, pattern, readAll, readBytes, received, Sandbox, type Upstream } from './helpers.js';

let sandbox: Sandbox;
afterEach(() => sandbox.close());

/** A proxy in front of a plain upstream, one client through it, and the upstream's side of it. */
async function pair(...toxics: ToxicInput[]): Promise<{ proxy: Proxy; client: Socket; server: Socket; upstream: Upstream }> {
  sandbox = new Sandbox();
  const upstream = await sandbox.upstream();
  const proxy = await sandbox.proxy(upstream.address);
  for (const toxic of toxics) proxy.addToxic(toxicSchema.parse(toxic));
  const client = await sandbox.connect(proxy.listen);
  const server = await upstream.accepted();
  await proxy.waitForConnections(1, 1000);
  return { proxy, client, server, upstream };
}

const since = (start: number) => performance.now() - start;

describe('latency', () => {
  it('delays each direction by the latency, bytes intact', async () => {
    const { client, server } = await pair(
      { type: 'latency', stream: 'upstream', attributes: { latency: 100 } },
      { type: 'latency', stream: 'downstream', attributes: { latency: 50 } },
    );
    let start = performance.now();
    client.write(pattern(1000));
    expect(await readBytes(server, 1000)).toEqual(pattern(1000));
    expect(since(start)).toBeGreaterThanOrEqual(99);
    expect(since(start)).toBeLessThan(300); // once, not twice
    start = performance.now();
    server.write('pong');
    expect((await readBytes(client, 4)).toString()).toBe('pong');
    expect(since(start)).toBeGreaterThanOrEqual(49);
  });

  it('keeps order under jitter, each chunk delayed from its own arrival', async () => {
    const { client, server } = await pair({ type: 'latency', stream: 'upstream', seed: 7, attributes: { latency: 60, jitter: 40 } });
    const arrived = readBytes(server, 20 * 100);
    for (let i = 0; i < 20; i++) {
      client.write(pattern(100, i * 100));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const lastWrite = performance.now();
    expect(await arrived).toEqual(pattern(2000));
    // The last chunk lands about latency + jitter after it was sent, not after 20 × 60 ms of queueing.
    expect(since(lastWrite)).toBeLessThan(400);
  });
});

describe('bandwidth', () => {
  it('passes bytes at the rate in KB/s', async () => {
    const { client, server } = await pair({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } });
    const start = performance.now();
    client.write(pattern(30_000));
    expect(await readBytes(server, 30_000)).toEqual(pattern(30_000));
    // 30 KB at 100 KB/s = 300 ms.
    expect(since(start)).toBeGreaterThanOrEqual(280);
    expect(since(start)).toBeLessThan(1000);
  });
});

describe('slow_close', () => {
  it('passes bytes at once and holds the end of the stream for the delay', async () => {
    const { client, server } = await pair({ type: 'slow_close', attributes: { delay: 200 } });
    const start = performance.now();
    const all = readAll(client);
    server.end('bye');
    expect((await readBytes(client, 3)).toString()).toBe('bye');
    const bytesAt = since(start);
    expect((await all).toString()).toBe('bye');
    expect(since(start)).toBeGreaterThanOrEqual(195);
    expect(since(start) - bytesAt).toBeGreaterThan(100); // the bytes came well before the end
  });
});

describe('timeout', () => {
  it('passes nothing and closes the connection after the timeout', async () => {
    const { client, server } = await pair({ type: 'timeout', stream: 'upstream', attributes: { timeout: 200 } });
    const start = performance.now();
    const serverGot = readAll(server);
    client.write('lost');
    await closed(client);
    expect(since(start)).toBeGreaterThanOrEqual(150);
    expect((await serverGot).length).toBe(0);
  });

  it('with timeout 0 holds the connection open forever; removing it closes a connection that lost bytes only', async () => {
    const { proxy, client, server, upstream } = await pair({ type: 'timeout', stream: 'upstream' });
    const quiet = await sandbox.connect(proxy.listen);
    const quietServer = await upstream.accepted();
    await proxy.waitForConnections(2, 1000);
    client.write('lost');
    expect((await received(server, 200)).length).toBe(0);
    expect(client.closed).toBe(false);
    const lossy = closed(client);
    proxy.removeToxic('timeout_upstream');
    await lossy;
    // The connection that sent nothing keeps working.
    quiet.write('still here');
    expect((await readBytes(quietServer, 10)).toString()).toBe('still here');
  });
});

describe('reset_peer', () => {
  it('resets both sides with a real RST on the first bytes', async () => {
    const { client, server } = await pair({ type: 'reset_peer', stream: 'upstream' });
    const clientEnd = closed(client);
    const serverEnd = closed(server);
    client.write('boom');
    expect((await clientEnd).code).toBe('ECONNRESET');
    expect((await serverEnd).code).toBe('ECONNRESET');
  });

  it('waits the timeout after the first bytes', async () => {
    const { client } = await pair({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 150 } });
    const start = performance.now();
    const clientEnd = closed(client);
    client.write('boom');
    expect((await clientEnd).code).toBe('ECONNRESET');
    expect(since(start)).toBeGreaterThanOrEqual(145);
  });
});

describe('slicer', () => {
  it('cuts bytes into small pieces sent apart, in order', async () => {
    const { client, server } = await pair({
      type: 'slicer',
      stream: 'upstream',
      seed: 1,
      attributes: { average_size: 10, size_variation: 4, delay: 2000 },
    });
    const pieces: number[] = [];
    server.on('data', (chunk: Buffer) => pieces.push(chunk.length));
    client.write(pattern(200));
    expect(await readBytes(server, 200)).toEqual(pattern(200));
    expect(pieces.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...pieces)).toBeLessThanOrEqual(14);
  });
});

describe('limit_data', () => {
  it('passes exactly the byte limit, then closes the connection', async () => {
    const { client, server } = await pair({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } });
    const serverGot = readAll(server);
    client.write(pattern(100));
    expect(await serverGot).toEqual(pattern(10));
    await closed(client);
  });
});

describe('stall', () => {
  it('stops reading so the sender meets backpressure; removing it delivers everything in order', async () => {
    const { proxy, client, server } = await pair({ type: 'stall', stream: 'upstream' });
    const data = pattern(16 * 1024 * 1024);
    const full = !client.write(data);
    expect(full).toBe(true);
    expect((await received(server, 150)).length).toBe(0);
    expect(client.writableLength).toBeGreaterThan(0);
    const all = readBytes(server, data.length);
    proxy.removeToxic('stall_upstream');
    expect((await all).equals(data)).toBe(true);
  });
});

describe('blackhole', () => {
  it('reads and discards: the other side never hears anything, the connection stays open', async () => {
    const { client, server } = await pair({ type: 'blackhole', stream: 'downstream' });
    server.write(pattern(1000));
    expect((await received(client, 150)).length).toBe(0);
    expect(server.writableLength).toBe(0);
    // The other direction still works.
    client.write('up');
    expect((await readBytes(server, 2)).toString()).toBe('up');
  });
});

describe('close_on_data', () => {
  it('closes the connection on the first bytes instead of passing them', async () => {
    const { client, server } = await pair({ type: 'close_on_data', stream: 'upstream' });
    const serverGot = readAll(server);
    client.write('hello');
    await closed(client);
    expect((await serverGot).length).toBe(0);
  });
});

describe('corrupt', () => {
  it('probability 1 inverts every bit', async () => {
    const { client, server } = await pair({ type: 'corrupt', stream: 'upstream', attributes: { probability: 1 } });
    client.write(Buffer.from([0x00, 0xff, 0x0f]));
    expect(await readBytes(server, 3)).toEqual(Buffer.from([0xff, 0x00, 0xf0]));
  });

  it('flips bits at the rate asked, the same ones for the same seed', async () => {
    const flipped = async () => {
      const { client, server } = await pair({ type: 'corrupt', stream: 'upstream', seed: 42, attributes: { probability: 0.01 } });
      const data = pattern(10_000);
      client.write(data);
      const got = await readBytes(server, data.length);
      await sandbox.close();
      let bits = 0;
      for (let i = 0; i < data.length; i++) for (let x = data[i] ^ got[i]; x; x &= x - 1) bits++;
      return { got, bits };
    };
    const first = await flipped();
    const second = await flipped();
    expect(first.bits).toBeGreaterThan(600); // 80 000 bits × 1 % = 800
    expect(first.bits).toBeLessThan(1000);
    expect(second.got.equals(first.got)).toBe(true);
  });
});

describe('limit_time', () => {
  it('passes bytes, then closes the connection the time after the first byte', async () => {
    const { client, server } = await pair({ type: 'limit_time', stream: 'upstream', attributes: { time: 150 } });
    // The clock starts at the first byte, not at connect.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.closed).toBe(false);
    const start = performance.now();
    client.write('first');
    expect((await readBytes(server, 5)).toString()).toBe('first');
    await closed(client);
    expect(since(start)).toBeGreaterThanOrEqual(145);
  });
});

describe('toxicity', () => {
  it('is rolled per connection, repeatably for a seed', async () => {
    const hits = async () => {
      sandbox = new Sandbox();
      const upstream = await sandbox.echo();
      const proxy = await sandbox.proxy(upstream.address);
      proxy.addToxic(toxicSchema.parse({ type: 'blackhole', toxicity: 0.5, seed: 3 }));
      const pattern: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        // The echo ends when the client does: a blackholed connection ends having heard nothing.
        const client = await sandbox.connect(proxy.listen);
        client.end('x');
        pattern.push((await readAll(client)).length === 0);
      }
      await sandbox.close();
      return pattern;
    };
    const first = await hits();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await hits()).toEqual(first);
  });
});
