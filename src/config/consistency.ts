/** Checks across the whole config that no single key's schema can see: names, ports, references. */
import { isLoopbackHost, splitHostPort } from '../address.js';
import { builtinType } from '../gate/builtin-metrics.js';
import { mismatch } from '../gate/expression.js';
import { parseAddress } from '../gate/metric-address.js';
import { compileFlow } from '../flow/compile.js';
import { matrixDependencies } from '../matrix/cells.js';
import { PHASES, STAGE_ORDER, type StageName } from '../results/types.js';
import { closest } from './closest.js';
import type { Problem } from './interpolate.js';
import type { Config } from './schema.js';
import type { FaultConfig } from '../chaos/schema.js';

export function checkConsistency(config: Config): Problem[] {
  const problems: Problem[] = [];

  for (const kind of ['services', 'proxies', 'mocks', 'http_proxies'] as const) {
    const seen = new Map<string, number>();
    config[kind].forEach((item, i) => {
      const first = seen.get(item.name);
      if (first === undefined) seen.set(item.name, i);
      else problems.push({ path: [kind, i, 'name'], message: `duplicate name "${item.name}" (also ${kind}[${first}])` });
    });
  }

  // Stages find each proxy and mock by its variable: two names that map to one would hide one.
  const PREFIX = { proxies: 'PROXY', mocks: 'MOCK', http_proxies: 'HTTP_PROXY' } as const;
  for (const kind of ['proxies', 'mocks', 'http_proxies'] as const) {
    const byVariable = new Map<string, string>();
    config[kind].forEach((item, i) => {
      const variable = `CHAOS_GATE_${PREFIX[kind]}_${envName(item.name)}`;
      const other = byVariable.get(variable);
      if (other !== undefined && other !== item.name)
        problems.push({ path: [kind, i, 'name'], message: `"${item.name}" and "${other}" both map to ${variable}; rename one` });
      else byVariable.set(variable, item.name);
    });
  }

  // Two listeners on one port: the second would fail to start, so say it now.
  const listeners: { path: PropertyKey[]; listen: string }[] = [
    ...config.proxies.map((p, i) => ({ path: ['proxies', i, 'listen'], listen: p.listen })),
    ...config.mocks.map((m, i) => ({ path: ['mocks', i, 'listen'], listen: m.listen })),
    ...config.http_proxies.map((h, i) => ({ path: ['http_proxies', i, 'listen'], listen: h.listen })),
    { path: ['control', 'listen'], listen: config.control.listen },
  ];
  const ports = new Map<number, PropertyKey[]>();
  for (const { path, listen } of listeners) {
    const { port } = splitHostPort(listen);
    if (port === 0) continue;
    const other = ports.get(port);
    if (other) problems.push({ path, message: `port ${port} is also used by ${describePath(other)}` });
    else ports.set(port, path);
  }

  // Whoever reaches the control API can add faults and open proxies to this machine's services.
  const control = splitHostPort(config.control.listen).host;
  if (!isLoopbackHost(control) && config.control.token === undefined) {
    problems.push({
      path: ['control', 'listen'],
      message: `${config.control.listen} is reachable from other machines: set control.token (every call then needs it), or listen on 127.0.0.1`,
    });
  }

  config.proxies.forEach((proxy, i) => {
    if (splitHostPort(proxy.listen).port === splitHostPort(proxy.upstream).port && sameHost(proxy.listen, proxy.upstream)) {
      problems.push({ path: ['proxies', i, 'upstream'], message: 'the upstream is the proxy itself' });
    }
  });

  const proxies = new Set(config.proxies.map((p) => p.name));
  const mocks = new Set(config.mocks.map((m) => m.name));
  const httpProxies = new Set(config.http_proxies.map((h) => h.name));
  const services = new Set(config.services.map((s) => s.name));
  const servicesByName = new Map(config.services.map((s) => [s.name, s]));
  config.stages.chaos?.experiments?.forEach((experiment, i) => {
    // One fault or a list under `fault:`, or each step's under `steps[k].fault`.
    const placed = experiment.steps
      ? experiment.steps.flatMap((step, k) => step.fault.map((fault) => ({ fault, at: ['steps', k, 'fault'] })))
      : (experiment.fault ?? []).map((fault) => ({ fault, at: ['fault'] }));
    for (const { fault, at } of placed) checkTarget(fault, ['stages', 'chaos', 'experiments', i, ...at]);
  });

  function checkTarget(fault: FaultConfig, at: (string | number)[]): void {
    if ((fault.kind === 'proxy' || fault.kind === 'reconnect_storm') && !proxies.has(fault.proxy)) {
      problems.push({
        path: [...at, 'proxy'],
        message: `no proxy named "${fault.proxy}" (declared: ${[...proxies].join(', ') || 'none'})`,
      });
    }
    if (fault.kind === 'mock' && !mocks.has(fault.mock)) {
      problems.push({
        path: [...at, 'mock'],
        message: `no mock named "${fault.mock}" (declared: ${[...mocks].join(', ') || 'none'})`,
      });
    }
    if (fault.kind === 'http_proxy' && !httpProxies.has(fault.httpProxy)) {
      problems.push({
        path: [...at, 'http_proxy'],
        message: `no http proxy named "${fault.httpProxy}" (declared: ${[...httpProxies].join(', ') || 'none'})`,
      });
    }
    if (fault.kind === 'clock' && servicesByName.get(fault.service)?.faketime === false) {
      problems.push({
        path: [...at, 'service'],
        message: `service "${fault.service}" needs faketime: true for a time fault (it then starts under libfaketime)`,
      });
    }
    if (fault.kind === 'pressure' && fault.pressure.kind === 'fds' && fault.pressure.service !== undefined && !services.has(fault.pressure.service)) {
      problems.push({ path: [...at, 'service'], message: `no service named "${fault.pressure.service}" (declared: ${[...services].join(', ') || 'none'})` });
    }
    if ((fault.kind === 'service' || fault.kind === 'clock') && !services.has(fault.service)) {
      problems.push({
        path: [...at, 'service'],
        message: `no service named "${fault.service}" (declared: ${[...services].join(', ') || 'none'})`,
      });
    }
  }

  const matrix = config.stages.chaos?.matrix;
  if (matrix) {
    const { unknown } = matrixDependencies(matrix.dependencies, config);
    const names = [...config.proxies, ...config.http_proxies, ...config.mocks].map((d) => d.name);
    for (const name of unknown) {
      const i = (matrix.dependencies as string[]).indexOf(name);
      problems.push({
        path: ['stages', 'chaos', 'matrix', 'dependencies', i],
        message: `no proxy, http_proxy or mock named "${name}" (declared: ${names.join(', ') || 'none'})${hint(name, names)}`,
      });
    }
  }

  // A threshold on a scope this config cannot produce would never be judged: say so now.
  for (const address of Object.keys(config.thresholds)) {
    const wrong = unproducible(address, config) ?? unfiltered(address, config);
    if (wrong) problems.push({ path: ['thresholds', address], message: wrong });
  }

  // Extending the hold adds fault-phase requests: it can only settle a threshold on that phase.
  for (const [address, list] of Object.entries(config.thresholds)) {
    const fault = /^chaos\.(.+)\.fault\.[^.]+$/.exec(address);
    list.forEach((t, i) => {
      if (t.on_inconclusive === 'extend' && !fault) {
        problems.push({
          path: ['thresholds', address, i, 'on_inconclusive'],
          message: "extend lengthens an experiment's fault, so it applies to thresholds on chaos.<experiment>.fault.<metric>; use fail or pass here",
        });
      }
    });
  }

  // k6's check: an aggregation the metric's type does not have (`p(99)` on a rate) is a config error.
  for (const [address, list] of Object.entries(config.thresholds)) {
    const type = builtinType(address);
    if (type === undefined) continue;
    const name = address.slice(address.lastIndexOf('.') + 1);
    list.forEach(({ threshold }, i) => {
      const wrong = mismatch(threshold, type, `${name}, a ${type}`);
      if (wrong) problems.push({ path: ['thresholds', address, i, 'threshold'], message: `"${threshold.text}": ${wrong}` });
    });
  }
  return problems;
}

/** A proxy's or mock's name as it appears in its variable: `a-b` → `A_B`. */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Why no run of this config can produce the metric a threshold names: a stage that is not
 * configured, an experiment or phase that does not exist, recovery_time without experiments.
 * Scopes are `<metric>` (the whole run), `<stage>.<metric>`, `chaos.<experiment>.<metric>` and
 * `chaos.<experiment>.<phase>.<metric>`; experiment names may hold dots, so they are matched whole.
 */
function unproducible(address: string, config: Config): string | undefined {
  const bare = address.replace(/\{[^{}]*\}$/, '');
  const dot = bare.lastIndexOf('.');
  const [scope, name] = dot < 0 ? ['', bare] : [bare.slice(0, dot), bare.slice(dot + 1)];
  const experiments = (config.stages.chaos?.experiments ?? []).map((e) => e.name);
  const stages = STAGE_ORDER.filter((s) => config.stages[s] !== undefined);
  const matrix = config.stages.chaos?.matrix;
  if (scope === 'matrix' || scope.startsWith('matrix.')) return matrixScopeProblem(scope, name, config);
  if (scope !== '') {
    const [stage] = scope.split('.');
    if (!(STAGE_ORDER as readonly string[]).includes(stage)) {
      return `no scope "${stage}": a threshold names a stage (${stages.join(', ') || 'none configured'}) or chaos.<experiment>${hint(stage, [...STAGE_ORDER])}`;
    }
    if (!stages.includes(stage as StageName)) return `no stage "${stage}" in this config (configured: ${stages.join(', ') || 'none'})`;
    if (stage !== 'chaos' && scope !== stage) return `"${scope}" is not a scope: a ${stage} stage's metrics are ${stage}.<metric>`;
    if (scope.startsWith('chaos.')) {
      const rest = scope.slice('chaos.'.length);
      const phaseDot = rest.lastIndexOf('.');
      const phase = phaseDot < 0 ? undefined : rest.slice(phaseDot + 1);
      const inPhase = phase !== undefined && (PHASES as readonly string[]).includes(phase) && experiments.includes(rest.slice(0, phaseDot));
      if (!experiments.includes(rest) && !inPhase) {
        if (phase !== undefined && experiments.includes(rest.slice(0, phaseDot))) {
          return `no phase "${phase}" in experiment "${rest.slice(0, phaseDot)}" (phases: ${PHASES.join(', ')})${hint(phase, [...PHASES])}`;
        }
        // `chaos.<name>.fault`: the experiment is what is unknown; otherwise the whole rest is its name.
        const named = phase !== undefined && (PHASES as readonly string[]).includes(phase) ? rest.slice(0, phaseDot) : rest;
        return `no experiment "${named}" (experiments: ${experiments.map((e) => `"${e}"`).join(', ') || 'none'})${hint(named, experiments)}`;
      }
      if (name === 'recovery_time' && inPhase)
        return `recovery_time is measured per experiment, not per phase: use chaos.${rest.slice(0, phaseDot)}.recovery_time`;
    }
  }
  if (name === 'recovery_time' && experiments.length === 0 && !matrix) return 'recovery_time is measured by chaos experiments, and this config has none';
  if (name === 'recovery_time' && scope !== '' && !scope.startsWith('chaos'))
    return `recovery_time is measured by chaos experiments, not in the ${scope} stage`;
  return undefined;
}

/**
 * Why a `matrix…` address can match nothing: no matrix, or a dependency, fault class or phase it
 * does not explore. Scopes: `matrix` (the counts), `matrix.<dependency>.<fault>` (a cell: its
 * `outcome` and load metrics), `matrix.<dependency>.<fault>.<phase>`.
 */
function matrixScopeProblem(scope: string, name: string, config: Config): string | undefined {
  const matrix = config.stages.chaos?.matrix;
  if (!matrix) return 'no matrix in this config: matrix.<metric> addresses need stages.chaos.matrix';
  if (scope === 'matrix') {
    const counts = ['survived', 'degraded', 'failed', 'skipped', 'regressions'];
    return counts.includes(name) ? undefined : `the matrix counts cells as ${counts.join(', ')}; "${name}" is none of them${hint(name, counts)}`;
  }
  const rest = scope.slice('matrix.'.length);
  const { dependencies } = matrixDependencies(matrix.dependencies, config);
  const dependency = dependencies.find((d) => rest === d.name || rest.startsWith(`${d.name}.`));
  if (!dependency) {
    const names = dependencies.map((d) => d.name);
    return `the matrix explores no dependency named in "${scope}" (dependencies: ${names.join(', ') || 'none'})`;
  }
  const [fault, phase, ...more] = rest.slice(dependency.name.length + 1).split('.');
  if (!(matrix.faults as string[]).includes(fault))
    return `the matrix tries no fault class "${fault ?? ''}" (faults: ${matrix.faults.join(', ')})${hint(fault ?? '', [...matrix.faults])}`;
  if (phase !== undefined && (more.length > 0 || !(PHASES as readonly string[]).includes(phase)))
    return `no phase "${[phase, ...more].join('.')}" in a matrix cell (phases: ${PHASES.join(', ')})`;
  if (name === 'outcome' && phase !== undefined) return `a cell's outcome is matrix.${dependency.name}.${fault}.outcome, not per phase`;
  return undefined;
}

/**
 * Why a tag filter can match nothing: a tag chaos-gate does not set, a `name` no request has, a
 * check no flow makes, an experiment that does not exist. Module flows name their requests and
 * checks as they run, so with one, names and checks are not checked here.
 */
function unfiltered(address: string, config: Config): string | undefined {
  let parsed;
  try {
    parsed = parseAddress(address);
  } catch (error) {
    return (error as Error).message;
  }
  const loads = [config.stages.load, config.stages.chaos?.matrix?.load, ...(config.stages.chaos?.experiments ?? []).map((e) => e.load)].filter(
    (l) => l !== undefined,
  );
  const flows = loads.flatMap((l) => l.flows ?? []);
  // Without flows, `checks` may be a test's own metric (CHAOS_GATE_METRICS), as in k6 scripts.
  if (parsed.tags.length === 0 || flows.some((f) => f.kind === 'module') || (parsed.name === 'checks' && flows.length === 0)) return undefined;
  const names = new Set<string>();
  const checks = new Set<string>();
  for (const load of loads) for (const t of load.targets) names.add(t.name ?? `${t.method} ${new URL(t.url).pathname}${new URL(t.url).search}`);
  for (const flow of flows) {
    if (flow.kind !== 'steps') continue;
    for (const step of compileFlow(flow).steps) {
      names.add(step.name);
      for (const check of [...step.checks.map((c) => c.name), ...step.captures.map((c) => c.check)]) checks.add(check);
    }
  }
  const experiments = (config.stages.chaos?.experiments ?? []).map((e) => e.name);
  for (const [key, value] of parsed.tags) {
    const known = key === 'name' ? [...names] : key === 'check' ? [...checks] : key === 'experiment' ? experiments : undefined;
    if (known && !known.includes(value)) {
      const what = key === 'name' ? 'no request is named' : key === 'check' ? 'no flow step checks' : 'no experiment';
      return `${what} "${value}" (${key === 'name' ? 'names' : key === 'check' ? 'checks' : 'experiments'}: ${known.map((k) => `"${k}"`).join(', ') || 'none'})${hint(value, known)}`;
    }
  }
  return undefined;
}

/** ` (did you mean "load"?)` when a known word is close to the one written. */
function hint(word: string, known: string[]): string {
  const guess = closest(word, known);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

function sameHost(a: string, b: string): boolean {
  const loopback = (host: string) => host === 'localhost' || host.startsWith('127.') || host === '::1';
  const [ha, hb] = [splitHostPort(a).host, splitHostPort(b).host];
  return ha === hb || (loopback(ha) && loopback(hb));
}

function describePath(path: PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .slice(1);
}
