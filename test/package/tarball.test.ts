/**
 * What `npm i -D chaos-gate` gives a user, tried as they would: the tarball `npm pack` makes is
 * installed into a fresh project, and there `npx chaos-gate` validates and runs a small config
 * whose unit stage drives the mock through `chaos-gate/client`, and `tsc` checks a TypeScript file
 * against the client's types.
 *
 *   npm pack ──► chaos-gate-x.y.z.tgz ──npm install──► tmp project ──► npx chaos-gate validate | run
 *                                                                   └─► tsc --noEmit (client types)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/project.js';

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
/** npm and npx run on this Node (24), found first on PATH. */
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(command: string, args: string[], cwd: string, timeout = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

const CONFIG = `version: 1
control: { listen: 127.0.0.1:0 }
mocks:
  - name: greeter
    listen: 127.0.0.1:0
    routes:
      - request: { method: GET, path: /hello }
        respond: { json: { hello: world } }
stages:
  unit: { run: node drive-mock.mjs }
thresholds:
  checks: ["rate==1"]
`;

/** The unit stage: calls the mock, then asks the control API through the packaged client how many calls it saw. */
const DRIVE_MOCK = `import { ChaosGate } from 'chaos-gate/client';
const gate = new ChaosGate();
const answer = await (await fetch(process.env.CHAOS_GATE_MOCK_GREETER + '/hello')).json();
const seen = await gate.mock('greeter').count({ path: '/hello' });
await gate.metric({ name: 'checks', type: 'rate', value: answer.hello === 'world' && seen === 1 });
console.log('client saw', seen, 'call(s); answer', JSON.stringify(answer));
process.exit(seen === 1 ? 0 : 1);
`;

/** Type-checked against dist/types: right calls pass, a wrong one must be an error (types, not `any`). */
const CLIENT_TYPES = `import { ChaosGate, ChaosGateApiError, type ProxyInfo } from 'chaos-gate/client';
const gate = new ChaosGate({ url: 'http://127.0.0.1:8474', token: 't' });
const url: string = gate.url;
const calls: Promise<number> = gate.mock('greeter').count({ path: '/hello' });
const proxies: Promise<Record<string, ProxyInfo>> = gate.proxies();
const status: number = new ChaosGateApiError(404, 'no such proxy').status;
// @ts-expect-error proxy() takes a name, not a number
gate.proxy(42);
export { url, calls, proxies, status };
`;

describe('the npm package (npm pack, installed into a fresh project)', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let packed: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'chaos-gate-pack-'));
    const pack = await run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const [{ filename, files }] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, filename);
    packed = files.map((f) => f.path);
    project = join(work, 'project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }, null, 2));
    const installed = await run('npm', ['install', '--save-dev', '--prefer-offline', tarball], project, 120_000);
    expect(installed.code, installed.stderr).toBe(0);
    await writeFile(join(project, 'chaos-gate.yml'), CONFIG);
    await writeFile(join(project, 'drive-mock.mjs'), DRIVE_MOCK);
    await writeFile(join(project, 'client-types.ts'), CLIENT_TYPES);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2023', strict: true, noEmit: true, skipLibCheck: false, types: [] },
        files: ['client-types.ts'],
      }),
    );
  }, 180_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('holds only dist/, README, LICENSE and package.json', () => {
    expect(packed).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/index.js', 'dist/post.js', 'dist/licenses.txt', 'dist/types/client/index.d.ts']));
    expect(packed).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'schema/chaos-gate.schema.json']));
    expect(packed.filter((f) => !/^(dist\/|schema\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toEqual([]);
  });

  it('installs chaos-gate alone: no dependency comes with it', async () => {
    const installed = (await readdir(join(project, 'node_modules'))).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['chaos-gate']);
    expect((await run('npx', ['chaos-gate', '--version'], project)).stdout).toBe(`${pkg.version}\n`);
    expect(tarball).toContain(`${pkg.name}-${pkg.version}.tgz`);
  });

  it('validates a config with npx chaos-gate validate', async () => {
    const ran = await run('npx', ['chaos-gate', 'validate', '--config', 'chaos-gate.yml'], project);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('chaos-gate.yml is valid');
  });

  it('runs it with npx chaos-gate run: the stage drives the mock through chaos-gate/client', async () => {
    const ran = await run('npx', ['chaos-gate', 'run', '--config', 'chaos-gate.yml', '--report-dir', 'report'], project, 90_000);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('client saw 1 call(s); answer {"hello":"world"}');
    const metrics = JSON.parse(await readFile(join(project, 'report/metrics.json'), 'utf8'));
    expect(metrics.verdict).toBe('pass');
    expect(metrics.chaos_gate_version).toBe(pkg.version);
    expect(metrics.thresholds).toEqual([expect.objectContaining({ metric: 'checks', ok: true, actual: 1 })]);
  });

  it("type-checks a script against chaos-gate/client's types (tsc --noEmit)", async () => {
    const ran = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    expect(ran.stdout + ran.stderr).toBe('');
    expect(ran.code).toBe(0);
  });
});
