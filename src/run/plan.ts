/** Which stages a run will execute, and the plan `--dry-run` prints. */
import { describeScenario } from '../chaos/experiments.js';
import { formatDuration } from '../units/duration.js';
import type { Config } from '../config/schema.js';
import { STAGE_ORDER, type StageName } from '../results/types.js';
import { UsageError } from '../errors.js';

/** The configured stages in run order, narrowed to `only` when given; unknown or unconfigured names are usage errors. */
export function selectStages(config: Config, only: string[] = []): StageName[] {
  const configured = STAGE_ORDER.filter((stage) => config.stages[stage] !== undefined);
  for (const name of only) {
    if (!(STAGE_ORDER as readonly string[]).includes(name)) throw new UsageError(`unknown stage "${name}"; stages are ${STAGE_ORDER.join(', ')}`);
    if (!configured.includes(name as StageName)) throw new UsageError(`stage "${name}" is not configured (configured: ${configured.join(', ') || 'none'})`);
  }
  return only.length === 0 ? configured : configured.filter((stage) => only.includes(stage));
}

export function describePlan(config: Config, stages: StageName[]): string {
  const lines = ['Plan:', `  control API  ${config.control.listen}${config.control.token ? ' (token required)' : ''}`];
  for (const p of config.proxies) lines.push(`  proxy        ${p.name}: ${p.listen} → ${p.upstream}${p.toxics?.length ? ` (${p.toxics.length} toxics)` : ''}`);
  for (const m of config.mocks) lines.push(`  mock         ${m.name}: http://${m.listen} (${m.routes.length} routes)`);
  for (const h of config.http_proxies) {
    const faults = h.faults.length > 0 ? ` (${h.faults.length} fault${h.faults.length === 1 ? '' : 's'} declared)` : '';
    lines.push(`  http proxy   ${h.name}: http://${h.listen} → ${h.upstream}${faults}`);
  }
  for (const s of config.services) lines.push(`  service      ${s.name}: ${s.run}${s.ready ? ` (ready: ${s.ready.http ?? s.ready.tcp})` : ''}`);
  for (const stage of stages) {
    const s = config.stages[stage]!;
    if (stage === 'load') {
      const load = config.stages.load!;
      lines.push(`  stage        load: ${formatDuration(load.duration)} of traffic`);
      continue;
    }
    const command = 'run' in s && s.run ? s.run : undefined;
    lines.push(`  stage        ${stage}: ${command ?? '(experiments only)'}${'timeout' in s && s.timeout ? ` (timeout ${formatDuration(s.timeout)})` : ''}`);
    if (stage === 'chaos') {
      for (const e of config.stages.chaos!.experiments ?? []) {
        lines.push(`    experiment ${e.name}: steady ${formatDuration(e.steady)}, ${describeScenario(e)} for ${formatDuration(e.hold)}`);
      }
    }
  }
  for (const [metric, list] of Object.entries(config.thresholds)) {
    lines.push(`  threshold    ${metric}: ${list.map((t) => t.threshold.text).join(', ')}`);
  }
  lines.push(`  safety       max_duration ${formatDuration(config.safety.max_duration)}, fault_ttl ${formatDuration(config.safety.fault_ttl)}`);
  return lines.join('\n');
}
