/**
 * The environment guard: `safety.forbid_env` (by default ENVIRONMENT=production and
 * NODE_ENV=production) and upstreams beyond loopback and service names (private ranges included)
 * neither listed in `safety.allow_hosts` nor allowed by `safety.allow_remote: true` are refused with exit 2 before anything starts — no listener,
 * no service, no stage, no report. Proxies a test adds through the control API obey the same rule.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/errors.js';
import { checkSafety } from '../../src/run/safety.js';
import { connectResult } from '../helpers/live.js';
import { freePort } from '../helpers/net.js';
import { cli, makeProject, runNode } from '../helpers/project.js';

const config = (yaml: string) => parseConfig(`version: 1\n${yaml}`, 'chaos-gate.yml').config;
const proxyTo = (upstream: string, extra = '') => config(`proxies:\n  - { name: db, listen: "127.0.0.1:0", upstream: "${upstream}" }\n${extra}`);

/** The refusal message, or undefined when the config may run. */
function refusal(cfg: ReturnType<typeof config>, env: NodeJS.ProcessEnv = {}): string | undefined {
  try {
    checkSafety(cfg, env);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe('checkSafety', () => {
  it('refuses ENVIRONMENT=production and NODE_ENV=production by default', () => {
    const cfg = config('');
    expect(refusal(cfg, { ENVIRONMENT: 'production' })).toBe('refusing to run: ENVIRONMENT=production is set, and safety.forbid_env forbids chaos there');
    expect(refusal(cfg, { NODE_ENV: 'production' })).toBe('refusing to run: NODE_ENV=production is set, and safety.forbid_env forbids chaos there');
    expect(refusal(cfg, { ENVIRONMENT: 'chaos_test', NODE_ENV: 'test' })).toBeUndefined();
  });

  it('refuses what safety.forbid_env names', () => {
    const cfg = config('safety: { forbid_env: { DEPLOY_TARGET: prod } }');
    expect(refusal(cfg, { DEPLOY_TARGET: 'prod' })).toMatch(/DEPLOY_TARGET=prod is set/);
    expect(refusal(cfg, { DEPLOY_TARGET: 'staging' })).toBeUndefined();
  });

  it('lets loopback and service-container names through', () => {
    for (const upstream of ['127.0.0.1:5432', '127.8.9.1:1', 'localhost:5432', '[::1]:5432', 'postgres:5432', 'redis-primary:6379']) {
      expect(refusal(proxyTo(upstream)), upstream).toBeUndefined();
    }
  });

  it('private ranges count as remote (inside a cloud network they can be production) unless safety.allow_hosts lists them', () => {
    const hosts = '  allow_hosts: [10.1.2.3, 172.16.0.0/12, "192.168.1.0/24", "fc00::/7", db.internal]';
    for (const upstream of ['10.1.2.3:5432', '172.16.0.9:6379', '172.31.255.1:1', '192.168.1.2:80', '[fd12::1]:5432', 'db.internal:5432']) {
      expect(refusal(proxyTo(upstream)), upstream).toBe(
        `refusing to run: proxy upstreams outside this machine (db → ${upstream}); list the host in safety.allow_hosts, or set safety.allow_remote: true if that is intended`,
      );
      expect(refusal(proxyTo(upstream, `safety:\n${hosts}`)), `${upstream} listed`).toBeUndefined();
    }
    for (const upstream of ['10.1.2.4:5432', '192.168.2.1:80', '172.32.0.1:1', 'db2.internal:5432']) {
      expect(refusal(proxyTo(upstream, `safety:\n${hosts}`)), `${upstream} not listed`).toMatch(/^refusing to run: proxy upstreams outside this machine/);
    }
  });

  it('a bad safety.allow_hosts entry is named with its line', () => {
    expect(() => config('safety:\n  allow_hosts: [10.0.0.0/33, "a b"]')).toThrow(
      'chaos-gate.yml:3:17: safety.allow_hosts[0]: expected a range such as 10.0.0.0/8 or fc00::/7, got "10.0.0.0/33"\nchaos-gate.yml:3:30: safety.allow_hosts[1]: expected a host, an address or a range such as 10.0.0.0/8, got "a b"',
    );
  });

  it('refuses upstreams outside this machine unless safety.allow_remote is true', () => {
    const remote = [
      'db.example.com:5432',
      '8.8.8.8:53',
      '172.32.0.1:5432',
      '[2001:db8::1]:5432',
      // Names that start like a private address are names: they resolve anywhere.
      '10.db.example.com:5432',
      '127.0.0.1.nip.io:5432',
      '192.168.evil.example:80',
      // A bare number or hex word is an IPv4 address to the resolver: 134744072 and 0x08080808 are 8.8.8.8.
      '134744072:53',
      '0x08080808:53',
    ];
    for (const upstream of remote) {
      expect(refusal(proxyTo(upstream)), upstream).toBe(
        `refusing to run: proxy upstreams outside this machine (db → ${upstream}); list the host in safety.allow_hosts, or set safety.allow_remote: true if that is intended`,
      );
      expect(refusal(proxyTo(upstream, 'safety: { allow_remote: true }')), `${upstream} with allow_remote`).toBeUndefined();
    }
  });
});

describe('a refused run starts nothing and exits 2', () => {
  async function project(yaml: string) {
    const control = await freePort();
    const proxy = await freePort();
    const dir = await makeProject({
      'chaos-gate.yml': `version: 1
control: { listen: 127.0.0.1:${control} }
${yaml.replace('PROXY', String(proxy))}
services:
  - { name: app, run: "touch service-ran && sleep 300" }
stages:
  unit: { run: "touch stage-ran" }
`,
    });
    return { dir, control, proxy };
  }

  async function expectNothingStarted(dir: string, ports: number[]) {
    for (const file of ['service-ran', 'stage-ran', 'chaos-gate-report']) expect(existsSync(join(dir, file)), file).toBe(false);
    for (const port of ports) expect(await connectResult(port)).toBe('ECONNREFUSED');
  }

  it('chaos-gate run under ENVIRONMENT=production', async () => {
    const { dir, control, proxy } = await project('proxies:\n  - { name: db, listen: 127.0.0.1:PROXY, upstream: 127.0.0.1:5432 }');
    const ran = await cli(['run', '-c', 'chaos-gate.yml'], dir, { ENVIRONMENT: 'production' });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe('error: refusing to run: ENVIRONMENT=production is set, and safety.forbid_env forbids chaos there\n');
    await expectNothingStarted(dir, [control, proxy]);
  });

  it('chaos-gate run and serve with a remote upstream', async () => {
    const { dir, control, proxy } = await project('proxies:\n  - { name: db, listen: 127.0.0.1:PROXY, upstream: "db.prod.example.com:5432" }');
    for (const verb of ['run', 'serve', 'validate']) {
      const ran = await cli([verb, '-c', 'chaos-gate.yml'], dir);
      expect(ran.code, verb).toBe(2);
      expect(ran.stderr, verb).toContain('refusing to run: proxy upstreams outside this machine (db → db.prod.example.com:5432)');
    }
    await expectNothingStarted(dir, [control, proxy]);
  });

  it('the action under NODE_ENV=production fails the step with the reason', async () => {
    const { dir, control, proxy } = await project('proxies:\n  - { name: db, listen: 127.0.0.1:PROXY, upstream: 127.0.0.1:5432 }');
    const ran = await runNode('dist/index.js', [], { cwd: dir, env: { NODE_ENV: 'production', GITHUB_ACTIONS: 'true', INPUT_COMMENT: 'false' } });
    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('::error::refusing to run: NODE_ENV=production is set');
    await expectNothingStarted(dir, [control, proxy]);
  });
});

describe('the upstream guard holds at run time too', () => {
  it('proxies a chaos test adds through the API (POST /proxies, /populate, an update) may not point outside either', async () => {
    // A Toxiproxy client in the user's tests, creating and moving proxies at run time.
    const script = `
const api = process.env.CHAOS_GATE_API;
const call = async (method, path, body) => {
  const response = await fetch(api + path, { method, body: JSON.stringify(body) });
  console.log(method + ' ' + path + ' ' + response.status + ' ' + (await response.text()));
};
await call('POST', '/proxies', { name: 'prod', upstream: '8.8.8.8:5432' });
await call('POST', '/populate', [{ name: 'prod', upstream: '8.8.8.8:5432' }]);
await call('POST', '/proxies/db', { upstream: '8.8.4.4:5432' });
await call('POST', '/proxies', { name: 'local', upstream: '127.0.0.1:5433' });
`;
    const config = (extra: string) =>
      `version: 1\ncontrol: { listen: 127.0.0.1:0 }\nproxies:\n  - { name: db, listen: 127.0.0.1:0, upstream: 127.0.0.1:5432 }\nstages:\n  chaos: { run: node api.mjs }\n${extra}`;
    const dir = await makeProject({ 'api.mjs': script, 'chaos-gate.yml': config(''), 'remote.yml': config('safety: { allow_remote: true }\n') });
    const refused = await cli(['run', '-c', 'chaos-gate.yml'], dir);
    expect(refused.stderr).toContain(
      '[chaos] POST /proxies 403 {"error":"upstream: 8.8.8.8:5432 is outside this machine; list the host in safety.allow_hosts, or set safety.allow_remote: true if that is intended","status":403}',
    );
    expect(refused.stderr).toContain('[chaos] POST /populate 403 {"error":"[0].upstream: 8.8.8.8:5432 is outside this machine');
    expect(refused.stderr).toContain('[chaos] POST /proxies/db 403 {"error":"upstream: 8.8.4.4:5432 is outside this machine');
    expect(refused.stderr).toMatch(/\[chaos\] POST \/proxies 201 \{"name":"local"/);

    const allowed = await cli(['run', '-c', 'remote.yml'], dir);
    expect(allowed.stderr).toMatch(/\[chaos\] POST \/proxies 201 \{"name":"prod"/);
    expect(allowed.stderr).toMatch(/\[chaos\] POST \/proxies\/db 200 \{"name":"db","listen":"127\.0\.0\.1:\d+","upstream":"8\.8\.4\.4:5432"/);
  });
});
