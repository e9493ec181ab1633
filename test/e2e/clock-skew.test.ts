/**
 * Clock skew, through `chaos-gate run`: a service started with `faketime: true` runs under
 * libfaketime, and an experiment's `time:` fault moves the clock it reads, and moves it back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, readJson } from '../helpers/project.js';

const HAS_FAKETIME = existsSync('/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1');

/** Appends the clock it reads (Date.now()) to clock.txt on every request. */
const SERVICE = `
const { appendFileSync } = require('node:fs');
require('node:http').createServer((_q, s) => {
  appendFileSync('clock.txt', Date.now() + '\\n');
  s.end(String(Date.now()));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

describe.skipIf(!HAS_FAKETIME)("a faketime service (needs Debian's faketime package)", () => {
  it('sees its clock moved during the fault and back after it', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'service.js': SERVICE,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - { name: api, run: exec node service.js, env: { PORT: "${port}" }, ready: { http: "http://127.0.0.1:${port}/", timeout: 10s }, faketime: true }
stages:
  chaos:
    experiments:
      - name: skew
        tags: [time]
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s, timeout: 2s }
        steady: 1s
        fault: { service: api, time: { offset: +5m } }
        hold: 1500ms
        recover_within: 3s
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('the clock of service api moved +5m for 1.5s');
    const [e] = (await readJson(join(dir, 'chaos-gate-report/metrics.json'))).experiments;
    expect(e.fault).toEqual({ service: 'api', time: { offset: '+5m' } });
    // The service's own Date.now(), request after request (50 ms apart): it jumps 300 s forward, then back.
    const stamps = readFileSync(join(dir, 'clock.txt'), 'utf8').trim().split('\n').map(Number);
    const jumps = stamps.slice(1).map((t, i) => Math.round((t - stamps[i]) / 1000));
    expect(jumps.filter((j) => j >= 290 && j <= 310)).toHaveLength(1);
    expect(jumps.filter((j) => j <= -290 && j >= -310)).toHaveLength(1);
    expect(stamps.length).toBeGreaterThan(40);
  }, 60_000);

  it('runs its clock at another pace with rate (a drift), and at the real pace after', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'service.js': SERVICE,
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - { name: api, run: exec node service.js, env: { PORT: "${port}" }, ready: { http: "http://127.0.0.1:${port}/", timeout: 10s }, faketime: true }
stages:
  chaos:
    experiments:
      - name: drift
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s, timeout: 2s }
        steady: 1s
        fault: { service: api, time: { rate: 10 } }
        hold: 1500ms
        recover_within: 3s
`,
    });
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('running 10× its pace');
    const stamps = readFileSync(join(dir, 'clock.txt'), 'utf8').trim().split('\n').map(Number);
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    // 50 ms apart in real time: about 500 ms apart on a clock running ten times as fast, for the hold's 30 or so requests.
    expect(gaps.filter((g) => g >= 350 && g <= 700).length).toBeGreaterThan(15);
    expect(gaps.filter((g) => g >= 30 && g <= 80).length).toBeGreaterThan(15);
  }, 60_000);

  it('refuses a time fault on a service without faketime: true, naming the line', async () => {
    const port = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
services:
  - { name: api, run: "true", env: { PORT: "${port}" } }
stages:
  chaos:
    experiments:
      - name: skew
        load: { url: "http://127.0.0.1:${port}/", rate: 20/s }
        fault: { service: api, time: { offset: +5m } }
`,
    });
    const ran = await cli(['validate', '-c', 'chaos-gate.yml'], dir);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/chaos-gate\.yml:9:\d+: .*fault\.service: service "api" needs faketime: true for a time fault/);
  });
});
