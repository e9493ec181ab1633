/**
 * A mock as chaos-gate.yml and POST /mocks declare it, and a fault added at run time
 * (POST /mocks/{name}/faults, or a chaos experiment's `fault: { mock: … }`).
 *
 *   mock ─┬─ route ─┬─ request    what to match: method, path, query, headers, json
 *         │         ├─ respond    a sequence (`times: N` each; the last repeats)
 *         │         └─ delay, fault, probability, rate_limit   for every response of the route
 *         └─ route …
 *
 * Whatever can be checked before starting is checked here, as an issue at the offending key:
 * a regex that does not compile, a body file that does not exist, an unknown template.
 * Body files resolve from `baseDir`: the config file's folder (the loader passes it), or the
 * control API's working directory for mocks created over HTTP.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { duration, hostPort, name, probability, timerMs } from '../units/fields.js';
import { FAULT_NAMES } from './faults/fault.js';
import { paramsRead, TEMPLATE_HELP, unknownExpressions } from './template.js';

/** A duration string (`250ms`), or a number of milliseconds as Toxiproxy's API writes them. */
export const milliseconds = z.union([timerMs(), duration], { error: 'expected a duration like 250ms or 2s, or a number of milliseconds' });

/** A final status: 1xx are not answers. */
export const statusCode = z
  .number({ error: 'expected an HTTP status code from 200 to 599' })
  .int('expected an HTTP status code from 200 to 599')
  .min(200, 'expected an HTTP status code from 200 to 599')
  .max(599, 'expected an HTTP status code from 200 to 599');

export const times = z.number({ error: 'expected a count of 1 or more' }).int('expected a whole count').min(1, 'expected a count of 1 or more');

export const seed = z.number({ error: 'expected an integer seed' }).int('expected an integer seed');

/** A JavaScript regular expression; the whole value must match it (as WireMock's `matches`). */
const regex = z.string({ error: 'expected a regular expression' }).superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `expected a valid regular expression: ${(error as Error).message}` });
  }
});

export const regexMatcher = z.strictObject({ regex });

/** A query or header value: exactly this text, or `{ regex }`. */
export const valueMatcher = z.union([z.union([z.string(), z.number(), z.boolean()]).transform(String), regexMatcher], {
  error: 'expected a value to equal, or { regex: "…" }',
});

/** An exact path, or a template with `{name}` segments; starts with `/`. */
export const pathText = z
  .string()
  .startsWith('/', 'expected a path starting with /')
  .refine((path) => !/[{}]/.test(path.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '')), {
    message: 'expected a path like /v1/items/{id} (parameters are {letters, digits, _})',
  });

export const requestSchema = z.strictObject({
  /** Any method when omitted. */
  method: z
    .string({ error: 'expected an HTTP method, e.g. POST' })
    .regex(/^[A-Za-z]+$/, 'expected an HTTP method, e.g. POST')
    .transform((method) => method.toUpperCase())
    .optional(),
  /** Any path when omitted. */
  path: z.union([pathText, regexMatcher], { error: 'expected a path (/v1/items or /v1/items/{id}) or { regex: "^/v1/.*" }' }).optional(),
  query: z.record(z.string(), valueMatcher, { error: 'expected a map of query parameters to values' }).optional(),
  headers: z.record(z.string(), valueMatcher, { error: 'expected a map of header names to values' }).optional(),
  /** Fields the JSON body must contain (objects match when they hold these keys; arrays and values match exactly). */
  json: z.record(z.string(), z.unknown(), { error: 'expected a map of JSON body fields to match' }).optional(),
});

export const headersSchema = z.record(z.string(), z.union([z.string(), z.number()]).transform(String), {
  error: 'expected a map of header names to values',
});

const sseEvent = z.union(
  [
    z.string(),
    z.strictObject({
      event: z.string().optional(),
      id: z.string().optional(),
      data: z.unknown().refine((data) => data !== undefined, 'expected data: text or JSON'),
    }),
  ],
  { error: 'expected an event: text, or { event, id, data }' },
);

/** Server-Sent Events, as LLM APIs stream them; `cut_after: N` drops the connection after N events. */
const sseSchema = z
  .strictObject({
    events: z.array(sseEvent, { error: 'expected a list of events' }).min(1, 'expected at least one event'),
    interval: milliseconds.default(0),
    cut_after: z.number().int('expected a whole number of events').min(0, 'expected 0 or more events').optional(),
  })
  .superRefine((sse, ctx) => {
    if (typeof sse.cut_after === 'number' && Array.isArray(sse.events) && sse.cut_after > sse.events.length) {
      ctx.addIssue({ code: 'custom', path: ['cut_after'], message: `expected at most ${sse.events.length} (the number of events)` });
    }
  });

export const delaySchema = z.union(
  [
    milliseconds,
    z.strictObject({ min: milliseconds, max: milliseconds }).refine((d) => d.max >= d.min, { path: ['max'], message: 'expected max ≥ min' }),
    z.strictObject({ median: milliseconds, sigma: z.number({ error: 'expected a positive sigma, e.g. 0.5' }).positive('expected a positive sigma, e.g. 0.5') }),
  ],
  { error: 'expected a delay: a duration (250ms), { min, max } (uniform) or { median, sigma } (lognormal)' },
);

/** The body spread over `duration` in `chunks` writes, as WireMock's chunkedDribbleDelay. */
const dribbleSchema = z.strictObject({
  chunks: z.number({ error: 'expected 2 or more chunks' }).int('expected a whole number of chunks').min(2, 'expected 2 or more chunks'),
  duration: milliseconds,
});

export const rateLimitSchema = z.strictObject({
  rps: z.number({ error: 'expected requests per second, e.g. 5' }).positive('expected requests per second above 0'),
});

const faultName = z.enum(FAULT_NAMES, { error: `expected a fault: ${FAULT_NAMES.join(', ')}` });

/** What happens besides the answer: a delay, a dribbled body, a connection fault (with a probability). */
const behaviourFields = {
  delay: delaySchema.optional(),
  dribble: dribbleSchema.optional(),
  fault: faultName.optional(),
  /** The chance that `fault` happens to a request (in a runtime fault: that the fault applies at all). */
  probability: probability.optional(),
};

const contentFields = {
  headers: headersSchema.optional(),
  json: z.unknown().optional(),
  body: z.string({ error: 'expected the body as text' }).optional(),
  sse: sseSchema.optional(),
};

const BODY_KEYS = ['json', 'body', 'body_file', 'sse'] as const;

type Ctx = z.core.$RefinementCtx;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The checks a response entry and a runtime fault share: one body, known templates, sensible
 * combinations. Zod runs refinements even when a field failed, so each looks before it leaps.
 */
export function checkContent(entry: Record<string, unknown>, ctx: Ctx): void {
  const bodies = BODY_KEYS.filter((key) => entry[key] !== undefined);
  if (bodies.length > 1) ctx.addIssue({ code: 'custom', path: [bodies[1]], message: `expected one body: ${bodies.join(' and ')} both given` });
  if (entry.dribble !== undefined && entry.sse !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['dribble'], message: 'an SSE stream paces itself with `interval`; dribble applies to other bodies' });
  }
  if (typeof entry.body === 'string') checkTemplate(entry.body, ['body'], ctx);
  if (entry.json !== undefined) walkStrings(entry.json, ['json'], (text, path) => checkTemplate(text, path, ctx));
  const headers = entry.headers !== null && typeof entry.headers === 'object' ? (entry.headers as Record<string, unknown>) : {};
  for (const [header, raw] of Object.entries(headers)) {
    const value = String(raw);
    // Node refuses these at write time; say so now, at the key.
    if (!HEADER_NAME.test(header)) ctx.addIssue({ code: 'custom', path: ['headers', header], message: 'expected a header name of letters, digits and -' });
    else if (!HEADER_VALUE.test(value)) ctx.addIssue({ code: 'custom', path: ['headers', header], message: 'expected a header value on one line' });
    else checkTemplate(value, ['headers', header], ctx);
  }
}

function checkTemplate(text: string, path: PropertyKey[], ctx: Ctx): void {
  for (const expression of unknownExpressions(text)) {
    ctx.addIssue({ code: 'custom', path, message: `unknown template ${expression}; ${TEMPLATE_HELP}` });
  }
}

function walkStrings(value: unknown, path: PropertyKey[], visit: (text: string, path: PropertyKey[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, [...path, i], visit));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
}

function checkProbability(entry: { fault?: unknown; probability?: unknown }, ctx: Ctx): void {
  if (entry.probability !== undefined && entry.fault === undefined) {
    ctx.addIssue({ code: 'custom', path: ['probability'], message: 'probability is the chance of `fault`; add fault: reset, empty, …' });
  }
}

/** A body file, resolved from `baseDir` to an absolute path; it must exist as a regular file now (it is read when the mock starts). */
const bodyFile = (baseDir: string) =>
  z.string({ error: 'expected a file path' }).transform((file, ctx) => {
    const path = resolve(baseDir, file);
    let isFile: boolean;
    try {
      isFile = statSync(path).isFile();
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an existing file; ${path} does not exist` });
      return z.NEVER;
    }
    if (!isFile) {
      ctx.addIssue({ code: 'custom', message: `expected a file; ${path} is not a regular file` });
      return z.NEVER;
    }
    return path;
  });

/** One answer of a route's sequence: status, headers, one body (json, body, body_file or sse), behaviours. */
export const responseEntrySchema = (baseDir: string) =>
  z
    .strictObject({
      status: statusCode.default(200),
      ...contentFields,
      body_file: bodyFile(baseDir).optional(),
      /** How many requests this entry answers before the next; the last entry repeats. */
      times: times.optional(),
      ...behaviourFields,
    })
    .superRefine((entry, ctx) => {
      checkContent(entry, ctx);
      checkProbability(entry, ctx);
    });

const respondSchema = (baseDir: string) =>
  z
    .union([z.array(responseEntrySchema(baseDir)).min(1, 'expected at least one response'), responseEntrySchema(baseDir)], {
      error: 'expected a response ({ status, json }) or a list of them',
    })
    .transform((respond) => (Array.isArray(respond) ? respond : [respond]));

export const routeSchema = (baseDir: string) =>
  z
    .strictObject({
      /** For the journal and for targeting faults; default `METHOD /path`. */
      name: z.string({ error: 'expected a route name' }).min(1, 'expected a route name').optional(),
      request: requestSchema.default({}),
      respond: respondSchema(baseDir),
      ...behaviourFields,
      /** Past this rate the route answers 429 with Retry-After. */
      rate_limit: rateLimitSchema.optional(),
    })
    .superRefine((route, ctx) => {
      checkProbability(route, ctx);
      if (!Array.isArray(route.respond)) return;
      const known = pathParams(route.request?.path);
      route.respond.forEach((entry, i) => {
        if (entry === null || typeof entry !== 'object') return;
        const texts = [typeof entry.body === 'string' ? entry.body : '', ...Object.values(entry.headers ?? {}).map(String)];
        if (entry.json !== undefined) walkStrings(entry.json, [], (text) => texts.push(text));
        for (const param of texts.flatMap(paramsRead)) {
          if (!known.includes(param)) {
            const has = known.length > 0 ? `the path has ${known.map((k) => `{${k}}`).join(', ')}` : 'the path has no parameters';
            ctx.addIssue({ code: 'custom', path: ['respond', i], message: `{{request.params.${param}}} is not a path parameter; ${has}` });
          }
        }
      });
    });

/** Parameter names of a path template (`{id}`) or a regex's named groups (`(?<id>…)`). */
function pathParams(path: string | { regex: string } | undefined): string[] {
  if (typeof path !== 'string' && typeof path?.regex !== 'string') return [];
  const pattern = typeof path === 'string' ? /\{([A-Za-z_][A-Za-z0-9_]*)\}/g : /\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g;
  return [...(typeof path === 'string' ? path : path.regex).matchAll(pattern)].map(([, param]) => param);
}

/**
 * `{ file: mocks/billing.yml }`: a mock kept in a file of its own (what `chaos-gate record` writes),
 * its keys under the entry's (so `listen:` beside `file:` wins); its body files resolve from its folder.
 */
const mockFile = (baseDir: string) => (value: unknown, ctx: z.core.$RefinementCtx) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('file' in value)) return value;
  const { file, ...rest } = value as Record<string, unknown>;
  if (typeof file !== 'string') {
    ctx.addIssue({ code: 'custom', path: ['file'], message: 'expected the path of a mock file' });
    return z.NEVER;
  }
  const path = resolve(baseDir, file);
  let loaded: unknown;
  try {
    loaded = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    ctx.addIssue({ code: 'custom', path: ['file'], message: `cannot read the mock file ${path}: ${code ?? (error as Error).message.split('\n')[0]}` });
    return z.NEVER;
  }
  if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
    ctx.addIssue({ code: 'custom', path: ['file'], message: `expected ${path} to hold a mock: name, listen, routes` });
    return z.NEVER;
  }
  const routes = (loaded as { routes?: unknown }).routes;
  if (Array.isArray(routes)) {
    for (const route of routes) {
      const respond = (route as { respond?: unknown })?.respond;
      for (const entry of Array.isArray(respond) ? respond : [respond]) {
        if (entry && typeof entry === 'object' && typeof (entry as { body_file?: unknown }).body_file === 'string') {
          (entry as { body_file: string }).body_file = resolve(dirname(path), (entry as { body_file: string }).body_file);
        }
      }
    }
  }
  return { ...(loaded as Record<string, unknown>), ...rest };
};

/** A mock HTTP service; `mocks: z.array(mockSchema(configDir))` in the config. */
export const mockSchema = (baseDir: string) => z.preprocess(mockFile(baseDir), mockObjectSchema(baseDir));

const mockObjectSchema = (baseDir: string) =>
  z
    .strictObject({
      name,
      /** `host:port`; port 0 picks a free one. */
      listen: hostPort,
      routes: z.array(routeSchema(baseDir), { error: 'expected a list of routes' }),
      /** Seeds every random choice of this mock (probabilities, random delays, garbage bytes). */
      seed: seed.default(1),
    })
    .superRefine((mock, ctx) => {
      if (!Array.isArray(mock.routes)) return;
      const seen = new Map<string, number>();
      mock.routes.forEach((route, i) => {
        if (typeof route?.name !== 'string') return;
        const first = seen.get(route.name);
        if (first === undefined) seen.set(route.name, i);
        else ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `duplicate route name "${route.name}" (also routes[${first}])` });
      });
    });

/**
 * A fault switched on at run time, for one route (`route`: its name or index) or the whole mock.
 * It applies to a request with `probability`, for `times` requests at most, and then either
 * answers instead of the route (when it has a status or a body, or past its `rate_limit`) or
 * changes how the route answers (`delay`, `dribble`, `fault`).
 */
export const mockFaultSchema = z
  .strictObject({
    route: z.union([z.string().min(1), z.number().int().min(0)], { error: 'expected a route name or index' }).optional(),
    status: statusCode.optional(),
    ...contentFields,
    ...behaviourFields,
    rate_limit: rateLimitSchema.optional(),
    times: times.optional(),
    seed: seed.optional(),
  })
  .superRefine((fault, ctx) => {
    checkContent(fault, ctx);
    const effects = ['status', 'headers', ...BODY_KEYS, 'delay', 'dribble', 'fault', 'rate_limit'] as const;
    if (!effects.some((key) => (fault as Record<string, unknown>)[key] !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected an effect: status, json, body, sse, delay, dribble, fault or rate_limit' });
    }
    if (fault.rate_limit !== undefined) {
      const clash = ['status', 'headers', 'json', 'body', 'sse', 'dribble', 'fault'].find((key) => (fault as Record<string, unknown>)[key] !== undefined);
      if (clash) ctx.addIssue({ code: 'custom', path: [clash], message: 'rate_limit answers 429 past the rate; it combines with delay only' });
    }
  });

export type MockDefinition = z.output<ReturnType<typeof mockObjectSchema>>;
export type MockDefinitionInput = z.input<ReturnType<typeof mockObjectSchema>>;
export type RouteDefinition = MockDefinition['routes'][number];
export type RequestDefinition = RouteDefinition['request'];
export type ResponseEntry = RouteDefinition['respond'][number];
export type SseDefinition = NonNullable<ResponseEntry['sse']>;
export type MockFault = z.output<typeof mockFaultSchema>;
export type ValueMatcher = z.output<typeof valueMatcher>;
