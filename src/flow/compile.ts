/**
 * A flow's steps compiled for the generator: templates, JSONPaths and regexes parsed once, the
 * checks named, and every `{{variable}}` proved to have a source (a data column, or a capture in
 * an earlier step) — so a typo is an error at load, not a run of empty ids.
 */
import { compileJson, compileTemplate, type JsonTemplate, type Scope, type Template } from './template.js';
import { parseJsonPath, readJsonPath } from './json-path.js';

type Capture = { json: string } | { header: string } | { regex: string; group: number };

interface ExpectItem {
  name?: string;
  status?: number | number[];
  json?: string;
  header?: string;
  equals?: unknown;
  exists?: boolean;
  contains?: string;
}

/** A step as the schema (`schema.ts`) checked it; times in ms. */
export interface StepConfig {
  name?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  json?: unknown;
  body?: string;
  capture?: Record<string, Capture>;
  expect?: ExpectItem | ExpectItem[];
  think?: number | { min: number; max: number };
  timeout?: number;
}

/** A flow as the config holds it: plain data (its data file already read). */
export type FlowConfig =
  | {
      kind: 'steps';
      name: string;
      weight: number;
      seed: number;
      steps: StepConfig[];
      data?: { rows: Record<string, unknown>[]; order: 'sequential' | 'random' };
    }
  | { kind: 'module'; name: string; weight: number; seed: number; module: string };

/** An answer as a flow step sees it. Headers and body are read only when a step needs them. */
export interface FlowResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Map<string, string>;
  body: Buffer;
  /** The body was longer than the generator keeps (MAX_BODY_BYTES); only its start is here. */
  truncated: boolean;
}

export interface CompiledCheck {
  name: string;
  test(response: FlowResponse, scope: Scope): boolean;
}

export interface CompiledStep {
  index: number;
  /** The `name` tag of its requests. */
  name: string;
  method: string;
  /** `http://127.0.0.1:8080`: fixed, so connections can be pooled per origin. */
  origin: string;
  /** Path and query, templated. */
  path: Template;
  headers: [string, Template][];
  body?: Template | JsonTemplate;
  /** Added when the step sends `json:` without its own content-type. */
  jsonBody: boolean;
  captures: { variable: string; check: string; read(response: FlowResponse): unknown }[];
  checks: CompiledCheck[];
  /** The answer's headers and body are needed (captures or checks read them). */
  readsAnswer: boolean;
  think?: { min: number; max: number };
  timeoutMs?: number;
  /** Nothing in its request is templated: its bytes can be built once. */
  fixed: boolean;
}

export interface CompiledFlow {
  name: string;
  weight: number;
  seed: number;
  steps: CompiledStep[];
  data?: { rows: Record<string, unknown>[]; order: 'sequential' | 'random' };
}

/** An error with the key path (below the flow) it is about. */
export class FlowConfigError extends Error {
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

const ORIGIN = /^(https?):\/\/([^/?#{}]+)(.*)$/;

export function compileFlow(flow: FlowConfig & { kind: 'steps' }): CompiledFlow {
  const known = new Set<string>();
  for (const row of flow.data?.rows ?? []) for (const key of Object.keys(row)) known.add(key);
  const capturedLater = new Map<string, number>();
  flow.steps.forEach((step, i) => Object.keys(step.capture ?? {}).forEach((v) => capturedLater.has(v) || capturedLater.set(v, i)));

  const steps = flow.steps.map((step, index): CompiledStep => {
    const at = (...path: (string | number)[]) => ['steps', index, ...path];
    const attempt = <T>(path: (string | number)[], fn: () => T): T => {
      try {
        return fn();
      } catch (error) {
        if (error instanceof FlowConfigError) throw error;
        throw new FlowConfigError(path, (error as Error).message);
      }
    };
    const sourced = <T extends { reads: string[] }>(template: T, path: (string | number)[]): T => {
      for (const name of template.reads) {
        if (known.has(name)) continue;
        const later = capturedLater.get(name);
        throw new FlowConfigError(
          path,
          later === undefined
            ? `{{${name}}} is not set: no step captures it${flow.data ? ' and the data file has no such column' : ''} (variables here: ${[...known].join(', ') || 'none'})`
            : `{{${name}}} is captured by step ${later + 1}, which runs after this one`,
        );
      }
      return template;
    };

    const match = ORIGIN.exec(step.url);
    if (!match || !validOrigin(match[1], match[2]) || !/^($|[/?])/.test(match[3])) {
      throw new FlowConfigError(
        at('url'),
        `expected an http:// or https:// URL with a fixed host, like http://127.0.0.1:8080/orders/{{order_id}}, got "${step.url}"`,
      );
    }
    const [, scheme, host, rest] = match;
    const path = sourced(
      attempt(at('url'), () => compileTemplate(rest === '' || rest.startsWith('?') ? `/${rest}` : rest)),
      at('url'),
    );
    const headers = Object.entries(step.headers).map(([name, value]): [string, Template] => [
      name,
      sourced(
        attempt(at('headers', name), () => compileTemplate(value)),
        at('headers', name),
      ),
    ]);
    if (step.json !== undefined && step.body !== undefined) throw new FlowConfigError(at('body'), 'expected either `json` or `body`, not both');
    const body =
      step.json !== undefined
        ? sourced(
            attempt(at('json'), () => compileJson(step.json)),
            at('json'),
          )
        : step.body !== undefined
          ? sourced(
              attempt(at('body'), () => compileTemplate(step.body!)),
              at('body'),
            )
          : undefined;
    const name = step.name ?? `${step.method} ${path.fixed ?? rest.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, v: string) => `:${v.split(/\s+/)[0]}`)}`;

    const captures = Object.entries(step.capture ?? {}).map(([variable, capture]) => {
      const read = attempt(at('capture', variable), () => captureReader(capture));
      return { variable, check: `${name}: capture ${variable}`, read };
    });
    const items = step.expect === undefined ? [] : Array.isArray(step.expect) ? step.expect : [step.expect];
    const checks = items.map((item, i) =>
      attempt(at('expect', ...(Array.isArray(step.expect) ? [i] : [])), () => {
        const check = compileCheck(item, name);
        if (item.equals !== undefined && typeof item.equals === 'string') sourced(compileTemplate(item.equals), at('expect'));
        return check;
      }),
    );
    for (const variable of Object.keys(step.capture ?? {})) known.add(variable);
    const think = step.think === undefined ? undefined : typeof step.think === 'number' ? { min: step.think, max: step.think } : step.think;
    if (think && think.min > think.max) throw new FlowConfigError(at('think', 'max'), 'expected max at least min');
    return {
      index,
      name,
      method: step.method,
      origin: `${scheme}://${host}`,
      path,
      headers,
      body,
      jsonBody: step.json !== undefined && !Object.keys(step.headers).some((h) => h.toLowerCase() === 'content-type'),
      captures,
      checks,
      readsAnswer: captures.length > 0 || items.some((item) => item.status === undefined),
      ...(think ? { think } : {}),
      ...(step.timeout !== undefined ? { timeoutMs: step.timeout } : {}),
      fixed: path.fixed !== undefined && headers.every(([, t]) => t.fixed !== undefined) && (body === undefined || body.fixed !== undefined),
    };
  });
  return { name: flow.name, weight: flow.weight, seed: flow.seed, steps, ...(flow.data ? { data: flow.data } : {}) };
}

function validOrigin(scheme: string, host: string): boolean {
  try {
    return new URL(`${scheme}://${host}/`).host !== '';
  } catch {
    return false;
  }
}

function captureReader(capture: Capture): (response: FlowResponse) => unknown {
  if ('json' in capture) {
    const path = parseJsonPath(capture.json);
    return (response) => readJsonPath(jsonOf(response), path);
  }
  if ('header' in capture) {
    const name = capture.header.toLowerCase();
    return (response) => response.headers.get(name);
  }
  const regex = new RegExp(capture.regex);
  return (response) => regex.exec(response.body.toString())?.[capture.group];
}

function compileCheck(item: ExpectItem, step: string): CompiledCheck {
  const named = (what: string, test: CompiledCheck['test']): CompiledCheck => ({ name: item.name ?? `${step}: ${what}`, test });
  if (item.status !== undefined) {
    const statuses = Array.isArray(item.status) ? item.status : [item.status];
    return named(`status ${statuses.join(' or ')}`, (response) => statuses.includes(response.status));
  }
  const subject: { what: string; read: (response: FlowResponse) => unknown } =
    item.json !== undefined
      ? (() => {
          const path = parseJsonPath(item.json);
          return { what: item.json, read: (response: FlowResponse) => readJsonPath(jsonOf(response), path) };
        })()
      : item.header !== undefined
        ? { what: `header ${item.header}`, read: (response: FlowResponse) => response.headers.get(item.header!.toLowerCase()) }
        : { what: 'body', read: (response: FlowResponse) => response.body.toString() };
  if (item.exists !== undefined) {
    const wanted = item.exists;
    return named(`${subject.what} ${wanted ? 'exists' : 'is absent'}`, (response) => (subject.read(response) !== undefined) === wanted);
  }
  if (item.contains !== undefined) {
    const text = item.contains;
    return named(`${subject.what} contains ${JSON.stringify(text)}`, (response) => String(subject.read(response) ?? '').includes(text));
  }
  const expected = typeof item.equals === 'string' ? compileTemplate(item.equals) : undefined;
  return named(`${subject.what} equals ${typeof item.equals === 'string' ? item.equals : JSON.stringify(item.equals)}`, (response, scope) =>
    same(subject.read(response), expected ? expected.value(scope) : item.equals),
  );
}

/** Equal as JSON, with a number and its text taken as equal (ids come back as either). */
function same(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual === undefined || expected === undefined) return false;
  if (typeof actual !== 'object' && typeof expected !== 'object') return String(actual) === String(expected);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

const parsed = new WeakMap<FlowResponse, unknown>();

/** The body as JSON, parsed once per answer however many captures and checks read it; undefined when it is not JSON. */
export function jsonOf(response: FlowResponse): unknown {
  if (parsed.has(response)) return parsed.get(response);
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString());
  } catch {
    value = undefined;
  }
  parsed.set(response, value);
  return value;
}
