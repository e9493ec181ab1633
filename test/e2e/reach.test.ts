/**
 * A fault's reach through `chaos-gate run`: how many connections and requests it touched, rolled
 * per connection (Toxiproxy's toxicity) or per chunk (`toxicity_mode: data`), and a fault that
 * reached nothing flagged as vacuous — a warning, or a failure with `fail_on_vacuous: true`.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

describe('fault reach', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('reports what each fault reached, rolls toxicity per chunk when asked, and flags a fault that reached nothing', async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const [apiPort, idlePort, mockPort] = [await freePort(), await freePort(), await freePort()];
    const experiment = (name: string, fault: string, extra = '') => `
      - name: ${name}
        load: { url: "http://127.0.0.1:${apiPort}/", rate: 50/s, timeout: 2s }
        steady: 500ms
        fault: ${fault}
        hold: 1s
        recovery: 3s${extra}`;
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
proxies:
  - { name: api, listen: 127.0.0.1:${apiPort}, upstream: 127.0.0.1:${port} }
  - { name: idle, listen: 127.0.0.1:${idlePort}, upstream: 127.0.0.1:${port} }
mocks:
  - name: provider
    listen: 127.0.0.1:${mockPort}
    routes:
      - { name: quote, request: { path: /quote }, respond: [{ status: 200 }] }
stages:
  chaos:
    experiments:${experiment('per request', '{ proxy: api, type: reset_peer, toxicity: 0.3, toxicity_mode: data, seed: 7 }')}${experiment(
      'unused proxy',
      '{ proxy: idle, type: reset_peer, seed: 7 }',
      '\n        fail_on_vacuous: true',
    )}${experiment('unused mock', '{ mock: provider, status: 503 }')}
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    const report = await readJson(join(dir, 'chaos-gate-report/metrics.json'));
    const [perRequest, unusedProxy, unusedMock] = report.experiments;

    // Per chunk: about three answers in ten reset, so the fault phase holds failures and successes.
    const fault = perRequest.phases.fault.metrics.http_req_failed;
    expect(fault.hits).toBeGreaterThan(0);
    expect(fault.hits).toBeLessThan(fault.total);
    expect(perRequest.reach.connections.touched).toBeGreaterThan(0);
    expect(perRequest.reach.connections.touched).toBeLessThanOrEqual(perRequest.reach.connections.total);
    expect(perRequest.reach.bytes).toBeGreaterThan(0);
    expect(perRequest.reach.requests).toBe(perRequest.phases.fault.requests + perRequest.phases.boundary.requests);
    expect(perRequest.vacuous).toBe(false);

    // Nothing went through the idle proxy: the fault touched nothing, and fail_on_vacuous fails it.
    expect(unusedProxy.reach.connections).toEqual({ touched: 0, total: 0 });
    expect(unusedProxy.reach.requests).toBeGreaterThan(0);
    expect(unusedProxy).toMatchObject({ vacuous: true, ok: false });
    expect(unusedProxy.recovery_time_ms).not.toBeNull();
    // The mock was never called: vacuous too, but only a warning.
    expect(unusedMock.reach.faulted_requests).toBe(0);
    expect(unusedMock).toMatchObject({ vacuous: true, ok: true });

    expect(report.stages.chaos.reason).toBe('1 experiment with a fault that reached nothing (fail_on_vacuous)');
    expect(ran.stderr).toMatch(
      /experiment "unused mock": the fault reached nothing, so the experiment could not have failed \(vacuous\); set fail_on_vacuous: true/,
    );
    const summary = await readFile(join(dir, 'chaos-gate-report/summary.md'), 'utf8');
    expect(summary).toContain('⚠️ vacuous: 0 of 0 connections (0 bytes)');
    expect(summary).toMatch(/Vacuous fault:\*\* \*\*unused proxy\*\*, \*\*unused mock\*\*: the fault reached no connection or request/);
    expect(summary).toMatch(new RegExp(`${perRequest.reach.connections.touched} of ${perRequest.reach.connections.total} connections`));
    expect(ran.code).toBe(1);
  }, 90_000);
});
