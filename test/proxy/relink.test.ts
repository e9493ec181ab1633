/** Faults switched on, changed and off on live connections: applied at once, no byte lost or reordered. */
import { afterEach, describe, expect, it } from 'vitest';
import { toxicSchema, type ToxicInput } from '../../src/proxy/schema.js';
import { pattern, readAll, readBytes, Sandbox } from './helpers.js';

let sandbox: Sandbox;
afterEach(() => sandbox.close());

const toxic = (input: ToxicInput) => toxicSchema.parse(input);

describe('live connections', () => {
  it('removing latency flushes what it holds at once', async () => {
    sandbox = new Sandbox();
    const upstream = await sandbox.upstream();
    const proxy = await sandbox.proxy(upstream.address);
    const client = await sandbox.connect(proxy.listen);
    const server = await upstream.accepted();
    proxy.addToxic(toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 10_000 } }));
    client.write('held');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const start = performance.now();
    const arrived = readBytes(server, 4);
    proxy.removeToxic('latency_upstream');
    expect((await arrived).toString()).toBe('held');
    expect(performance.now() - start).toBeLessThan(1000); // not the 10 s the latency asked
  });

  it('an updated latency applies to what comes next', async () => {
    sandbox = new Sandbox();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    proxy.addToxic(toxic({ type: 'latency', attributes: { latency: 3000 } }));
    const client = await sandbox.connect(proxy.listen);
    await proxy.waitForConnections(1, 1000);
    proxy.updateToxic('latency_downstream', { attributes: { latency: 20 } });
    expect(proxy.getToxic('latency_downstream').definition.attributes).toEqual({ latency: 20, jitter: 0 });
    const start = performance.now();
    client.write('ping');
    await readBytes(client, 4);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('toggling toxics under full traffic loses and reorders nothing, both ways', async () => {
    sandbox = new Sandbox();
    const upstream = await sandbox.echo();
    const proxy = await sandbox.proxy(upstream.address);
    const client = await sandbox.connect(proxy.listen, true);
    const data = pattern(24 * 1024 * 1024, 3);
    const back = readAll(client);
    const faults: ToxicInput[] = [
      { type: 'latency', stream: 'upstream', attributes: { latency: 3, jitter: 2 }, seed: 1 },
      { type: 'slicer', stream: 'downstream', attributes: { average_size: 4096, size_variation: 1000 }, seed: 2 },
      { type: 'stall', stream: 'upstream' },
      { type: 'bandwidth', stream: 'downstream', attributes: { rate: 50_000 } },
      { type: 'latency', name: 'late', stream: 'downstream', attributes: { latency: 1 } },
      { type: 'slow_close', stream: 'downstream', attributes: { delay: 5 } },
    ];
    // One fault change per slice written: added, updated or removed while bytes are in flight.
    const active: string[] = [];
    let changes = 0;
    for (let offset = 0, step = 0; offset < data.length; offset += 256 * 1024, step++) {
      // No waiting for 'drain': a stall may be holding the way until a later step removes it.
      client.write(data.subarray(offset, offset + 256 * 1024));
      const next = faults[step % faults.length];
      if (step % 2 === 0 && !active.includes(toxic(next).name)) active.push(proxy.addToxic(toxic(next)).name);
      else if (step % 5 === 1 && active.some((name) => name.startsWith('latency'))) {
        proxy.updateToxic(
          active.find((name) => name.startsWith('latency'))!,
          { attributes: { latency: 2 } },
        );
      } else if (active.length > 0) proxy.removeToxic(active.shift()!);
      changes++;
      await new Promise((resolve) => setTimeout(resolve, step % 4));
    }
    for (const name of active) proxy.removeToxic(name);
    client.end();
    const echoed = await back;
    expect(changes).toBeGreaterThan(90);
    expect(echoed.length).toBe(data.length);
    expect(echoed.equals(data)).toBe(true);
  });
});
