/**
 * Connection faults at scale, with real PostgreSQL clients: a proxy's `max_connections` (pool
 * exhaustion: refuse or hold past N), and a reconnect storm closing every live connection at once,
 * timed until the clients are back, through `chaos-gate run` and `serve`.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosGate } from '../../src/client/index.js';
import { Live } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

/** A service holding a fixed pool of 4 PostgreSQL sessions, each reconnecting 100 ms after it is lost. */
const SERVICE = `
const { createServer } = require('node:http');
const pg = require('pg');
const sessions = [];
function open(i) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 2000 });
  const retry = () => { sessions[i] = undefined; setTimeout(() => open(i), 100); };
  client.on('error', () => undefined);
  client.once('end', retry);
  client.connect().then(() => (sessions[i] = client), () => undefined);
}
for (let i = 0; i < 4; i++) open(i);
let next = 0;
createServer(async (_req, res) => {
  const ready = sessions.filter(Boolean);
  const client = ready[next++ % Math.max(1, ready.length)];
  if (!client) return res.writeHead(503).end('no session');
  try { res.end(JSON.stringify((await client.query('SELECT 1 AS ok')).rows[0])); } catch (e) { res.writeHead(503).end(String(e.message)); }
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const connectThrough = async (port: number) => {
  const client = new pg.Client({ host: '127.0.0.1', port, database: 'test', user: process.env.PGUSER ?? 'postgres', connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

describe('max_connections on a proxy, with real PostgreSQL clients', () => {
  let serve: Live;
  let gate: ChaosGate;
  let port: number;
  beforeAll(async () => {
    const control = await freePort();
    port = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:${control} }
proxies:
  - { name: pg, listen: 127.0.0.1:${port}, upstream: 127.0.0.1:5432, max_connections: 2 }
`,
    });
    serve = new Live('dist/cli.js', ['serve', '-c', 'chaos-gate.yml'], { cwd: dir });
    await serve.waitFor('serving; Ctrl-C to stop');
    gate = new ChaosGate({ url: `http://127.0.0.1:${control}` });
  });
  afterAll(async () => {
    await serve.stop();
  });

  it('refuses the connection past the limit at once, and serves it once a slot frees (on_max: hold)', async () => {
    const [a, b] = [await connectThrough(port), await connectThrough(port)];
    expect((await gate.proxy('pg').info()).max_connections).toBe(2);
    await expect(connectThrough(port)).rejects.toThrow();
    expect((await a.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);

    await gate.proxy('pg').update({ on_max: 'hold' });
    let third: pg.Client | undefined;
    const waiting = connectThrough(port).then((c) => (third = c));
    await new Promise((r) => setTimeout(r, 300));
    expect(third).toBeUndefined();
    await a.end();
    await waiting;
    expect((await third!.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
    await Promise.all([b.end(), third!.end()]);
    // null lifts the limit.
    await gate.proxy('pg').update({ max_connections: null });
    const many = await Promise.all([1, 2, 3].map(() => connectThrough(port)));
    expect((await gate.proxy('pg').info()).max_connections).toBeUndefined();
    await Promise.all(many.map((c) => c.end()));
  });
});

describe('a reconnect storm', () => {
  it('closes every live connection of the proxy and times the pool coming back, as reconnect_time', async () => {
    const [app, proxyPort] = [await freePort(), await freePort()];
    const dir = await makeProject({
      'service.cjs': SERVICE,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
proxies:
  - { name: pg, listen: 127.0.0.1:${proxyPort}, upstream: 127.0.0.1:5432 }
services:
  - name: api
    run: exec node service.cjs
    env: { PORT: "${app}", DATABASE_URL: "postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:${proxyPort}/test", NODE_PATH: "${join(process.cwd(), 'node_modules')}" }
    ready: { http: "http://127.0.0.1:${app}/", timeout: 10s }
stages:
  chaos:
    experiments:
      - name: storm
        tags: [database, network]
        load: { url: "http://127.0.0.1:${app}/", rate: 40/s, timeout: 2s }
        steady: 1s
        fault: { proxy: pg, action: reconnect_storm, within: 5s }
        hold: 2s
        recover_within: 5s
thresholds:
  chaos.storm.reconnect_time: ["max<2000"]
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [e] = report.experiments;
    expect(e.fault).toEqual({ proxy: 'pg', action: 'reconnect_storm', within_ms: 5000 });
    expect(e.reconnects).toHaveLength(1);
    const [storm] = e.reconnects;
    expect(storm).toMatchObject({ proxy: 'pg', closed: 4, back: 4 });
    // Each session waits 100 ms before it reconnects.
    expect(storm.reconnect_time_ms).toBeGreaterThanOrEqual(100);
    expect(storm.reconnect_time_ms).toBeLessThan(2000);
    expect(report.thresholds).toMatchObject([{ metric: 'chaos.storm.reconnect_time', ok: true }]);
    expect(ran.code, ran.stderr).toBe(0);
  }, 60_000);
});
