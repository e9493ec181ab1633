/** Redis (127.0.0.1:6379) through the proxy with ioredis: what a service sees of each fault. */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { toxicSchema } from '../../src/proxy/schema.js';
import { Sandbox } from './helpers.js';

let sandbox: Sandbox;
let redis: Redis | undefined;
afterEach(async () => {
  redis?.disconnect();
  redis = undefined;
  await sandbox.close();
});

async function redisThroughProxy() {
  sandbox = new Sandbox();
  const proxy = await sandbox.proxy('127.0.0.1:6379');
  const [host, port] = proxy.listen.split(':');
  redis = new Redis({
    host,
    port: Number(port),
    // Fail commands instead of queueing or resending them, so a fault shows; reconnect quickly.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: () => 20,
  });
  redis.on('error', () => {});
  return { proxy, redis };
}

describe('Redis through the proxy', () => {
  it('answers commands', async () => {
    const { redis } = await redisThroughProxy();
    const key = `chaos-gate:test:${process.pid}`;
    await redis.set(key, 'v', 'EX', 10);
    expect(await redis.get(key)).toBe('v');
  });

  it('with latency 100 ms a command takes at least 100 ms', async () => {
    const { proxy, redis } = await redisThroughProxy();
    await redis.ping();
    proxy.addToxic(toxicSchema.parse({ type: 'latency', stream: 'upstream', attributes: { latency: 100 } }));
    const start = performance.now();
    expect(await redis.ping()).toBe('PONG');
    expect(performance.now() - start).toBeGreaterThanOrEqual(99);
  });

  it('with reset_peer a command fails with a connection error; after reset the client recovers', async () => {
    const { proxy, redis } = await redisThroughProxy();
    await redis.ping();
    proxy.addToxic(toxicSchema.parse({ type: 'reset_peer', attributes: { timeout: 0 } }));
    await expect(redis.ping()).rejects.toThrow(/ECONNRESET|Connection is closed|Reached the max retries/);
    await sandbox.registry.reset();
    await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
    expect(await redis.ping()).toBe('PONG');
  });
});
