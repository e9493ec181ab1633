/**
 * Toxiproxy's own clients must see Toxiproxy: the same mistakes get the same status and body.
 * The expected answers are what toxiproxy-server 2.2.0 answered (api.go, api_test.go; recorded
 * from the binary built with ../shared/tools/build-toxiproxy.sh). When TOXIPROXY_BIN names that
 * binary, the same requests also go to a live Toxiproxy and the answers are compared directly.
 * chaos-gate runs as users run it: `chaos-gate serve`, a process.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Live } from '../helpers/live.js';
import { makeProject } from '../helpers/project.js';
import { freePort } from '../helpers/net.js';

type Call = [method: string, path: string, body: unknown, status: number, answer: unknown];

/** Builds the calls with listen ports of the given block, so two servers can run side by side. */
function calls(port: (i: number) => string, busy: string): Call[] {
  const proxy = (name: string, listen: string) => ({ name, listen, upstream: '127.0.0.1:6379' });
  const shown = (name: string, listen: string, toxics: unknown[] = []) => ({ ...proxy(name, listen), enabled: true, toxics });
  return [
    ['POST', '/proxies', { upstream: '127.0.0.1:6379' }, 400, { error: 'missing required field: name', status: 400 }],
    ['POST', '/proxies', { name: 'a' }, 400, { error: 'missing required field: upstream', status: 400 }],
    ['POST', '/proxies', proxy('a', port(1)), 201, shown('a', port(1))],
    ['POST', '/proxies', proxy('a', port(2)), 409, { error: 'proxy already exists', status: 409 }],
    ['POST', '/proxies', proxy('b', busy), 500, { error: `listen tcp ${busy}: bind: address already in use`, status: 500 }],
    ['GET', '/proxies/nope', undefined, 404, { error: 'proxy not found', status: 404 }],
    ['POST', '/proxies/a/toxics', { type: 'noop' }, 200, { attributes: {}, name: 'noop_downstream', type: 'noop', stream: 'downstream', toxicity: 1 }],
    ['POST', '/proxies/a/toxics', { type: 'noop' }, 409, { error: 'toxic already exists', status: 409 }],
    ['POST', '/proxies/a/toxics', { type: 'nosuch' }, 400, { error: 'invalid toxic type', status: 400 }],
    [
      'POST',
      '/proxies/a/toxics',
      { type: 'latency', stream: 'sideways' },
      400,
      { error: 'stream was invalid, can be either upstream or downstream', status: 400 },
    ],
    ['GET', '/proxies/a/toxics/nope', undefined, 404, { error: 'toxic not found', status: 404 }],
    ['DELETE', '/proxies/a/toxics/nope', undefined, 404, { error: 'toxic not found', status: 404 }],
    ['POST', '/proxies/nope/toxics', { type: 'noop' }, 404, { error: 'proxy not found', status: 404 }],
    // Populate checks every entry first: nothing is created.
    [
      'POST',
      '/populate',
      [proxy('p1', port(11)), { name: 'p2', listen: port(12) }],
      400,
      { error: 'missing required field: upstream at proxy 2', status: 400, proxies: null },
    ],
    ['GET', '/proxies/p1', undefined, 404, { error: 'proxy not found', status: 404 }],
    // Then it creates in order and stops at the first failure: those before it stay, and are listed.
    [
      'POST',
      '/populate',
      [proxy('p1', port(11)), proxy('p3', busy), proxy('p4', port(14))],
      500,
      { error: `listen tcp ${busy}: bind: address already in use`, status: 500, proxies: [shown('p1', port(11))] },
    ],
    ['GET', '/proxies/p1', undefined, 200, shown('p1', port(11))],
    ['GET', '/proxies/p4', undefined, 404, { error: 'proxy not found', status: 404 }],
    ['POST', '/populate', [proxy('p5', port(15))], 201, { proxies: [shown('p5', port(15))] }],
    ['DELETE', '/proxies/nope', undefined, 404, { error: 'proxy not found', status: 404 }],
  ];
}

/** chaos-gate adds `accepting` to a proxy's JSON (documented in docs/from-toxiproxy.md); the rest must match. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    const { accepting: _accepting, ...rest } = value as Record<string, unknown>;
    return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

async function ask(base: string, [method, path, body]: Call): Promise<{ status: number; answer: unknown }> {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, answer: text ? comparable(JSON.parse(text)) : undefined };
}

let busy: Server;
let busyAddress: string;
let serve: Live;
let base: string;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyAddress = `127.0.0.1:${(busy.address() as { port: number }).port}`;
  const control = await freePort();
  const dir = await makeProject({ 'chaos-gate.yml': `version: 1\ncontrol: { listen: 127.0.0.1:${control} }\n` });
  serve = new Live('dist/cli.js', ['serve', '-c', 'chaos-gate.yml'], { cwd: dir });
  await serve.waitFor('serving; Ctrl-C to stop');
  base = `http://127.0.0.1:${control}`;
});

afterAll(async () => {
  await serve.stop();
  busy.close();
});

async function freePorts(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => `127.0.0.1:${await freePort()}`));
}

describe("chaos-gate's control API answers Toxiproxy's clients as Toxiproxy does", () => {
  it('for missing fields, names taken, ports in use, unknown toxics and populate', async () => {
    const ports = await freePorts(16);
    for (const call of calls((i) => ports[i], busyAddress)) {
      const got = await ask(base, call);
      expect({ call: `${call[0]} ${call[1]}`, ...got }).toEqual({ call: `${call[0]} ${call[1]}`, status: call[3], answer: call[4] });
    }
  });

  // Where ../shared/tools/build-toxiproxy.sh puts it by default.
  const bin = process.env.TOXIPROXY_BIN ?? '/tmp/toxiproxy-bin/toxiproxy-server';
  it.skipIf(!existsSync(bin))("gives the same answers as a live toxiproxy-server (TOXIPROXY_BIN, or build-toxiproxy.sh's /tmp/toxiproxy-bin)", async () => {
    const port = await freePort();
    const toxiproxy: ChildProcess = spawn(bin!, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100 && !(await fetch(`${url}/version`).catch(() => undefined)); i++) await new Promise((r) => setTimeout(r, 50));
      // Fresh names on chaos-gate's side too: reset it, then replay the same calls on both, each with its own ports.
      await fetch(`${base}/reset`, { method: 'POST' });
      for (const name of ['a', 'p1', 'p5']) await fetch(`${base}/proxies/${name}`, { method: 'DELETE' });
      const [mine, theirs] = [await freePorts(16), await freePorts(16)];
      const ours = calls((i) => mine[i], busyAddress);
      const real = calls((i) => theirs[i], busyAddress);
      for (const [i, call] of real.entries()) {
        const a = await ask(url, call);
        const b = await ask(base, ours[i]);
        expect({ call: `${call[0]} ${call[1]}`, status: b.status }).toEqual({ call: `${call[0]} ${call[1]}`, status: a.status });
        const addressless = (v: unknown) => JSON.parse(JSON.stringify(v ?? null).replace(/127\.0\.0\.1:\d+/g, 'ADDR')) as unknown;
        expect(addressless(b.answer)).toEqual(addressless(a.answer));
      }
    } finally {
      toxiproxy.kill();
    }
  });
});
