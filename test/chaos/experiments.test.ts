/**
 * An experiment against fake fault targets: the registries are stand-ins that record what was
 * injected and reverted and flip a real loopback server between healthy and failing, so the
 * experiment's own logic (phases, revert, fault window, recovery) is tested without a proxy,
 * a mock or a run around it. The end-to-end tests (test/e2e/gate.test.ts) keep the real ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExperiments, type ExperimentContext, type FaultTargets } from '../../src/chaos/experiments.js';
import { experimentSchema } from '../../src/chaos/schema.js';
import { MetricsStore } from '../../src/gate/store.js';
import type { Log } from '../../src/log.js';
import { httpServer, type TestServer } from '../load/servers.js';

let server: TestServer;
/** Set by the fake registries: the server answers 503 while a fault is in. */
let faulted = false;

beforeAll(async () => {
  server = await httpServer((_req, res) => {
    res.statusCode = faulted ? 503 : 200;
    res.end();
  });
});
afterAll(async () => {
  await server.close();
});

/** Fake registries: each call is logged; a fault flips the server. */
function fakeTargets(options: { removeThrows?: boolean } = {}): FaultTargets & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    proxies: {
      addToxic(proxy, toxic) {
        calls.push(`addToxic ${proxy} ${toxic.name} ${toxic.type}`);
        faulted = true;
        return undefined as never;
      },
      removeToxic(proxy, name) {
        calls.push(`removeToxic ${proxy} ${name}`);
        faulted = false;
        if (options.removeThrows) throw new Error('no such toxic');
      },
      get(proxy) {
        throw new Error(`no proxy ${proxy} in the fake`);
      },
      updateToxic(proxy, name, change) {
        calls.push(`updateToxic ${proxy} ${name} ${JSON.stringify(change.attributes)}`);
        return undefined as never;
      },
    },
    mocks: {
      addFault(mock, fault) {
        calls.push(`addFault ${mock} ${JSON.stringify(fault)}`);
        faulted = true;
        return 'fault-1';
      },
      removeFault(mock, id) {
        calls.push(`removeFault ${mock} ${id}`);
        faulted = false;
        return true;
      },
      // A stand-in knows no count; the experiment then judges reach by its own requests.
      faultTaken: () => undefined,
    },
  };
}

const quiet: Log = { info: () => {}, warn: () => {}, error: () => {}, output: () => {}, section: (_title, fn) => fn(), progress: () => {} };

function context(targets: FaultTargets, signal = new AbortController().signal): ExperimentContext & { store: MetricsStore } {
  return { targets, store: new MetricsStore(), runStart: performance.now(), log: quiet, signal };
}

function experiment(fault: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return experimentSchema.parse({
    name: 'db down',
    load: { url: server.url, rate: '100/s', timeout: '1s' },
    steady: '500ms',
    fault,
    hold: '1s',
    recover_within: '3s',
    ...extra,
  });
}

describe('runExperiments against fake registries', () => {
  it('injects the toxic under its own name, reverts it, and reports the phases and the fault window', async () => {
    const targets = fakeTargets();
    const ctx = context(targets);
    const outcome = await runExperiments([experiment({ proxy: 'db', type: 'reset_peer' })], ctx);

    expect(targets.calls).toEqual(['addToxic db experiment: db down reset_peer', 'removeToxic db experiment: db down']);
    expect(faulted).toBe(false);
    const [report] = outcome.reports;
    expect(report).toMatchObject({ name: 'db down', ok: true, recover_within_ms: 3000 });
    expect(report.fault).toMatchObject({ proxy: 'db', type: 'reset_peer' });
    expect(report.fault).not.toHaveProperty('name');
    // A request in flight at a flip counts in no phase (the boundary bucket), so the edges are exact.
    expect(report.phases.steady.success_rate).toBe(1);
    expect(report.phases.fault.success_rate).toBe(0);
    expect(report.phases.recovery.success_rate).toBe(1);
    expect(report.recovery_time_ms).not.toBeNull();

    // Returned, not pushed into the caller's arrays: one window, and the traffic around it.
    expect(outcome.windows).toHaveLength(1);
    const [window] = outcome.windows;
    expect(window.experiment).toBe('db down');
    expect(window.end).toBeGreaterThan(window.start);
    const requests = outcome.series.reduce((sum, p) => sum + p.requests, 0);
    const failures = outcome.series.reduce((sum, p) => sum + p.failures, 0);
    expect(requests).toBe(report.phases.steady.requests + report.phases.fault.requests + report.phases.recovery.requests + report.phases.boundary!.requests);
    const hits = Object.values(report.phases).reduce((sum, p) => sum + Number(p.metrics.http_req_failed?.hits ?? 0), 0);
    expect(failures).toBe(hits);
    expect(failures).toBeGreaterThan(0);
    expect(ctx.store.collect('chaos.db down.recovery').summary(1000).recovery_time).toBeUndefined();
    expect(ctx.store.collect('chaos.db down').summary(1000).recovery_time).toMatchObject({ type: 'trend', count: 1 });
  });

  it('reverts a mock fault by the id the registry gave', async () => {
    const targets = fakeTargets();
    const outcome = await runExperiments([experiment({ mock: 'llm', status: 503 })], context(targets));
    expect(targets.calls).toEqual(['addFault llm {"status":503}', 'removeFault llm fault-1']);
    expect(outcome.reports[0]).toMatchObject({ ok: true, fault: { mock: 'llm', status: 503 } });
  });

  it('a fault already removed (a test reset the proxies) is no error', async () => {
    const targets = fakeTargets({ removeThrows: true });
    const outcome = await runExperiments([experiment({ proxy: 'db', type: 'reset_peer' })], context(targets));
    expect(targets.calls.at(-1)).toBe('removeToxic db experiment: db down');
    expect(outcome.reports[0].ok).toBe(true);
  });

  it('a stop mid-fault reverts it at once and skips the experiments after it', async () => {
    const targets = fakeTargets();
    const stop = new AbortController();
    const proxies = targets.proxies;
    targets.proxies = {
      ...proxies,
      addToxic(proxy, toxic) {
        const added = proxies.addToxic(proxy, toxic);
        stop.abort();
        return added;
      },
    };
    const outcome = await runExperiments(
      [experiment({ proxy: 'db', type: 'reset_peer' }, { hold: '1h' }), experiment({ proxy: 'db', type: 'timeout' }, { name: 'never' })],
      context(targets, stop.signal),
    );
    expect(targets.calls).toEqual(['addToxic db experiment: db down reset_peer', 'removeToxic db experiment: db down']);
    expect(outcome.reports.map((r) => r.name)).toEqual(['db down']);
    expect(outcome.reports[0].ok).toBe(false);
    expect(outcome.windows).toHaveLength(1);
  });

  it('runs only the experiments of the categories asked for', async () => {
    const targets = fakeTargets();
    const outcome = await runExperiments([experiment({ proxy: 'db', type: 'reset_peer' }, { tags: ['database'] })], {
      ...context(targets),
      categories: ['network'],
    });
    expect(outcome).toEqual({ reports: [], series: [], windows: [] });
    expect(targets.calls).toEqual([]);
  });
});
