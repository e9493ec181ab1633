/**
 * A route's request matcher, compiled once: method, path (exact, `{param}` template or regex),
 * query, headers and JSON body fields. `match` is the hot path; `mismatches` explains a miss
 * for the 404's list of closest routes.
 */
import type { MockRequest } from './request.js';
import type { RequestDefinition, ValueMatcher } from './schema.js';

type Params = Readonly<Record<string, string>>;

const NO_PARAMS: Params = Object.freeze({});

/** Exactly this text, or a regex the whole value must match. */
interface ValueTest {
  test(value: string): boolean;
  readonly shown: string;
}

export class RequestMatcher {
  /** What the route matches, e.g. `POST /v1/items/{id}` (a route's default name). */
  readonly label: string;
  /** The path when it is a plain one (no parameters, no regex), for the route table's index. */
  readonly exactPath?: string;
  /** The path as written, to measure how close a missed request came. */
  readonly pathShown: string;
  private readonly method?: string;
  private readonly pattern?: RegExp;
  private readonly query: [string, ValueTest][];
  private readonly headers: [string, ValueTest][];
  private readonly json?: Record<string, unknown>;

  constructor(definition: RequestDefinition) {
    const { method, path } = definition;
    this.method = method;
    if (typeof path === 'string' && !path.includes('{')) this.exactPath = path;
    else if (typeof path === 'string') this.pattern = templatePattern(path);
    else if (path) this.pattern = new RegExp(`^(?:${path.regex})$`);
    this.pathShown = path === undefined ? '*' : typeof path === 'string' ? path : `~${path.regex}`;
    this.label = `${method ?? 'ANY'} ${this.pathShown}`;
    this.query = Object.entries(definition.query ?? {}).map(([name, value]) => [name, valueTest(value)]);
    this.headers = Object.entries(definition.headers ?? {}).map(([name, value]) => [name.toLowerCase(), valueTest(value)]);
    this.json = definition.json;
  }

  /** The path parameters when the request matches (empty when the path has none), else undefined. */
  match(request: MockRequest): Params | undefined {
    if (this.method !== undefined && request.method !== this.method) return undefined;
    let params = NO_PARAMS;
    if (this.exactPath !== undefined) {
      if (request.path !== this.exactPath) return undefined;
    } else if (this.pattern) {
      const found = this.pattern.exec(request.path);
      if (!found) return undefined;
      if (found.groups) params = decodeParams(found.groups);
    }
    for (let i = 0; i < this.query.length; i++) {
      const value = request.query.get(this.query[i][0]);
      if (value === null || !this.query[i][1].test(value)) return undefined;
    }
    for (let i = 0; i < this.headers.length; i++) {
      const value = request.header(this.headers[i][0]);
      if (value === undefined || !this.headers[i][1].test(value)) return undefined;
    }
    if (this.json !== undefined && jsonDifference(request.json, this.json, 'json') !== undefined) return undefined;
    return params;
  }

  /** Why a request does not match, one line per differing part; empty when it matches. */
  mismatches(request: MockRequest): string[] {
    const out: string[] = [];
    if (this.method !== undefined && request.method !== this.method) out.push(`method: expected ${this.method}, got ${request.method}`);
    const pathMatches = this.exactPath !== undefined ? request.path === this.exactPath : (this.pattern?.test(request.path) ?? true);
    if (!pathMatches) out.push(`path: expected ${this.pathShown}, got ${request.path}`);
    for (const [name, test] of this.query) {
      const value = request.query.get(name);
      if (value === null || !test.test(value)) out.push(`query.${name}: expected ${test.shown}, got ${value === null ? 'none' : JSON.stringify(value)}`);
    }
    for (const [name, test] of this.headers) {
      const value = request.header(name);
      if (value === undefined || !test.test(value))
        out.push(`headers.${name}: expected ${test.shown}, got ${value === undefined ? 'none' : JSON.stringify(value)}`);
    }
    if (this.json !== undefined) {
      const difference = jsonDifference(request.json, this.json, 'json');
      if (difference) out.push(request.json === undefined ? 'json: expected a JSON body' : difference);
    }
    return out;
  }
}

/** `/v1/items/{id}` → `^/v1/items/(?<id>[^/]+)$`, the rest escaped. */
function templatePattern(path: string): RegExp {
  const source = path
    .split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
    .map((part) => (part.startsWith('{') ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function decodeParams(groups: Record<string, string | undefined>): Params {
  const params: Record<string, string> = {};
  for (const key in groups) {
    const value = groups[key] ?? '';
    try {
      params[key] = decodeURIComponent(value);
    } catch {
      params[key] = value;
    }
  }
  return params;
}

function valueTest(matcher: ValueMatcher): ValueTest {
  if (typeof matcher === 'string') return { test: (value) => value === matcher, shown: JSON.stringify(matcher) };
  const pattern = new RegExp(`^(?:${matcher.regex})$`);
  return { test: (value) => pattern.test(value), shown: `/${matcher.regex}/` };
}

/**
 * The first place where `actual` does not contain `expected`, as `json.a.b: expected …, got …`;
 * undefined when it does. Objects match when they hold the expected keys (extra keys are fine);
 * arrays and plain values match exactly (arrays element by element with the same rule).
 */
export function jsonDifference(actual: unknown, expected: unknown, at: string): string | undefined {
  if (expected !== null && typeof expected === 'object') {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: expected ${short(expected)}, got ${short(actual)}`;
      for (let i = 0; i < expected.length; i++) {
        const difference = jsonDifference(actual[i], expected[i], `${at}[${i}]`);
        if (difference) return difference;
      }
      return undefined;
    }
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: expected an object, got ${short(actual)}`;
    for (const key in expected) {
      const difference = jsonDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${at}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${at}: expected ${short(expected)}, got ${short(actual)}`;
}

function short(value: unknown): string {
  if (value === undefined) return 'none';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
