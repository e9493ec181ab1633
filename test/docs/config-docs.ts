/**
 * docs/config.md, generated from the zod schemas that validate chaos-gate.yml, so the reference
 * cannot drift from what the loader accepts:
 *
 *   zod schemas ──z.toJSONSchema (input side)──► JSON Schema ──walk──► one row per key
 *                                                                        │
 *   config-descriptions.ts (a sentence per key) ─────────────────────────┴──► docs/config.md
 *
 * Keys, types, defaults, enums and ranges come from the schemas; only the sentences are written
 * by hand, and a key without one (or a sentence for a key that no longer exists) fails the test.
 *
 * Regenerate: UPDATE_DOCS=1 npx vitest run test/docs/config-docs.test.ts
 */
import { z } from 'zod';
import { formatDuration } from '../../src/units/duration.js';
import { duration, hostPort, name, positiveDuration } from '../../src/units/fields.js';
import { serviceFaultSchema } from '../../src/chaos/schema.js';
import { configSchema } from '../../src/config/schema.js';
import { mockFaultSchema } from '../../src/mock/schema.js';
import { toxicSchema } from '../../src/proxy/schema.js';
import { TOXIC_TYPES, toxicKind } from '../../src/proxy/toxics/index.js';
import { ALIASES, DESCRIPTIONS, SECTIONS, TOXIC_DESCRIPTIONS } from './config-descriptions.js';

export const REGENERATE = 'UPDATE_DOCS=1 npx vitest run test/docs/config-docs.test.ts';

/** The slice of JSON Schema that zod writes and this page reads. */
interface Json {
  type?: string | string[];
  properties?: Record<string, Json>;
  required?: string[];
  items?: Json;
  anyOf?: Json[];
  additionalProperties?: Json | boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
}

interface Row {
  path: string;
  type: string;
  default?: unknown;
  required: boolean;
}

/** Field types shared across the config, shown by name rather than as "string". */
const NAMED = new Map<z.ZodType, string>([
  [duration, 'duration'],
  [positiveDuration, 'duration > 0'],
  [hostPort, 'host:port'],
  [name, 'name'],
]);

function jsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const json = ctx.jsonSchema as Json;
      const named = NAMED.get(ctx.zodSchema as unknown as z.ZodType);
      if (named) json.format = named;
      // A duration's default is milliseconds on the output side, which the input side leaves out.
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
      if (def.type === 'default' && json.default === undefined) json.default = def.defaultValue;
    },
  }) as Json;
}

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** A type as a reader says it: `duration`, `number 0..1`, `"upstream" or "downstream"`, `list of object`. */
function typeOf(s: Json): string {
  if (s.format && ['duration', 'duration > 0', 'host:port', 'name'].includes(s.format)) return s.format;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' or ');
  if (s.anyOf) {
    const variants = s.anyOf.filter((v) => v.type !== 'null').map(typeOf);
    return [...new Set(variants.flatMap((v) => v.split(' or ')))].join(' or ');
  }
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return 'any';
  if (types.length > 1) return types.map((t) => typeOf({ ...s, type: t })).join(' or ');
  switch (types[0]) {
    case 'array':
      return s.items ? `list of ${plural(typeOf(s.items))}` : 'list';
    case 'object':
      return s.properties ? 'object' : 'map';
    case 'integer':
    case 'number': {
      const kind = types[0] === 'integer' ? 'whole number' : 'number';
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? `>${s.exclusiveMinimum}` : undefined);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? `<${s.exclusiveMaximum}` : undefined);
      if (min !== undefined && min !== -SAFE_INT && max !== undefined && max !== SAFE_INT) return `${kind} ${min}..${max}`;
      if (min !== undefined && min !== -SAFE_INT) return typeof min === 'string' ? `${kind} ${min}` : `${kind} ≥ ${min}`;
      return kind;
    }
    case 'string':
      return s.format === 'uri' ? 'URL' : 'string';
    default:
      return types[0];
  }
}

function plural(type: string): string {
  return type.includes(' or ') ? `(${type})` : type === 'object' ? 'objects' : type === 'string' ? 'strings' : type;
}

/** Placeholder for the keys of a map, by where it is. */
function mapKey(path: string): string {
  if (path.endsWith('thresholds')) return '<metric>';
  if (path.endsWith('env') || path.endsWith('forbid_env')) return '<NAME>';
  return '<name>';
}

/**
 * One row per key, depth first. An object's keys follow it; a list's items are `path[]`; a map's
 * values are `path.<name>`; "X or a list of X" keeps X's keys at `path`.
 */
function walk(s: Json, path: string, required: boolean, rows: Row[], stopAt: Set<string>): void {
  if (path !== '') rows.push({ path, type: typeOf(s), default: s.default, required });
  if (stopAt.has(path)) return;
  for (const [child, childPath, childRequired] of children(s, path)) walk(child, childPath, childRequired, rows, stopAt);
}

function children(s: Json, path: string): [Json, string, boolean][] {
  const join = (key: string) => (path === '' ? key : `${path}.${key}`);
  const out: [Json, string, boolean][] = [];
  if (s.properties) {
    for (const [key, child] of Object.entries(s.properties)) out.push([child, join(key), s.required?.includes(key) ?? false]);
  }
  if (s.items && isStructured(s.items)) out.push(...children(s.items, `${path}[]`));
  if (s.additionalProperties && typeof s.additionalProperties === 'object' && (isStructured(s.additionalProperties) || path.endsWith('thresholds'))) {
    out.push([s.additionalProperties, join(mapKey(path)), false]);
  }
  if (s.anyOf) {
    // "X or a list of X" (a mock's `respond`) lists X's keys once, as items: `respond[].status`.
    const listed = s.anyOf.some((v) => v.type === 'array' && v.items && isStructured(v.items));
    // A threshold (one, or a list) keeps its keys at `thresholds.<metric>.threshold`.
    const itemPath = listed && !path.endsWith('>') ? `${path}[]` : path;
    for (const variant of s.anyOf) {
      const inner = variant.type === 'array' && variant.items ? variant.items : variant;
      if (inner.properties) out.push(...children({ properties: inner.properties }, itemPath).map(([c, p]) => [c, p, false] as [Json, string, boolean]));
      else if (inner.anyOf) out.push(...children(inner, itemPath));
    }
  }
  // A key reached through two variants is listed once.
  const seen = new Set<string>();
  return out.filter(([, p]) => (seen.has(p) ? false : (seen.add(p), true)));
}

function isStructured(s: Json): boolean {
  return Boolean(s.properties || s.anyOf?.some(isStructured) || (s.items && isStructured(s.items)));
}

/** The description of a key, directly or through an alias (a key documented once for two places). */
function describe(path: string, used: Set<string>): string | undefined {
  // Aliases chain: an experiment's `load.targets[].url` → `stages.load.targets[].url` → `stages.load.target.url`.
  const candidates = [path];
  for (let i = 0; i < candidates.length && i < 20; i++) {
    for (const [from, to] of ALIASES) if (candidates[i].startsWith(from)) candidates.push(to + candidates[i].slice(from.length));
  }
  for (const candidate of candidates) {
    if (DESCRIPTIONS[candidate] !== undefined) {
      used.add(candidate);
      return DESCRIPTIONS[candidate];
    }
  }
  return undefined;
}

function formatDefault(row: Row): string {
  // An object's default is its keys' defaults, listed with them.
  if (row.default === undefined || row.type === 'object') return row.required ? '**required**' : '';
  const text = row.type.startsWith('duration') && typeof row.default === 'number' ? formatDuration(row.default) : JSON.stringify(row.default);
  return `\`${text.length > 60 ? `${text.slice(0, 57)}…` : text}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(rows: Row[], used: Set<string>, missing: string[]): string {
  const lines = ['| key | type | default | what it is |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const text = describe(row.path, used);
    if (text === undefined) missing.push(row.path);
    lines.push(`| \`${row.path}\` | ${cell(row.type)} | ${formatDefault(row)} | ${cell(text ?? '')} |`);
  }
  return lines.join('\n');
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .trim()
    .replace(/ /g, '-');
}

export interface ConfigDocs {
  markdown: string;
  /** Keys the schemas have and the descriptions lack. */
  missing: string[];
  /** Descriptions of keys the schemas no longer have. */
  unused: string[];
}

export function renderConfigDocs(): ConfigDocs {
  const used = new Set<string>();
  const missing: string[] = [];
  const config = jsonSchema(configSchema('.'));

  const rows: Row[] = [];
  walk(config, '', true, rows, new Set());
  const parts: string[] = [
    '<!-- Generated from the zod schemas by test/docs/config-docs.ts; do not edit by hand. -->',
    `<!-- Regenerate: ${REGENERATE} -->`,
    '',
    '# chaos-gate.yml reference',
    '',
    'Every key chaos-gate.yml accepts, generated from the schemas that validate it (so this page',
    'cannot drift from the code). Unknown keys are errors, named with their file, line and key',
    'path; `npx chaos-gate validate` checks a file without starting anything (`--config` defaults to',
    '`chaos-gate.yml`). `npx chaos-gate init` writes a commented starter from your package.json test',
    "scripts, a Dockerfile's `EXPOSE` and the `services:` of your workflows.",
    '',
    '**Editors.** A JSON Schema of this file ships as `schema/chaos-gate.schema.json` (regenerated by',
    "`npm run schema`). With the YAML language server (VS Code's YAML extension and others), this",
    'first line gives completion and checks as you type; refinements it cannot express are left to',
    '`validate`:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=https://raw.githubusercontent.com/chaos-gate/chaos-gate/v1/schema/chaos-gate.schema.json',
    '```',
    '',
    '**Types.** A `duration` is a string with a unit: `250ms`, `30s`, `10m`, `1h`, `1m30s`. A',
    '`host:port` is an address such as `127.0.0.1:15432` (port 0 picks a free one). A `name` is',
    'letters, digits, `.`, `-` and `_`; it becomes part of environment variable names',
    '(`CHAOS_GATE_PROXY_POSTGRES`) and API paths. Durations in numbers (mock delays, toxic',
    'attributes) are milliseconds.',
    '',
    '**References.** Any string may use `${proxies.NAME.listen}`, `${proxies.NAME.upstream}`,',
    '`${mocks.NAME.url}`, `${mocks.NAME.listen}`, `${control.url}` and `${env.NAME}`; other `${…}`',
    '(shell variables in `run:`) are left alone.',
    '',
    '## Contents',
    '',
    ...SECTIONS.map((s) => `- [${s.title}](#${anchor(s.title)})`),
    '- [Experiment faults](#experiment-faults)',
    '- [Toxic types](#toxic-types)',
  ];

  for (const section of SECTIONS) {
    const sectionRows = rows.filter((r) => section.keys.some((k) => r.path === k || r.path.startsWith(`${k}.`) || r.path.startsWith(`${k}[]`)));
    parts.push('', `## ${section.title}`, '', section.intro, '', table(sectionRows, used, missing));
  }

  // An experiment's `fault` is a toxic plus `proxy:`, or a mock fault plus `mock:`; the schema
  // dispatches on which key is there, so each shape is rendered from its own schema.
  const toxicRows: Row[] = [{ path: 'fault.proxy', type: 'name', required: true }];
  walk(jsonSchema(toxicSchema), 'fault', true, toxicRows, new Set());
  const mockRows: Row[] = [{ path: 'fault.mock', type: 'name', required: true }];
  walk(jsonSchema(mockFaultSchema), 'fault', true, mockRows, new Set());
  const serviceRows: Row[] = [{ path: 'fault.service', type: 'name', required: true }];
  walk(jsonSchema(serviceFaultSchema), 'fault', true, serviceRows, new Set());
  parts.push(
    '',
    '## Experiment faults',
    '',
    "`stages.chaos.experiments[].fault` is one of three shapes (or a list of them, [below](#several-faults-steps-and-ramps)). The same shapes are the bodies of the control API's",
    '`POST /proxies/{proxy}/toxics` (without `proxy`), `POST /mocks/{mock}/faults` (without `mock`) and',
    '`POST /services/{service}/faults` (without `service`).',
    '',
    '### A toxic on a proxy',
    '',
    table(
      toxicRows.filter((r) => r.path !== 'fault'),
      used,
      missing,
    ),
    '',
    '#### What toxicity means',
    '',
    "`toxicity` is a chance, and what it is rolled for decides what the fault can reach. By default (Toxiproxy's",
    'meaning) it is rolled **once per connection**: a connection is either hit for its whole life or spared.',
    'Against a pooled client that holds a few long-lived connections, `toxicity: 0.3` is not "30% of requests":',
    'it may hit one connection of four, or none. With `toxicity_mode: data` it is rolled **once per chunk** of',
    'data read from the sender; on keep-alive HTTP a request or an answer is usually one chunk, so about that',
    'share of requests is hit. Only toxics that act on a chunk at once take it (`reset_peer`, `close_on_data`,',
    '`blackhole`, `corrupt`); the others hold bytes back, and a spared chunk passing a held one would reorder',
    "the stream. A mock fault's `probability` is rolled per request. Each experiment reports what its fault",
    'reached (connections, bytes, requests) and flags one that reached nothing as vacuous; see',
    '[thresholds.md](thresholds.md#reach-and-vacuous-faults).',
    '',
    '### A fault on a mock',
    '',
    'It applies to a request with `probability`, for `times` requests at most, and then either answers instead',
    'of the route (when it has a `status` or a body, or past its `rate_limit`) or changes how the route answers',
    '(`delay`, `dribble`, `fault`).',
    '',
    table(
      mockRows.filter((r) => r.path !== 'fault'),
      used,
      missing,
    ),
    '',
    '### A fault on a service',
    '',
    'A process fault on a declared service (`services:`), for the seeds\' "service crash, then recovery through',
    'health checks". `recovery_time` of a `kill` or `stop` counts from the restart\'s start, so it covers the start-up',
    'and the readiness probe. Freezes are always resumed: at the end of the hold, when the run stops or is',
    'aborted, and on Ctrl-C, before any SIGTERM (see [safety.md](safety.md#process-faults)).',
    '',
    '```yaml',
    'services:',
    '  - { name: api, run: node server.js, ready: { http: "http://127.0.0.1:8080/health" }, restart: on-failure }',
    'stages:',
    '  chaos:',
    '    experiments:',
    '      - name: api-crash',
    '        load: { url: "http://127.0.0.1:8080/", rate: 50/s }',
    '        fault: { service: api, action: kill }',
    '        hold: 2s',
    '        recover_within: 5s',
    '```',
    '',
    table(
      serviceRows.filter((r) => r.path !== 'fault'),
      used,
      missing,
    ),
    '',
    '### Clock skew',
    '',
    '`{ service: api, time: { offset: +5m } }` moves the wall clock a service reads (`-1h`, `+30s` …) for the hold,',
    'then back: certificate, token-expiry and cache-TTL bugs; `rate: 2` runs it at twice the real pace meanwhile (a',
    'drift, with or without an offset). The service needs `faketime: true`, which starts it',
    "under libfaketime (Debian's and Ubuntu's `faketime` package; on a GitHub runner: `sudo apt-get install -y",
    'faketime`); its timers keep the real monotonic clock. A Node, Python, Go (cgo) or JVM service reads the moved',
    'clock; a statically linked binary does not.',
    '',
    '### Resource pressure',
    '',
    'Pressure on the runner while the fault holds, each as its own process group that chaos-gate ends at the revert,',
    'on Ctrl-C and when the gate itself is killed (`kill -9`: its process-group watcher stops it, and a disk file is',
    'removed). Nothing needs installing: the workers are Node itself.',
    '',
    '| fault | what it holds |',
    '| --- | --- |',
    '| `{ pressure: cpu, workers: 2, percent: 80, cpus: [0] }` | `workers` threads (default one per core), each busy `percent` of every 100 ms; `cpus` pins them (taskset) |',
    '| `{ pressure: memory, size: 512MB }` | `size` allocated and touched (refused when it would leave less than 512 MB free) |',
    '| `{ pressure: disk, path: ./tmp, size: 1GB }` or `free: 10%` | a file of `size` in `path`, or as large as leaves `free` of the disk free (refused when it would leave less than 1 GB), removed after |',
    '| `{ pressure: fds, count: 5000 }` | `count` open descriptors (fewer when the limit is lower; the log says how many) |',
    "| `{ pressure: fds, service: api, count: 10 }` | the service's own descriptor limit lowered (prlimit) to what it has open plus `count`, so it meets EMFILE; put back at the revert. Run it with `exec` so its process is the one limited |",
    '',
    '### A reconnect storm',
    '',
    '`{ proxy: pg, action: reconnect_storm, within: 10s }` closes every live connection of the proxy at once',
    '(a failover, a load balancer dropping its pool) and times how long the clients take to open as many again:',
    'each experiment reports `reconnects` (closed, back, `reconnect_time_ms`) and records the trend',
    '`chaos.<experiment>.reconnect_time`, for thresholds such as `chaos.storm.reconnect_time: ["max<2000"]`.',
    'Not back within `within` (default 10s) fails the experiment. For a pool that cannot grow, give the proxy',
    '`max_connections` (refuse or hold past it).',
    '',
    '### Several faults, steps and ramps',
    '',
    '`fault:` also takes a list: its faults are applied together at the start of the hold and reverted',
    'together at its end (each reported, under `fault.all` in metrics.json). `steps:` (instead of `fault:`)',
    "changes the faults over the hold: at each step's `at`, the step before is reverted and the step's faults",
    'are applied, so "gradual latency increase" and "multi-failure" are one experiment each. `ramp:` moves one',
    "numeric attribute of the experiment's toxics linearly over the hold; held bytes keep their schedule when",
    'it moves (a latency update never releases them early).',
    '',
    '```yaml',
    'experiments:',
    '  - name: multi-failure',
    '    load: { url: "http://127.0.0.1:8080/", rate: 50/s }',
    '    fault:',
    '      - { proxy: postgres, type: latency, attributes: { latency: 300 } }',
    '      - { mock: payments, status: 503 }',
    '    hold: 5s',
    '  - name: getting-worse',
    '    load: { url: "http://127.0.0.1:8080/", rate: 50/s }',
    '    steps:',
    '      - { at: 0s, fault: { proxy: postgres, type: latency, attributes: { latency: 100 } } }',
    '      - { at: 5s, fault: { proxy: postgres, type: latency, attributes: { latency: 500 } } }',
    '      - { at: 10s, fault: [{ proxy: postgres, type: latency, attributes: { latency: 500 } }, { proxy: redis, type: timeout }] }',
    '    hold: 15s',
    '  - name: latency-ramp',
    '    load: { url: "http://127.0.0.1:8080/", rate: 50/s }',
    '    fault: { proxy: postgres, type: latency }',
    '    ramp: { attribute: latency, from: 0, to: 800 }',
    '    hold: 10s',
    '```',
  );

  // Each toxic type's attributes, from its own schema.
  const toxicLines = ['| type | attributes | what it does |', '| --- | --- | --- |'];
  const toxicUsed = new Set<string>();
  for (const type of TOXIC_TYPES) {
    const attributes = jsonSchema(toxicKind(type).attributes);
    const fields = Object.entries(attributes.properties ?? {}).map(([key, field]) => {
      const described = TOXIC_DESCRIPTIONS[`${type}.${key}`];
      if (described === undefined) missing.push(`toxic ${type}.${key}`);
      else toxicUsed.add(`${type}.${key}`);
      const required = attributes.required?.includes(key) && field.default === undefined;
      const fallback = field.default !== undefined ? ` (default ${JSON.stringify(field.default)})` : required ? ' (required)' : '';
      return `\`${key}\`: ${typeOf(field)}${fallback}, ${described ?? ''}`;
    });
    const what = TOXIC_DESCRIPTIONS[type];
    if (what === undefined) missing.push(`toxic ${type}`);
    else toxicUsed.add(type);
    toxicLines.push(`| \`${type}\` | ${cell(fields.join('; ') || 'none')} | ${cell(what ?? '')} |`);
  }
  parts.push(
    '',
    '## Toxic types',
    '',
    "Toxiproxy's types keep its names, attributes and units; `stall`, `blackhole`, `close_on_data`, `corrupt`",
    "and `limit_time` are the TCP gate's network conditions. Each acts on one `stream`: `upstream` (client →",
    'server) or `downstream` (server → client). A proxy can also be switched off whole: `enabled: false` refuses',
    'connections (Toxiproxy\'s "down"), `accepting: false` leaves new connections hanging unserved.',
    '',
    toxicLines.join('\n'),
    '',
  );

  const unused = [
    ...Object.keys(DESCRIPTIONS).filter((key) => !used.has(key)),
    ...Object.keys(TOXIC_DESCRIPTIONS)
      .filter((key) => !toxicUsed.has(key))
      .map((key) => `toxic ${key}`),
  ];
  return { markdown: parts.join('\n'), missing, unused };
}
