/**
 * `{{name}}` templates in a flow's URLs, headers and bodies, compiled once and rendered per request:
 *
 *   "/orders/{{order_id}}"  ──compile──►  ['/orders/', var order_id]  ──render(scope)──►  "/orders/42"
 *
 * A name is a variable (captured by an earlier step, or a column of the data file) or a built-in:
 * `uuid`, `seq`, `random_int A B`, `now`, `vu`, `iteration`. A JSON string that is one whole
 * template keeps the value's type, so `qty: "{{random_int 1 5}}"` sends a number.
 */
import { randomUUID } from 'node:crypto';
import type { Random } from '../random.js';

/** What a template reads when it renders: the iteration's variables and numbers, and its random source. */
export interface Scope {
  vars: Map<string, unknown>;
  /** The iteration's sequence number across the whole load (0, 1, 2 …), the same in each of its steps. */
  seq: number;
  /** The virtual user (closed model: its connection loop; open model: a free slot). */
  vu: number;
  /** This virtual user's iteration count. */
  iteration: number;
  random: Random;
}

type Part = string | ((scope: Scope) => unknown);

export interface Template {
  /** Set when the text holds no `{{…}}`: render it once, not per request. */
  readonly fixed?: string;
  /** The variables it reads (not the built-ins), for the check that something sets them. */
  readonly reads: string[];
  render(scope: Scope): string;
  /** Like render, but a template that is one whole `{{…}}` gives the value itself (a number stays a number). */
  value(scope: Scope): unknown;
}

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
export const BUILTINS = ['uuid', 'seq', 'random_int', 'now', 'vu', 'iteration'];

/** Compiles a template; throws an Error whose message names the bad `{{…}}`. */
export function compileTemplate(text: string): Template {
  const parts: Part[] = [];
  const reads: string[] = [];
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(expression(match[1], reads));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.every((p) => typeof p === 'string')) {
    return { fixed: text, reads, render: () => text, value: () => text };
  }
  const render = (scope: Scope) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : stringOf(part(scope));
    return out;
  };
  const whole = parts.length === 1 ? (parts[0] as (scope: Scope) => unknown) : undefined;
  return { reads, render, value: whole ?? render };
}

function expression(text: string, reads: string[]): (scope: Scope) => unknown {
  const [name, ...args] = text.split(/\s+/);
  switch (name) {
    case 'uuid':
      // Not seeded: an id must not repeat across runs (a replayed idempotency key is another request).
      return () => randomUUID();
    case 'seq':
      return (scope) => scope.seq;
    case 'vu':
      return (scope) => scope.vu;
    case 'iteration':
      return (scope) => scope.iteration;
    case 'now':
      return () => Date.now();
    case 'random_int': {
      const [low, high] = args.map(Number);
      if (args.length !== 2 || !Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low > high) {
        throw new Error(`"{{${text}}}": expected {{random_int LOW HIGH}} with whole numbers, LOW ≤ HIGH`);
      }
      return (scope) => low + Math.floor(scope.random.next() * (high - low + 1));
    }
  }
  if (args.length > 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new Error(`"{{${text}}}" is not a variable or a built-in (${BUILTINS.join(', ')})`);
  }
  reads.push(name);
  return (scope) => scope.vars.get(name);
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A JSON body with templates in its strings (and keys), rendered to text per request. */
export interface JsonTemplate {
  readonly fixed?: string;
  readonly reads: string[];
  render(scope: Scope): string;
}

export function compileJson(value: unknown): JsonTemplate {
  const reads: string[] = [];
  let dynamic = false;
  const build = (v: unknown): ((scope: Scope) => unknown) | unknown => {
    if (typeof v === 'string') {
      const t = compileTemplate(v);
      reads.push(...t.reads);
      if (t.fixed !== undefined) return v;
      dynamic = true;
      return (scope: Scope) => t.value(scope);
    }
    if (Array.isArray(v)) {
      const items = v.map(build);
      return items.some((i) => typeof i === 'function') ? (scope: Scope) => items.map((i) => resolve(i, scope)) : v;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).map(([k, item]) => [k, build(item)] as const);
      return entries.some(([, i]) => typeof i === 'function') ? (scope: Scope) => Object.fromEntries(entries.map(([k, i]) => [k, resolve(i, scope)])) : v;
    }
    return v;
  };
  const built = build(value);
  if (!dynamic) {
    const fixed = JSON.stringify(value);
    return { fixed, reads, render: () => fixed };
  }
  return { reads, render: (scope) => JSON.stringify(resolve(built, scope)) };
}

function resolve(item: unknown, scope: Scope): unknown {
  return typeof item === 'function' ? (item as (scope: Scope) => unknown)(scope) : item;
}
