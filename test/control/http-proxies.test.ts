/**
 * The control API over HTTP proxies, through the typed client: create, faults on and off (a Fault
 * that reverts itself), the journal, reset, recording into a mock; and the API's refusals naming
 * the field.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosGate, ChaosGateApiError } from '../../src/client/index.js';
import { controlRouter } from '../../src/control/api.js';
import { ControlServer } from '../../src/control/server.js';
import { MetricSet } from '../../src/gate/metrics.js';
import { HttpProxyRegistry } from '../../src/http-proxy/registry.js';
import { MockRegistry } from '../../src/mock/registry.js';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import { echo, upstream } from '../http-proxy/helpers.js';

let control: ControlServer;
let gate: ChaosGate;
let up: Awaited<ReturnType<typeof upstream>>;
const httpProxies = new HttpProxyRegistry();
const proxies = new ProxyRegistry();
const mocks = new MockRegistry();

beforeAll(async () => {
  up = await upstream(echo);
  control = new ControlServer({
    listen: '127.0.0.1:0',
    router: controlRouter({ proxies, mocks, httpProxies, currentMetrics: () => new MetricSet() }),
  });
  await control.start();
  gate = new ChaosGate({ url: control.url });
});

afterAll(async () => {
  await control.stop();
  await httpProxies.closeAll();
  await proxies.closeAll();
  await mocks.closeAll();
  await up.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: { error?: string } & Record<string, unknown> }> {
  const response = await fetch(control.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

describe('/http over the control API', () => {
  it('creates an HTTP proxy, faults it from the client, journals and resets', async () => {
    const created = await api('POST', '/http', { name: 'billing', listen: '127.0.0.1:0', upstream: up.url });
    expect(created.status).toBe(201);
    const billing = gate.httpProxy('billing');
    const info = await billing.info();
    expect(info).toMatchObject({ name: 'billing', upstream: up.url, faults: [], recording: false });

    {
      await using outage = await billing.fault({ request: { method: 'POST', path: '/charges' }, status: 503, json: { error: 'down' } });
      expect(outage.description).toBe('status on http proxy billing');
      expect((await fetch(`${info.url}/charges`, { method: 'POST' })).status).toBe(503);
      expect((await fetch(`${info.url}/charges`)).status).toBe(200);
      expect((await billing.faults())[0]).toMatchObject({ kind: 'status', status: 503, applied: 1, remaining: null });
    }
    expect(await billing.faults()).toEqual([]);
    expect((await fetch(`${info.url}/charges`, { method: 'POST' })).status).toBe(200);

    const entries = await billing.requests({ method: 'POST' });
    expect(entries.map((e) => [e.status, e.fault])).toEqual([
      [503, 'status'],
      [200, null],
    ]);
    expect(entries[0]).toMatchObject({ path: '/charges', upstream_ms: null, error: null, fault_id: 'fault-1' });
    expect(entries[1].upstream_ms).toBeGreaterThan(0);
    expect(await billing.count()).toBe(3);

    await billing.addFault({ status: 500 });
    await billing.reset();
    expect(await billing.faults()).toEqual([]);
    expect(await billing.count()).toBe(0);
    // /reset spans the HTTP proxies too.
    await billing.addFault({ status: 500 });
    await gate.reset();
    expect(await billing.faults()).toEqual([]);
  });

  it('records exchanges over the API into a mock, and writes it when asked', async () => {
    const billing = gate.httpProxy('billing');
    await billing.startRecording();
    expect((await billing.info()).recording).toBe(true);
    const { url } = await billing.info();
    await fetch(`${url}/v1/customers/42`);
    const dir = mkdtempSync(join(tmpdir(), 'cg-api-rec-'));
    const recorded = await billing.stopRecording({ out: join(dir, 'billing.yml'), listen: '127.0.0.1:0' });
    expect(recorded).toMatchObject({ exchanges: 1, written: join(dir, 'billing.yml'), skipped: [] });
    expect(recorded.mock.routes).toEqual([{ request: { method: 'GET', path: '/v1/customers/42' }, respond: [expect.objectContaining({ status: 200 })] }]);
    expect(readFileSync(join(dir, 'billing.yml'), 'utf8')).toContain('path: /v1/customers/42');
    const notRecording = await api('POST', '/http/billing/record/stop');
    expect(notRecording.status).toBe(409);
    expect(notRecording.json.error).toMatch(/is not recording/);
  });

  it('refuses a bad fault or definition at its field, and an unknown proxy with 404', async () => {
    const bad = await api('POST', '/http/billing/faults', { status: 503, truncate: 10 });
    expect(bad).toMatchObject({ status: 400, json: { error: "truncate: truncate changes the upstream's answer; status replaces it" } });
    const none = await api('POST', '/http/billing/faults', { probability: 0.5 });
    expect(none.json.error).toMatch(/expected an effect/);
    const url = await api('POST', '/http', { name: 'x', listen: '127.0.0.1:0', upstream: 'ftp://a' });
    expect(url).toMatchObject({ status: 400, json: { error: 'upstream: expected an http:// or https:// URL, got ftp:' } });
    const unknown = await gate
      .httpProxy('nope')
      .info()
      .catch((e: ChaosGateApiError) => e);
    expect(unknown).toBeInstanceOf(ChaosGateApiError);
    expect((unknown as ChaosGateApiError).status).toBe(404);
    expect((unknown as ChaosGateApiError).message).toContain('http proxy "nope" not found (have: billing)');
    const taken = await api('POST', '/http', { name: 'billing', listen: '127.0.0.1:0', upstream: up.url });
    expect(taken.status).toBe(409);
  });
});
