/**
 * Response templating from the request, in WireMock's spirit: `{{request.params.id}}`,
 * `{{request.headers.x-request-id}}`, `{{request.query.page}}`, `{{request.json.model}}`,
 * `{{request.method}}`, `{{request.path}}`, `{{request.body}}`. Compiled once; a text
 * without `{{` is not a template and costs nothing per request.
 */
import type { MockRequest } from './request.js';

type Getter = (request: MockRequest) => unknown;

const EXPRESSION = /\{\{\s*(.*?)\s*\}\}/g;

const GETTERS: [RegExp, (name: string) => Getter][] = [
  [/^request\.method$/, () => (r) => r.method],
  [/^request\.path$/, () => (r) => r.path],
  [/^request\.body$/, () => (r) => r.body],
  [/^request\.params\.([A-Za-z_][A-Za-z0-9_]*)$/, (name) => (r) => r.params[name]],
  [/^request\.query\.(.+)$/, (name) => (r) => r.query.get(name) ?? undefined],
  [/^request\.headers\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/, (name) => (r) => r.header(name.toLowerCase())],
  [/^request\.json((?:\.[^.]+)*)$/, (path) => jsonGetter(path.split('.').slice(1))],
];

export const TEMPLATE_HELP =
  'expected {{request.params.NAME}}, {{request.query.NAME}}, {{request.headers.NAME}}, {{request.json.PATH}}, {{request.method}}, {{request.path}} or {{request.body}}';

/** How a value lands in the output: as it is (text) or escaped inside a JSON string. */
export type TemplateMode = 'text' | 'json';

export interface Template {
  render(request: MockRequest): string;
}

/** The `{{…}}` expressions of a text that are not known, for the schema's messages. */
export function unknownExpressions(text: string): string[] {
  return [...text.matchAll(EXPRESSION)].filter(([, expression]) => !getter(expression)).map(([whole]) => whole);
}

/** Path parameter names a text reads with `{{request.params.NAME}}`. */
export function paramsRead(text: string): string[] {
  return [...text.matchAll(/\{\{\s*request\.params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map(([, name]) => name);
}

/** A template for a text, or undefined when the text has no `{{…}}` (then it is sent as it is). */
export function compileTemplate(text: string, mode: TemplateMode): Template | undefined {
  const statics: string[] = [];
  const getters: Getter[] = [];
  let last = 0;
  for (const match of text.matchAll(EXPRESSION)) {
    const get = getter(match[1]);
    if (!get) continue;
    statics.push(text.slice(last, match.index));
    getters.push(get);
    last = match.index + match[0].length;
  }
  if (getters.length === 0) return undefined;
  statics.push(text.slice(last));
  const escape = mode === 'json' ? (s: string) => JSON.stringify(s).slice(1, -1) : (s: string) => s;
  return {
    render(request) {
      let out = statics[0];
      for (let i = 0; i < getters.length; i++) out += escape(asText(getters[i](request))) + statics[i + 1];
      return out;
    },
  };
}

function getter(expression: string): Getter | undefined {
  for (const [pattern, make] of GETTERS) {
    const match = pattern.exec(expression);
    if (match) return make(match[1] ?? '');
  }
  return undefined;
}

function jsonGetter(path: string[]): Getter {
  return (request) => {
    let value: unknown = request.json;
    for (const key of path) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  };
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
