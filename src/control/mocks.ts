/**
 * The control API over the mocks:
 *
 *   GET    /mocks                          every mock, by name
 *   POST   /mocks                          create one (the chaos-gate.yml shape; body files from the API's working directory)
 *   GET    /mocks/{name}                   its routes (match counts, next response) and faults
 *   DELETE /mocks/{name}                   close it
 *   POST   /mocks/{name}/reset             injected faults removed, sequences and journal reset
 *   GET    /mocks/{name}/faults            the injected faults
 *   POST   /mocks/{name}/faults            switch a fault on → { id, … }
 *   DELETE /mocks/{name}/faults[/{id}]     switch one, or all, off
 *   GET    /mocks/{name}/requests          the journal; ?method=&path=&route=&status=&matched= filter it,
 *                                          ?wait=N&timeout=MS waits until N entries match,
 *                                          ?after=SEQ&limit=N pages it (`next` is the following page's `after`)
 *   DELETE /mocks/{name}/requests          clear the journal
 */
import type { z } from 'zod';
import type { InjectedFault } from '../mock/injected.js';
import type { Journal, JournalEntry, JournalFilter } from '../mock/journal.js';
import type { MockRegistry } from '../mock/registry.js';
import { mockFaultSchema, mockSchema } from '../mock/schema.js';
import type { MockServer } from '../mock/server.js';
import { ApiError } from './errors.js';
import { listenGuard, type ListenGuard } from './listen-guard.js';
import type { ApiRequest, ApiResponse, Router } from './router.js';

const DEFAULT_WAIT_MS = 5000;
/** A page of the journal holds at most this many entries, and about this many bytes of bodies and headers (at least one entry). */
const PAGE_ENTRIES = 1000;
const PAGE_BYTES = 8 << 20;
const MAX_WAIT_MS = 60_000;

export function mockRoutes(router: Router, mocks: MockRegistry, checkListen: ListenGuard = listenGuard(false)): void {
  const mock = (req: ApiRequest) => mocks.require(req.params.name);

  router.add('GET', '/mocks', () => ({ status: 200, json: Object.fromEntries(mocks.list().map((m) => [m.name, mockView(m)])) }));

  router.add('POST', '/mocks', async (req) => {
    const definition = parse(mockSchema(process.cwd()), req.body);
    checkListen(definition.listen, 'listen');
    return { status: 201, json: mockView(await mocks.create(definition)) };
  });

  router.add('GET', '/mocks/{name}', (req) => ({ status: 200, json: mockView(mock(req)) }));

  router.add('DELETE', '/mocks/{name}', async (req) => {
    await mocks.remove(mock(req).name);
    return { status: 204 };
  });

  router.add('POST', '/mocks/{name}/reset', (req) => {
    const target = mock(req);
    // Through the registry's faults too, so their expiry timers go with them.
    for (const fault of [...target.faults]) mocks.removeFault(target.name, fault.id);
    target.reset();
    return { status: 204 };
  });

  router.add('GET', '/mocks/{name}/faults', (req) => ({ status: 200, json: mock(req).faults.map(faultView) }));

  router.add('POST', '/mocks/{name}/faults', (req) => {
    const target = mock(req);
    const id = mocks.addFault(target.name, parse(mockFaultSchema, req.body));
    return { status: 200, json: faultView(target.faults.find((f) => f.id === id)!) };
  });

  router.add('DELETE', '/mocks/{name}/faults', (req) => {
    const target = mock(req);
    for (const fault of [...target.faults]) mocks.removeFault(target.name, fault.id);
    return { status: 204 };
  });

  router.add('DELETE', '/mocks/{name}/faults/{id}', (req) => {
    if (!mocks.removeFault(req.params.name, req.params.id)) throw ApiError.notFound(`fault "${req.params.id}" of mock "${req.params.name}"`);
    return { status: 204 };
  });

  router.add('GET', '/mocks/{name}/requests', (req) => journalPage(mock(req).journal, req.query));

  router.add('DELETE', '/mocks/{name}/requests', (req) => {
    mock(req).journal.clear();
    return { status: 204 };
  });
}

/** A mock as the API shows it. */
export function mockView(mock: MockServer) {
  return {
    name: mock.name,
    listen: mock.address,
    url: mock.url,
    seed: mock.definition.seed,
    routes: mock.routes.map((route) => ({
      index: route.index,
      name: route.name,
      request: route.matcher.label,
      responses: route.definition.respond.length,
      next: route.upcoming,
      matched: route.matched,
    })),
    faults: mock.faults.map(faultView),
    requests: mock.journal.total,
  };
}

/** An injected fault as the API shows it: its definition (durations in ms), id and use. */
export function faultView(fault: InjectedFault) {
  return { id: fault.id, ...fault.definition, applied: fault.applied, remaining: fault.remaining ?? null };
}

/** A journal entry as the API shows it. */
export function entryView(entry: JournalEntry) {
  const { request } = entry;
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(request.rawQuery)) {
    const previous = query[key];
    query[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return {
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    method: request.method,
    path: request.path,
    query,
    headers: request.headers,
    body: request.body,
    body_bytes: request.bodyBytes,
    // Set when `body` is only the first bytes of the body (the journal keeps 64 KiB of each).
    body_sha256: request.bodySha256 ?? null,
    route: entry.route ?? null,
    status: entry.status ?? null,
    fault: entry.fault ?? null,
    ...(entry.exchange && {
      fault_id: entry.exchange.faultId ?? null,
      duration_ms: round(entry.exchange.durationMs),
      upstream_ms: entry.exchange.upstreamMs === undefined ? null : round(entry.exchange.upstreamMs),
      response_bytes: entry.exchange.responseBytes,
      error: entry.exchange.error ?? null,
    }),
  };
}

/** `GET …/requests`: the journal filtered, waited for and paged (the mocks' and the HTTP proxies'). */
export async function journalPage(journal: Journal, query: URLSearchParams): Promise<ApiResponse> {
  const filter = journalFilter(query);
  const wait = optionalInteger(query, 'wait');
  const after = optionalInteger(query, 'after') ?? 0;
  const limit = Math.min(optionalInteger(query, 'limit') ?? PAGE_ENTRIES, PAGE_ENTRIES);
  if (limit < 1) throw ApiError.badField('limit', 'expected a whole number ≥ 1');
  const entries =
    wait === undefined
      ? journal.list(filter)
      : await journal.waitFor(wait, filter, Math.min(optionalInteger(query, 'timeout') ?? DEFAULT_WAIT_MS, MAX_WAIT_MS));
  const { requests, next } = page(entries, after, limit);
  return { status: 200, json: { count: entries.length, total: journal.total, dropped: journal.dropped, requests: requests.map(entryView), next } };
}

/** The entries after seq `after`, up to `limit` and PAGE_BYTES; `next` is the `after` of the following page, null on the last. */
function page(entries: JournalEntry[], after: number, limit: number): { requests: JournalEntry[]; next: number | null } {
  const requests: JournalEntry[] = [];
  let bytes = 0;
  let i = entries.findIndex((entry) => entry.seq > after);
  if (i < 0) return { requests, next: null };
  for (; i < entries.length && requests.length < limit; i++) {
    const size = entrySize(entries[i]);
    if (requests.length > 0 && bytes + size > PAGE_BYTES) break;
    requests.push(entries[i]);
    bytes += size;
  }
  return { requests, next: i < entries.length ? requests[requests.length - 1].seq : null };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function entrySize({ request }: JournalEntry): number {
  return request.body.length + request.path.length + request.rawQuery.length + JSON.stringify(request.headers).length;
}

function journalFilter(query: URLSearchParams): JournalFilter {
  const matched = query.get('matched');
  if (matched !== null && matched !== 'true' && matched !== 'false') throw ApiError.badField('matched', 'expected true or false');
  return {
    method: query.get('method')?.toUpperCase(),
    path: query.get('path') ?? undefined,
    route: query.get('route') ?? undefined,
    status: optionalInteger(query, 'status'),
    matched: matched === null ? undefined : matched === 'true',
  };
}

function optionalInteger(query: URLSearchParams, key: string): number | undefined {
  const text = query.get(key);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw ApiError.badField(key, `expected a whole number, got "${text}"`);
  return Number(text);
}

/** Validates a body; the first problem becomes a 400 naming its field, e.g. `routes[0].respond: …`. */
export function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = innermost(result.error.issues[0]);
  const unknownKey = issue.code === 'unrecognized_keys';
  const path = unknownKey ? [...issue.path, issue.keys[0]] : issue.path;
  const field = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
  const message = unknownKey ? 'unknown key' : issue.message.replace(/^Invalid (?:input|option|value): /, '');
  throw field ? ApiError.badField(field, message) : ApiError.bad(message);
}

/** A union's issue is told by the branch that matched the value's shape, as the config loader does. */
function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const shaped = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (shaped.length !== 1) return issue;
  const inner = shaped[0][0];
  return innermost({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
}
