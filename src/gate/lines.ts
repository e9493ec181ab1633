/**
 * Metrics reported by the user's own tests, in any language: JSON lines such as
 * `{"name":"deadlocks","type":"counter","value":0}`, appended to CHAOS_GATE_METRICS or POSTed
 * to /metrics. A bad line is named and skipped; the rest are kept.
 */
import { readFile } from 'node:fs/promises';
import { builtinType } from './builtin-metrics.js';
import type { MetricSet, MetricType } from './metrics.js';

export interface MetricLine {
  name: string;
  type: MetricType;
  value: number | boolean;
}

const TYPES = ['counter', 'gauge', 'rate', 'trend'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one line; returns a message saying what is wrong when it is not a metric. */
export function parseMetricLine(text: string): MetricLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON; expected {"name":"deadlocks","type":"counter","value":0}';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'expected a JSON object with name, type and value';
  const line = value as Record<string, unknown>;
  if (typeof line.name !== 'string' || !NAME.test(line.name)) return 'name: expected letters, digits and _ (e.g. "deadlocks")';
  if (typeof line.type !== 'string' || !TYPES.includes(line.type)) return `type: expected one of ${TYPES.join(', ')}`;
  // Reports are plain objects keyed by metric name: `__proto__` or `constructor` would vanish there or corrupt it.
  if (line.name in Object.prototype || line.name === 'prototype') return `name: "${line.name}" is reserved; pick another name`;
  // A built-in name keeps its type, so a threshold checked against it at load stays right.
  const builtin = builtinType(line.name);
  if (builtin !== undefined && builtin !== line.type)
    return `name: "${line.name}" is chaos-gate's own ${builtin}; report it as a ${builtin} or pick another name`;
  const v = line.value;
  if (line.type === 'rate' ? typeof v !== 'boolean' && (typeof v !== 'number' || !Number.isFinite(v)) : typeof v !== 'number' || !Number.isFinite(v)) {
    return line.type === 'rate' ? 'value: expected true/false or a number (non-zero is a hit)' : 'value: expected a finite number';
  }
  if (line.type === 'trend' && (v as number) < 0) return 'value: a trend value must not be negative';
  return { name: line.name, type: line.type as MetricType, value: v as number | boolean };
}

/** Records every line of `text` into `set`; returns one message per bad line, naming its number. */
export function recordLines(text: string, set: MetricSet, source: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const parsed = parseMetricLine(raw);
    if (typeof parsed === 'string') {
      problems.push(`${source}:${i + 1}: ${parsed}`);
      return;
    }
    try {
      set.record(parsed.name, parsed.type, parsed.value);
    } catch (error) {
      problems.push(`${source}:${i + 1}: ${(error as Error).message}`);
    }
  });
  return problems;
}

/** Reads a metrics file if the stage wrote one. */
export async function recordFile(file: string, set: MetricSet): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return recordLines(text, set, file);
}
