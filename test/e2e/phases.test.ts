/**
 * Honest phases through `chaos-gate run`: a real HTTP service behind a real proxy, a fault that
 * fails every answer exactly while it is on, and the counts each phase must then show. Requests
 * still in flight when an experiment's load stops are drained and recorded, not abandoned.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

/** A service answering every request after `delayMs`, counting the requests it was sent. */
async function slowService(delayMs: number): Promise<{ server: Server; port: number; served: () => number }> {
  let served = 0;
  const server = createServer((_req, res) => {
    served += 1;
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, served: () => served };
}

async function config(servicePort: number, fault: string, load = 'rate: 50/s, timeout: 2s'): Promise<string> {
  return `version: 1
control: { listen: 127.0.0.1:0 }
proxies:
  - { name: api, listen: 127.0.0.1:${await freePort()}, upstream: 127.0.0.1:${servicePort} }
stages:
  chaos:
    experiments:
      - name: cut
        load: { url: "http://\${proxies.api.listen}/", ${load} }
        steady: 1s
        fault: ${fault}
        hold: 1s
        recover_within: 3s
`;
}

describe('experiment phases', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('a request in flight when the fault starts or ends counts in no phase, so each phase is exact', async () => {
    // Every answer takes 100 ms, so at 50/s about five requests straddle each switch.
    const service = await slowService(100);
    server = service.server;
    // reset_peer on the answers: every answer sent while the fault is on resets its connection.
    const dir = await makeProject({ 'chaos-gate.yml': await config(service.port, '{ proxy: api, type: reset_peer, seed: 16 }') });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.stderr).toMatch(/in flight at a switch, counted in no phase/);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const { steady, fault, recovery, boundary } = report.experiments[0].phases;
    // Answered before the fault: all healthy. Sent and answered inside it: all reset. Sent after it: all healthy.
    expect(steady.success_rate).toBe(1);
    expect(fault.requests).toBeGreaterThan(0);
    expect(fault.success_rate).toBe(0);
    expect(recovery.success_rate).toBe(1);
    // The ones in flight at a switch are counted, in the boundary bucket and the run's totals.
    expect(boundary.requests).toBeGreaterThan(0);
    expect(steady.requests + fault.requests + recovery.requests + boundary.requests).toBe(report.metrics.http_reqs.count);
    expect(ran.code).toBe(0);
  }, 60_000);

  it('requests in flight when the load stops are drained and recorded', async () => {
    // Slow answers: about twenty requests are in flight whenever the load stops.
    const service = await slowService(400);
    server = service.server;
    const dir = await makeProject({ 'chaos-gate.yml': await config(service.port, '{ proxy: api, type: latency, attributes: { latency: 50 } }') });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    // Every request the service was sent is in the report, none abandoned.
    expect(report.metrics.http_reqs.count).toBe(service.served());
    expect(report.metrics.http_req_failed.hits).toBe(0);
    expect(report.experiments[0].phases.recovery.metrics.http_req_duration.max).toBeGreaterThanOrEqual(400);
    expect(ran.code).toBe(0);
  }, 60_000);
});
