/**
 * Reads chaos-gate.yml: YAML with source positions → zod → a typed Config. Every problem is
 * reported as `file:line:col: key.path: what was expected`, all at once, before anything starts.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { closest } from './closest.js';
import { checkConsistency } from './consistency.js';
import { interpolate } from './interpolate.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  /** The path as the user gave it, for messages. */
  file: string;
  /** The config's folder: relative paths in it (body files, working directories) resolve from here. */
  dir: string;
  config: Config;
  /** The line of each threshold in the file, by `<metric> <expression>`, for an annotation where it is written. */
  thresholdLines?: Record<string, number>;
}

/** Loads and validates a config file; throws ConfigError listing every problem. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([`${file}: cannot read the config file (${code === 'ENOENT' ? 'no such file' : code})`]);
  }
  return parseConfig(text, file);
}

/** Validates config text; `file` names it in messages and its folder is the base for relative paths. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const shown = displayPath(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return shown;
    const { line, col } = lines.linePos(offset);
    return `${shown}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${at(e.pos[0])}: ${tooDeep(e.message) ?? e.message.split('\n')[0]}`));
  }
  let raw: unknown;
  try {
    // maxAliasCount bounds alias expansion (a "billion laughs" document).
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new ConfigError([`${shown}: ${tooDeep((error as Error).message) ?? (error as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`${shown}:1:1: expected a mapping with version: 1 and stages, proxies, mocks…`]);
  }
  const dir = dirname(resolve(file));
  const schema = configSchema(dir);
  const unresolved = interpolate(raw as Record<string, unknown>);
  const result = schema.safeParse(raw);
  const problems = [...unresolved, ...(result.success ? checkConsistency(result.data) : [])].map(({ path, message }) => {
    // Named as written: `thresholds.x` for a threshold given alone, `thresholds.x[1]` in a list.
    const { offset, walked } = locate(doc, path);
    return `${at(offset)}: ${formatPath(walked)}: ${message}`;
  });
  if (!result.success) problems.push(...result.error.issues.flatMap((issue) => describe(issue, schema, doc, at)));
  if (problems.length > 0) throw new ConfigError(problems);
  const config = result.data!;
  const thresholdLines: Record<string, number> = {};
  for (const [address, list] of Object.entries(config.thresholds)) {
    for (const [i, threshold] of list.entries()) {
      const { offset } = locate(doc, ['thresholds', address, i]);
      if (offset !== undefined) thresholdLines[`${address} ${threshold.threshold.text}`] = lines.linePos(offset).line;
    }
  }
  return { file: shown, dir, config, thresholdLines };
}

/** The parser's own stack ran out: say what that means for the file, not the engine's words. */
function tooDeep(message: string): string | undefined {
  return /Maximum call stack size exceeded/.test(message)
    ? 'the config nests too deeply here for the parser (a chaos-gate.yml needs only a few levels)'
    : undefined;
}

type Issue = z.core.$ZodIssue;

/** One or more lines for a zod issue; a union reports the branch that matched the value's shape. */
function describe(issue: Issue, schema: z.ZodType, doc: Document, at: (offset?: number) => string): string[] {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const shaped = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
    if (shaped.length === 1) {
      return shaped[0].flatMap((inner) => describe({ ...inner, path: [...issue.path, ...inner.path] } as Issue, schema, doc, at));
    }
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const known = keysAt(schema, issue.path) ?? [];
      const guess = closest(key, known);
      const hint = guess ? ` (did you mean \`${guess}\`?)` : known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
      return `${at(locate(doc, path, true).offset)}: ${formatPath(path)}: unknown key${hint}`;
    });
  }
  const { offset, missing } = locate(doc, issue.path);
  const message = missing ? `missing; ${lowerFirst(issue.message)}` : issue.message;
  return [`${at(offset)}: ${formatPath(issue.path) || '(top level)'}: ${tidy(message)}`];
}

interface Located {
  offset?: number;
  missing: boolean;
  /** The part of the path found in the file. */
  walked: PropertyKey[];
}

/** Where a key path points: the value's node, or its key when asked; the nearest parent when absent. */
function locate(doc: Document, path: readonly PropertyKey[], key = false): Located {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  const walked: PropertyKey[] = [];
  for (const [i, segment] of path.entries()) {
    // A value given alone where a list is allowed (`junit: "a.xml"`, one threshold) is the list's item 0.
    if (segment === 0 && !isSeq(node)) continue;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return { offset: (node as Node).range?.[0], missing: i === path.length - 1, walked };
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      keyNode = undefined;
      node = node.items[segment];
    } else {
      return { offset: (node as Node | null)?.range?.[0], missing: false, walked };
    }
    walked.push(segment);
  }
  const target = key && keyNode ? keyNode : (node as Node | null);
  return { offset: target?.range?.[0] ?? keyNode?.range?.[0], missing: false, walked };
}

/** The keys an object schema allows at a path, walking through wrappers (optional, default, pipe). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    current = unwrap(current);
    // $ZodTypes is the union of zod's own schema kinds, so `def.type` narrows `def`.
    const def = (current as z.core.$ZodTypes | undefined)?._zod.def;
    if (!def) return undefined;
    if (segment === undefined) return def.type === 'object' ? Object.keys(def.shape) : undefined;
    if (def.type === 'object') current = def.shape[segment as string];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
  }
  return undefined;
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  for (;;) {
    const def = (current as z.core.$ZodTypes | undefined)?._zod.def;
    if (!def) return current;
    if (
      def.type === 'optional' ||
      def.type === 'default' ||
      def.type === 'prefault' ||
      def.type === 'nullable' ||
      def.type === 'readonly' ||
      def.type === 'catch'
    )
      current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

/** zod's "Invalid input: expected string, received number" → "expected string, received number". */
function tidy(message: string): string {
  return message.replace(/^Invalid input: /, '').replace(/^Invalid (?:option|value): /, '');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + tidy(text).slice(1);
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}
