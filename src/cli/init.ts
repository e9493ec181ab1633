/**
 * `chaos-gate init`: a commented starter chaos-gate.yml from what the project already says about
 * itself, checked by the same loader as `validate` before it is left in place.
 *
 *   package.json scripts   test → unit stage, test:integration (or :e2e, :int) → integration stage
 *   Dockerfile EXPOSE      the app's port → a service (npm start), a load stage and an experiment
 *   workflow services:     postgres, redis … (host ports) → a chaos proxy in front of each
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { SCHEMA_URL } from '../config/json-schema.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';

export interface Found {
  /** The npm script for each command stage. */
  unit?: string;
  integration?: string;
  /** `npm start` exists: the app can be started as a service. */
  start: boolean;
  /** The first port the Dockerfile exposes. */
  appPort?: number;
  /** Services of the workflows: name → host port. */
  dependencies: { name: string; port: number; image: string }[];
}

const INTEGRATION_SCRIPTS = ['test:integration', 'test:int', 'test:e2e', 'integration', 'e2e'];
/** Proxies listen this far above the dependency's port (5432 → 15432), so the pair is easy to read. */
const PROXY_PORT_OFFSET = 10_000;

/** Writes the starter to `file`; refuses an existing one without `force`. Returns what was found. */
export async function init(dir: string, file: string, force: boolean): Promise<{ found: Found; text: string }> {
  if (existsSync(file) && !force) throw new UsageError(`${relative(dir, file) || file} already exists; use --force to replace it`);
  const found = discover(dir);
  const text = starter(found);
  await writeFile(file, text);
  try {
    await loadConfig(file);
  } catch (error) {
    // What init writes must load; leave nothing half-right behind.
    await rm(file, { force: true });
    throw new Error(`the starter config did not validate: ${(error as Error).message}`, { cause: error });
  }
  return { found, text };
}

export function discover(dir: string): Found {
  const found: Found = { start: false, dependencies: [] };
  const scripts = readJson(join(dir, 'package.json'))?.scripts;
  if (scripts && typeof scripts === 'object') {
    const has = (name: string) => typeof (scripts as Record<string, unknown>)[name] === 'string';
    if (has('test')) found.unit = 'npm test';
    const integration = INTEGRATION_SCRIPTS.find(has);
    if (integration) found.integration = `npm run ${integration}`;
    found.start = has('start');
  }
  found.appPort = exposedPort(join(dir, 'Dockerfile'));
  found.dependencies = workflowServices(join(dir, '.github', 'workflows'));
  return found;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function exposedPort(dockerfile: string): number | undefined {
  if (!existsSync(dockerfile)) return undefined;
  const match = /^\s*EXPOSE\s+(\d+)/im.exec(readFileSync(dockerfile, 'utf8'));
  return match ? Number(match[1]) : undefined;
}

/** `jobs.*.services.NAME.ports: ["5432:5432"]` of every workflow, by name, first seen wins. */
function workflowServices(folder: string): Found['dependencies'] {
  if (!existsSync(folder)) return [];
  const out: Found['dependencies'] = [];
  for (const entry of readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    let workflow: unknown;
    try {
      workflow = parse(readFileSync(join(folder, entry), 'utf8'));
    } catch {
      continue; // Not ours to judge; the workflow linter is.
    }
    const jobs = (workflow as { jobs?: Record<string, { services?: Record<string, { image?: string; ports?: unknown[] }> }> })?.jobs ?? {};
    for (const job of Object.values(jobs)) {
      for (const [name, service] of Object.entries(job?.services ?? {})) {
        const port = hostPort(service?.ports?.[0]);
        const clean = name.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
        if (port !== undefined && !out.some((d) => d.name === clean)) out.push({ name: clean, port, image: String(service?.image ?? name) });
      }
    }
  }
  return out;
}

/** "5432:5432", "6379", 5432 → the port on the runner. */
function hostPort(mapping: unknown): number | undefined {
  const text = String(mapping ?? '');
  const host = /^(?:[\d.]+:)?(\d+)(?::\d+)?(?:\/tcp)?$/.exec(text)?.[1];
  const port = Number(host);
  return host && port > 0 && port + PROXY_PORT_OFFSET < 65536 ? port : undefined;
}

/** The starter's text: YAML with a comment on each part; strings through JSON.stringify, which YAML reads as is. */
export function starter(found: Found): string {
  const q = JSON.stringify;
  const lines = [
    `# yaml-language-server: $schema=${SCHEMA_URL}`,
    '# chaos-gate.yml, written by `chaos-gate init`. Every key: docs/config.md; check it with `npx chaos-gate validate`.',
    'version: 1',
    '',
  ];
  if (found.dependencies.length > 0) {
    lines.push(
      "# A chaos proxy in front of each dependency your workflow starts. Point your app at the proxy's",
      '# address (it is also in $CHAOS_GATE_PROXY_<NAME>) so experiments can break the link.',
      'proxies:',
    );
    for (const dep of found.dependencies) {
      lines.push(`  - name: ${dep.name}   # ${dep.image}`, `    listen: 127.0.0.1:${dep.port + PROXY_PORT_OFFSET}`, `    upstream: 127.0.0.1:${dep.port}`);
    }
    lines.push('');
  }
  const app = found.appPort;
  if (app !== undefined) {
    lines.push(
      '# Your app, started by the gate and stopped at the end; the run waits until its port accepts connections.',
      'services:',
      '  - name: app',
      `    run: ${q(found.start ? 'npm start' : 'npm start   # replace with the command that starts your app')}`,
      `    ready: { tcp: 127.0.0.1:${app}, timeout: 30s }`,
      '',
    );
  }
  lines.push('# The stages run in this order; leave out the ones you do not need.', 'stages:');
  lines.push('  # Your tests; `junit:` adds their cases to the report (e.g. junit: reports/*.xml).');
  lines.push('  unit:', `    run: ${q(found.unit ?? 'npm test')}`);
  if (found.integration) lines.push('  integration:', `    run: ${q(found.integration)}`);
  if (app !== undefined) {
    const url = q(`http://127.0.0.1:${app}/`);
    lines.push(
      '  # Steady load on the app: success rate and latency feed the thresholds below.',
      '  load:',
      `    target: { url: ${url} }`,
      '    rate: 50/s',
      '    duration: 10s',
    );
    const dep = found.dependencies[0];
    if (dep) {
      lines.push(
        '  # One fault at a time under load: steady, then the fault held, then recovery, each judged.',
        '  chaos:',
        '    experiments:',
        `      - name: slow ${dep.name}`,
        `        load: { url: ${url}, rate: 50/s }`,
        '        steady: 2s',
        `        fault: { proxy: ${dep.name}, type: latency, attributes: { latency: 200 }, seed: 1 }`,
        '        hold: 5s',
        '        recover_within: 5s',
      );
    }
    lines.push(
      '',
      '# The gate: the run fails when one of these does not hold (k6-style expressions; docs/thresholds.md).',
      'thresholds:',
      '  http_req_failed: ["rate<0.01"]',
      '  http_req_duration: ["p(95)<500"]',
    );
    if (dep) lines.push('  recovery_time: ["max<5000"]');
  } else {
    lines.push(
      '',
      '# Add a load stage and thresholds once the app can be started here, e.g.:',
      '#   stages.load:  { target: { url: "http://127.0.0.1:8080/" }, rate: 50/s, duration: 10s }',
      '#   thresholds:   { http_req_failed: ["rate<0.01"] }',
    );
  }
  return lines.join('\n') + '\n';
}
