/**
 * Secrets: the GitHub token never appears in logs, reports or artifacts. The action runs as the
 * runner runs it (node dist/index.js, INPUT_GITHUB-TOKEN set) on a pull request, against the
 * local GitHub stand-in, with a stage and a service that print their whole environment; then
 * every output is grepped: stdout, stderr, every file of the report dir, the runner's files, the
 * comment posted and the artifact uploaded.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/github-api.js';
import { makeProject, runNode, type Ran } from '../helpers/project.js';

let github: FakeGitHub;
beforeAll(async () => {
  github = await FakeGitHub.start();
});
afterAll(() => github.close());

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const CONFIG = `version: 1
control: { listen: 127.0.0.1:0 }
services:
  - name: printer
    run: tr '\\0' '\\n' < /proc/$$/environ && sleep 300
stages:
  # The shell's own environment as it was started (what env would hide: /bin/sh drops INPUT_GITHUB-TOKEN, the name is not a shell name).
  unit:
    run: tr '\\0' '\\n' < /proc/$$/environ
  integration: { run: node env.cjs }
thresholds:
  deadlocks: ["count==0"]
report:
  comment: true
  baseline: main
`;

/** Prints whether any variable holds a token, then the whole environment. */
const ENV_PRINTER = `
const tokens = Object.keys(process.env).filter((k) => /TOKEN/i.test(k));
console.log('token variables: ' + (tokens.join(',') || 'none'));
console.log(JSON.stringify(process.env));
`;

async function runAction(token: string): Promise<{ ran: Ran; dir: string; runnerFiles: string[] }> {
  const dir = await makeProject({ 'chaos-gate.yml': CONFIG, 'env.cjs': ENV_PRINTER });
  const runnerFiles = ['github-output', 'github-state', 'step-summary'].map((name) => join(dir, name));
  for (const file of runnerFiles) await writeFile(file, '');
  const event = join(dir, 'event.json');
  await writeFile(event, JSON.stringify({ number: 7, pull_request: { number: 7, base: { ref: 'main' } } }));
  const env: Record<string, string> = {
    ...github.env(),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: runnerFiles[0],
    GITHUB_STATE: runnerFiles[1],
    GITHUB_STEP_SUMMARY: runnerFiles[2],
    RUNNER_TEMP: dir,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_PATH: event,
    GITHUB_RUN_ID: '1000',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'chaos',
    'INPUT_GITHUB-TOKEN': token,
    INPUT_COMMENT: 'true',
  };
  return { ran: await runNode('dist/index.js', [], { cwd: dir, env }), dir, runnerFiles };
}

/** The runner's credential for artifacts and caches: a secret too, which a `run:` step never sees. */
const runtimeToken = () => github.env().ACTIONS_RUNTIME_TOKEN;

/** Greps every output of a run for `secret`; returns where it was found. */
async function whereFound(secret: string, run: { ran: Ran; dir: string; runnerFiles: string[] }): Promise<string[]> {
  const found: string[] = [];
  if (run.ran.stdout.includes(secret)) found.push('stdout');
  if (run.ran.stderr.includes(secret)) found.push('stderr');
  for (const file of [...(await filesUnder(join(run.dir, 'chaos-gate-report'))), ...run.runnerFiles]) {
    if ((await readFile(file)).includes(secret)) found.push(file);
  }
  for (const [key, comments] of github.comments) for (const c of comments) if (c.body.includes(secret)) found.push(`comment on ${key}`);
  for (const [key, blob] of github.blobs) {
    if (blob.includes(secret)) found.push(`artifact blob ${key}`);
    for (const [name, data] of unzip(blob)) if (data.includes(secret)) found.push(`artifact ${key}: ${name}`);
  }
  return found;
}

/** The files of a zip (the uploaded artifact), read through its central directory; deflated or stored. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let i = zip.readUInt16LE(end + 10); i > 0; i--) {
    const [method, size, nameLength] = [zip.readUInt16LE(at + 10), zip.readUInt32LE(at + 20), zip.readUInt16LE(at + 28)];
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name, method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return files;
}

describe('the GitHub token never leaks', () => {
  it('with a token GitHub accepts: comment posted, artifact uploaded, stage and service environments printed', async () => {
    const run = await runAction(github.token);
    // The run did use the token and did reach every output we grep.
    expect(run.ran.stdout).toContain('[integration] token variables: none');
    expect(run.ran.stdout).toContain('[unit] GITHUB_REPOSITORY=acme/shop');
    expect([...github.comments.values()].flat().length).toBeGreaterThan(0);
    expect(github.blobs.size).toBeGreaterThan(0);
    // The artifact is read back, not just grepped compressed: the service's log went up with the report.
    const artifact = unzip([...github.blobs.values()].at(-1)!);
    expect([...artifact.keys()]).toEqual(expect.arrayContaining(['metrics.json', 'logs/service-printer.log']));
    expect(artifact.get('logs/service-printer.log')!.toString()).toContain('GITHUB_REPOSITORY=acme/shop');
    expect(github.requests.some((r) => r.headers.authorization === `token ${github.token}`)).toBe(true);
    expect(await readFile(join(run.dir, 'chaos-gate-report/logs/service-printer.log'), 'utf8')).toContain('GITHUB_REPOSITORY=acme/shop');
    expect(await whereFound(github.token, run)).toEqual([]);
    expect(await whereFound(runtimeToken(), run)).toEqual([]);
  });

  it('with a token GitHub refuses: the errors printed do not quote it either', async () => {
    const token = 'ghp_ChaosGateLeakCheck0123456789abcdefXYZ';
    const run = await runAction(token);
    expect(run.ran.stdout).toMatch(/::warning::.*(Bad credentials|401)/);
    expect(await whereFound(token, run)).toEqual([]);
    expect(await whereFound(runtimeToken(), run)).toEqual([]);
  });
});
