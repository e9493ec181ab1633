/**
 * The matrix's steady-state checks against a real HTTP server: they hold, they name what did not
 * hold with the answer that broke it, they wait for a system that comes back, and a bad check is
 * named at its key in chaos-gate.yml.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config.js';
import { freePort } from '../helpers/net.js';
import { awaitSteadyState, compileSteadyState, probeSteadyState } from '../../src/matrix/steady-state.js';
import { matrixSchema } from '../../src/matrix/schema.js';

let server: Server | undefined;
afterEach(() => server?.close());

/** A health page whose cache reads `state()` at each request; the requests it got are counted. */
async function health(state: () => string): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((req, res) => {
    requests += 1;
    if (req.url === '/token') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t-1"}');
    if (req.headers.authorization !== 'Bearer t-1' && req.url === '/private') return res.writeHead(401).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', cache: state() }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const steps = (url: string) =>
  matrixSchema.parse({
    load: { url: 'http://127.0.0.1:1/', rate: '1/s' },
    steady_state: [{ name: 'health', url: `${url}/health`, expect: [{ status: 200 }, { name: 'cache connected', json: '$.cache', equals: 'ready' }] }],
  }).steady_state!;

describe('steady-state checks', () => {
  it('hold when every expect holds, and name the one that did not with the answer', async () => {
    let state = 'ready';
    const { url } = await health(() => state);
    const flow = compileSteadyState(steps(url));
    expect(await probeSteadyState(flow)).toBeUndefined();
    state = 'end';
    expect(await probeSteadyState(flow)).toBe('cache connected did not hold (200 {"status":"ok","cache":"end"})');
  });

  it('wait for a system that comes back, probing until the checks hold', async () => {
    const { url, requests } = await health(() => (requests() < 4 ? 'reconnecting' : 'ready'));
    const flow = compileSteadyState(steps(url));
    expect(await awaitSteadyState(flow, 10_000, new AbortController().signal)).toBeUndefined();
    expect(requests()).toBe(4);
  });

  it('give up after the time given, with the last reason', async () => {
    const { url, requests } = await health(() => 'end');
    const flow = compileSteadyState(steps(url));
    expect(await awaitSteadyState(flow, 300, new AbortController().signal)).toMatch(/^cache connected did not hold/);
    expect(requests()).toBeGreaterThan(1);
  });

  it('run as a flow: a captured token is sent by the next request', async () => {
    const { url } = await health(() => 'ready');
    const flow = compileSteadyState(
      matrixSchema.parse({
        load: { url: 'http://127.0.0.1:1/', rate: '1/s' },
        steady_state: [
          { url: `${url}/token`, capture: { token: { json: '$.token' } }, expect: { status: 200 } },
          { url: `${url}/private`, headers: { authorization: 'Bearer {{token}}' }, expect: { status: 200 } },
        ],
      }).steady_state!,
    );
    expect(await probeSteadyState(flow)).toBeUndefined();
  });

  it('name a service that does not answer', async () => {
    const port = await freePort();
    const flow = compileSteadyState(steps(`http://127.0.0.1:${port}`));
    expect(await probeSteadyState(flow)).toBe(`health: status 200 did not hold (GET http://127.0.0.1:${port}/health: ECONNREFUSED)`);
  });

  it('are refused at their key when they check nothing or read what nothing sets', () => {
    const config = (steady: string) => `version: 1
proxies: [{ name: redis, listen: "127.0.0.1:0", upstream: "127.0.0.1:6379" }]
stages:
  chaos:
    matrix:
      load: { url: "http://127.0.0.1:1/", rate: 1/s }
      steady_state: ${steady}
`;
    expect(configProblems(config('[{ url: "http://127.0.0.1:1/health" }]'))).toEqual([
      'chaos-gate.yml:7:22: stages.chaos.matrix.steady_state[0].expect: missing; expected what must hold, like { status: 200 } or { json: $.cache, equals: ready }',
    ]);
    expect(configProblems(config('[{ url: "http://127.0.0.1:1/orders/{{id}}", expect: { status: 200 } }]'))).toEqual([
      'chaos-gate.yml:7:29: stages.chaos.matrix.steady_state[0].url: {{id}} is not set: no step captures it (variables here: none)',
    ]);
  });
});
