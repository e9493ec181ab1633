/** PostgreSQL (127.0.0.1:5432) through the proxy with the `pg` client: what a service sees of each fault. */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { toxicSchema } from '../../src/proxy/schema.js';
import { Sandbox } from './helpers.js';

let sandbox: Sandbox;
let pool: pg.Pool | undefined;
afterEach(async () => {
  await pool?.end();
  pool = undefined;
  await sandbox.close();
});

async function poolThroughProxy() {
  sandbox = new Sandbox();
  const proxy = await sandbox.proxy('127.0.0.1:5432');
  const [host, port] = proxy.listen.split(':');
  pool = new pg.Pool({ host, port: Number(port), user: 'postgres', database: 'test', max: 2, connectionTimeoutMillis: 3000 });
  // Idle clients that lose their connection are reported here; the pool replaces them.
  pool.on('error', () => {});
  return { proxy, pool };
}

const timed = async <T>(work: () => Promise<T>) => {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
};

describe('PostgreSQL through the proxy', () => {
  it('answers a query', async () => {
    const { pool } = await poolThroughProxy();
    const { rows } = await pool.query('select 40 + 2 as answer');
    expect(rows).toEqual([{ answer: 42 }]);
  });

  it('with latency 100 ms a query takes at least 100 ms', async () => {
    const { proxy, pool } = await poolThroughProxy();
    await pool.query('select 1'); // connect first: the handshake alone is several round trips
    proxy.addToxic(toxicSchema.parse({ type: 'latency', attributes: { latency: 100 } }));
    const { result, ms } = await timed(() => pool.query('select 1 as one'));
    expect(result.rows).toEqual([{ one: 1 }]);
    expect(ms).toBeGreaterThanOrEqual(99);
  });

  it('with reset_peer a query fails with a connection error; after reset the pool recovers', async () => {
    const { proxy, pool } = await poolThroughProxy();
    await pool.query('select 1');
    proxy.addToxic(toxicSchema.parse({ type: 'reset_peer', attributes: { timeout: 0 } }));
    await expect(pool.query('select 1')).rejects.toThrow(/ECONNRESET|Connection terminated/);
    await sandbox.registry.reset();
    const { rows } = await pool.query('select 2 as two');
    expect(rows).toEqual([{ two: 2 }]);
  });

  it('a stopped accept makes new connections time out; accepting again lets them through', async () => {
    const { proxy, pool } = await poolThroughProxy();
    proxy.setAccepting(false);
    const fast = new pg.Client({ ...pool.options, connectionTimeoutMillis: 300 } as pg.ClientConfig);
    await expect(fast.connect()).rejects.toThrow(/timeout/i);
    proxy.setAccepting(true);
    const { rows } = await pool.query('select 3 as three');
    expect(rows).toEqual([{ three: 3 }]);
  });
});
