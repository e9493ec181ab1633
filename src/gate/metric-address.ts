/**
 * A threshold's address: scope, metric and k6's tag filter.
 *
 *   chaos.checkout down.fault.http_req_duration{name:create order,method:POST}
 *   └──────── scope ────────┘ └──── name ─────┘ └──────────── tags ───────────┘
 *
 * Two tags are answered by scopes rather than recorded: `phase` (steady, fault, recovery) and
 * `experiment`, so `http_req_failed{phase:fault}` merges every experiment's fault phase. The
 * others (`name`, `method`, `status`, `step`, `flow`, and `check` on `checks`) are sub-metrics the
 * load recorder keeps under the canonical key `metric{k:v,…}`, tags sorted by key.
 */
import { PHASES } from '../results/types.js';
import type { ThresholdConfig } from './schema.js';

export const SCOPE_TAGS = ['phase', 'experiment'] as const;
export const REQUEST_TAGS = ['name', 'method', 'status', 'step', 'flow'] as const;
export const TAG_KEYS: readonly string[] = [...REQUEST_TAGS, ...SCOPE_TAGS, 'check'];

export interface MetricAddress {
  /** `''` (the whole run), `load`, `chaos.<experiment>`, `chaos.<experiment>.<phase>`. */
  scope: string;
  name: string;
  /** Sorted by key; empty without a filter. */
  tags: [string, string][];
}

const FILTER = /\{([^{}]*)\}$/;

/** Splits an address; throws an Error saying what is wrong with a tag filter. */
export function parseAddress(address: string): MetricAddress {
  const filter = FILTER.exec(address);
  const bare = filter ? address.slice(0, filter.index) : address;
  const dot = bare.lastIndexOf('.');
  const [scope, name] = dot < 0 ? ['', bare] : [bare.slice(0, dot), bare.slice(dot + 1)];
  if (!filter) return { scope, name, tags: [] };
  const tags = filter[1].split(',').map((pair): [string, string] => {
    const colon = pair.indexOf(':');
    if (colon < 0) throw new Error(`"{${filter[1]}}": expected tag:value pairs, like {name:checkout} or {status:200,method:GET}`);
    return [pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()];
  });
  for (const [key, value] of tags) {
    if (!TAG_KEYS.includes(key)) throw new Error(`no tag "${key}": filter by ${TAG_KEYS.join(', ')}`);
    if (value === '') throw new Error(`tag "${key}" has no value`);
    if (key === 'phase' && !(PHASES as readonly string[]).includes(value)) throw new Error(`no phase "${value}" (phases: steady, fault, recovery)`);
    if ((key === 'check') !== (name === 'checks'))
      throw new Error(key === 'check' ? 'the `check` tag filters `checks`' : `\`checks\` is filtered by check (checks{check:order created}), not ${key}`);
  }
  const keys = tags.map(([k]) => k);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) throw new Error(`tag "${twice}" is given twice`);
  return { scope, name, tags: tags.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/** The key a sub-metric is recorded under: `http_req_duration{method:POST,name:checkout}`. */
export function taggedName(name: string, tags: readonly (readonly [string, string])[]): string {
  return tags.length === 0 ? name : `${name}{${tags.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

/**
 * What a lookup needs of an address: its scope, the key its (sub-)metric is kept under, and the
 * scope tags that narrow the scopes read; undefined for a filter that does not parse (named when
 * the config loads).
 */
export function lookupKey(address: string): { scope: string; key: string; phase?: string; experiment?: string } | undefined {
  let parsed: MetricAddress;
  try {
    parsed = parseAddress(address);
  } catch {
    return undefined;
  }
  const { scope, name, tags } = parsed;
  const key = taggedName(
    name,
    tags.filter(([k]) => !(SCOPE_TAGS as readonly string[]).includes(k)),
  );
  return { scope, key, phase: tags.find(([k]) => k === 'phase')?.[1], experiment: tags.find(([k]) => k === 'experiment')?.[1] };
}

/** A sub-metric the recorder keeps because a threshold asks for it. */
export interface TagFilter {
  metric: string;
  tags: [string, string][];
  key: string;
}

/**
 * The request-tag filters thresholds use, beyond what the recorder always keeps (`{name:…}` and
 * `checks{check:…}`); scope tags are left to the store.
 */
export function tagFilters(thresholds: Record<string, ThresholdConfig[]> | undefined): TagFilter[] {
  const filters = new Map<string, TagFilter>();
  for (const address of Object.keys(thresholds ?? {})) {
    let parsed: MetricAddress;
    try {
      parsed = parseAddress(address);
    } catch {
      continue; // named when the config loads
    }
    const tags = parsed.tags.filter(([k]) => !(SCOPE_TAGS as readonly string[]).includes(k));
    if (tags.length === 0 || parsed.name === 'checks' || (tags.length === 1 && tags[0][0] === 'name')) continue;
    const key = taggedName(parsed.name, tags);
    filters.set(key, { metric: parsed.name, tags, key });
  }
  return [...filters.values()];
}
