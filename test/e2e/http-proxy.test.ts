/**
 * HTTP proxies as a user meets them from the CLI: `record` writes real exchanges of a real service
 * as a mock file, a run loads that file as a mock and answers from it; a run faults the real
 * service through an experiment; bad input is named at its line and key before anything starts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

/** A real service: a price per item, and the number of times it was asked. */
const SERVICE = `let calls = 0;
require('node:http').createServer((req, res) => {
  calls++;
  const id = /^\\/prices\\/(\\d+)$/.exec(req.url ?? '');
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-request-id', String(Math.random()));
  if (id) return res.end(JSON.stringify({ id: Number(id[1]), cents: Number(id[1]) * 100 }));
  if (req.url === '/health') return res.end('{"ok":true}');
  res.statusCode = 404;
  res.end('{"error":"no such price"}');
}).listen(Number(process.env.PORT), '127.0.0.1');`;

/** A client that asks for three prices through the proxy and prints what it got. */
const CLIENT = `const base = process.env.CHAOS_GATE_HTTP_PROXY_PRICES;
(async () => {
  for (const id of [1, 2, 1]) {
    const answer = await fetch(base + '/prices/' + id);
    console.log(answer.status, await answer.text());
  }
})();`;

/** The config's part both runs share: the prices service, and an HTTP proxy in front of it. */
function pricesBehindProxy(control: number, app: number, proxy: number): string {
  return `control: { listen: 127.0.0.1:${control} }
http_proxies:
  - { name: prices, listen: 127.0.0.1:${proxy}, upstream: "http://127.0.0.1:${app}" }
services:
  - name: prices
    run: exec node service.js
    env: { PORT: "${app}" }
    ready: { http: "http://127.0.0.1:${app}/health", timeout: 10s }
`;
}

describe('chaos-gate record and http_proxies in a run', () => {
  it('records a real service into a mock file that a later run answers from', async () => {
    const [control, app, proxy, mock] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const dir = await makeProject({
      'service.js': SERVICE,
      'client.js': CLIENT,
      'chaos-gate.yml': `version: 1
${pricesBehindProxy(control, app, proxy)}`,
      'replay.yml': `version: 1
control: { listen: 127.0.0.1:${control} }
mocks:
  - { file: mocks/prices.yml, listen: 127.0.0.1:${mock} }
stages:
  integration:
    run: >-
      node -e "fetch('http://127.0.0.1:${mock}/prices/2').then(async (r) => { const t = await r.text(); console.log(r.status, t); process.exit(r.status === 200 && t === '{\\"id\\":2,\\"cents\\":200}' ? 0 : 1); })"
`,
    });
    const recorded = await cli(['record', '--http-proxy', 'prices', '--out', 'mocks/prices.yml', '--run', 'node client.js'], dir);
    expect(recorded.stderr).toContain('wrote mocks/prices.yml: 3 exchanges as 3 routes');
    expect(recorded.stdout).toContain('200 {"id":2,"cents":200}');
    expect(recorded.code).toBe(0);
    const file = await readFile(join(dir, 'mocks/prices.yml'), 'utf8');
    expect(file).toContain('path: /prices/{id}');
    expect(file).not.toContain('x-request-id');

    const replayed = await cli(['run', '--config', 'replay.yml', '--report-dir', 'report'], dir);
    expect(replayed.stderr).toMatch(/PASS {2}1\/1 stages passed/);
    expect(replayed.code).toBe(0);
  }, 60_000);

  it('faults the real service through an experiment, and counts what the fault took', async () => {
    const [control, app, proxy] = [await freePort(), await freePort(), await freePort()];
    const dir = await makeProject({
      'service.js': SERVICE,
      'chaos-gate.yml': `version: 1
${pricesBehindProxy(control, app, proxy)}stages:
  chaos:
    experiments:
      - name: prices flaky
        load: { url: "\${http_proxies.prices.url}/prices/3", rate: 50/s }
        steady: 1s
        fault: { http_proxy: prices, request: { path: "/prices/{id}" }, exclude: [/health], status: 503, probability: 0.5, seed: 11 }
        hold: 2s
        recovery: 1s
thresholds:
  "chaos.prices flaky.fault.http_req_failed": ["rate<0.01"]
`,
    });
    const ran = await cli(['run', '--report-dir', 'report'], dir);
    expect(ran.stderr).toMatch(/✘ chaos\.prices flaky\.fault\.http_req_failed rate<0\.01: actual 0\.\d+/);
    expect(ran.code).toBe(1);
    const report = await readJson(join(dir, 'report/metrics.json'));
    const [experiment] = report.experiments;
    expect(experiment.fault).toMatchObject({ http_proxy: 'prices', status: 503, probability: 0.5 });
    expect(experiment.reach.faulted_at).toBe('http proxy prices');
    // About half of the fault phase's requests answered 503.
    expect(experiment.phases.fault.success_rate).toBeGreaterThan(0.3);
    expect(experiment.phases.fault.success_rate).toBeLessThan(0.7);
    expect(report.metrics.http_proxy_prices_faulted.hits).toBe(experiment.reach.faulted_requests);
    expect(report.metrics.http_proxy_prices_upstream_duration.count).toBeGreaterThan(100);
  }, 60_000);

  it('names bad input at its line and key, with nothing started', async () => {
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
http_proxies:
  - name: prices
    listen: 127.0.0.1:0
    upstream: http://10.1.2.3:8080
    faults:
      - { status: 503, truncate: 10 }
`,
    });
    const ran = await cli(['validate'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("chaos-gate.yml:7:34: http_proxies[0].faults[0].truncate: truncate changes the upstream's answer; status replaces it");
    expect(ran.stderr).not.toMatch(/\n\s+at /);

    const unknown = await makeProject({
      'chaos-gate.yml': `version: 1
http_proxies:
  - { name: prices, listen: 127.0.0.1:0, upstream: "http://127.0.0.1:9" }
stages:
  chaos:
    experiments:
      - name: x
        load: { url: "http://127.0.0.1:1/", rate: 1/s }
        fault: { http_proxy: billing, status: 503 }
`,
    });
    const named = await cli(['validate'], unknown);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('chaos-gate.yml:9:30: stages.chaos.experiments[0].fault.http_proxy: no http proxy named "billing" (declared: prices)');

    const remote = await makeProject({
      'chaos-gate.yml': `version: 1
http_proxies:
  - { name: prices, listen: 127.0.0.1:0, upstream: "http://10.1.2.3:8080" }
`,
    });
    const refused = await cli(['validate'], remote);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to run: proxy upstreams outside this machine (prices → http://10.1.2.3:8080)');
  });
});
