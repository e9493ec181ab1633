/**
 * The mock calls of the typed client: switch faults on and off, read and count the request
 * journal, reset. For tests that assert "the client retried exactly twice":
 *
 *   const llm = new MockClient(http, 'llm');
 *   await llm.addFault({ route: 'chat', status: 503, times: 2 });
 *   … exercise the system under test …
 *   expect(await llm.count({ route: 'chat' })).toBe(3);
 */
import type { JournalFilter } from '../wire/mock.js';
import type { ApiHttp } from './http.js';

/** A duration: `250ms`, `2s`, or a number of milliseconds. */
export type Duration = string | number;

export type MockFaultKind = 'reset' | 'empty' | 'malformed' | 'random_then_close' | 'hang';

export interface SseEvent {
  event?: string;
  id?: string;
  data: unknown;
}

/** A fault switched on at run time (the body of POST /mocks/{name}/faults). */
export interface MockFaultInput {
  /** A route's name or index; the whole mock (unmatched requests too) when omitted. */
  route?: string | number;
  /** Answer with this instead of the route (200 when only a body is given). */
  status?: number;
  headers?: Record<string, string | number>;
  json?: unknown;
  body?: string;
  sse?: { events: (string | SseEvent)[]; interval?: Duration; cut_after?: number };
  /** Fixed, `{ min, max }` uniform, or `{ median, sigma }` lognormal. */
  delay?: Duration | { min: Duration; max: Duration } | { median: Duration; sigma: number };
  dribble?: { chunks: number; duration: Duration };
  fault?: MockFaultKind;
  /** Past this rate the mock answers 429 with Retry-After. */
  rate_limit?: { rps: number };
  /** The chance (0..1) that the fault applies to a request; default 1. */
  probability?: number;
  /** The fault applies to this many requests, then no more. */
  times?: number;
  seed?: number;
}

/** An injected fault as the API shows it: its definition (durations in ms), id and use. */
export type MockFaultInfo = Omit<MockFaultInput, 'delay' | 'dribble'> & {
  id: string;
  delay?: number | { min: number; max: number } | { median: number; sigma: number };
  dribble?: { chunks: number; duration: number };
  /** Requests it has taken. */
  applied: number;
  /** Requests it will still take; null when unlimited. */
  remaining: number | null;
};

export interface MockRouteInfo {
  index: number;
  name: string;
  /** What it matches, e.g. `POST /v1/chat/completions`. */
  request: string;
  responses: number;
  /** Which response answers next (0-based). */
  next: number;
  matched: number;
}

export interface MockInfo {
  name: string;
  /** The bound `host:port`. */
  listen: string;
  url: string;
  seed: number;
  routes: MockRouteInfo[];
  faults: MockFaultInfo[];
  /** Requests received since the last reset. */
  requests: number;
}

/** One request the mock received, with what answered it. */
export interface JournalEntry {
  seq: number;
  /** ISO time its answer was decided. */
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  /** The body, or its first 64 KiB when longer (then `body_sha256` is set). */
  body: string;
  /** The whole body's length in bytes. */
  body_bytes: number;
  /** The whole body's SHA-256 (hex) when `body` is only its first bytes; null otherwise. */
  body_sha256: string | null;
  /** The matched route's name; null when none matched (answered 404). */
  route: string | null;
  /** The status sent; null when a fault sent none. */
  status: number | null;
  fault: MockFaultKind | null;
}

export type { JournalFilter } from '../wire/mock.js';

interface JournalPage {
  count: number;
  total: number;
  /** Entries no longer kept (past the journal's entry or byte limit). */
  dropped: number;
  requests: JournalEntry[];
  /** The `after` of the next page; null on the last. */
  next: number | null;
}

export class MockClient {
  private readonly base: string;

  constructor(
    private readonly http: ApiHttp,
    readonly name: string,
  ) {
    this.base = `/mocks/${encodeURIComponent(name)}`;
  }

  /** Routes with their match counts, active faults, URL. */
  info(): Promise<MockInfo> {
    return this.http.request<MockInfo>('GET', this.base);
  }

  /** Switches a fault on; resolves with it (its `id` switches it off). */
  addFault(fault: MockFaultInput): Promise<MockFaultInfo> {
    return this.http.request<MockFaultInfo>('POST', `${this.base}/faults`, fault);
  }

  faults(): Promise<MockFaultInfo[]> {
    return this.http.request<MockFaultInfo[]>('GET', `${this.base}/faults`);
  }

  async removeFault(id: string): Promise<void> {
    await this.http.request('DELETE', `${this.base}/faults/${encodeURIComponent(id)}`);
  }

  /** Switches every injected fault off. */
  async clearFaults(): Promise<void> {
    await this.http.request('DELETE', `${this.base}/faults`);
  }

  /** Journal entries matching the filter, oldest first. */
  async requests(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    return this.rest(await this.http.request<JournalPage>('GET', `${this.base}/requests${queryString(filter)}`), filter);
  }

  /** How many journal entries match the filter. */
  async count(filter: JournalFilter = {}): Promise<number> {
    return (await this.http.request<JournalPage>('GET', `${this.base}/requests${queryString(filter)}`)).count;
  }

  /** Waits until `count` entries match (up to `timeoutMs`, max 60000); rejects when fewer arrived. */
  async waitForRequests(count: number, filter: JournalFilter = {}, timeoutMs = 5000): Promise<JournalEntry[]> {
    const page = await this.http.request<JournalPage>('GET', `${this.base}/requests${queryString(filter, { wait: count, timeout: timeoutMs })}`);
    if (page.count < count) throw new Error(`mock ${this.name}: ${page.count} of ${count} requests${describe(filter)} after ${timeoutMs}ms`);
    return this.rest(page, filter);
  }

  /** The journal comes in pages (up to 1000 entries or 8 MB each): this page's entries and every following page's. */
  private async rest(first: JournalPage, filter: JournalFilter): Promise<JournalEntry[]> {
    const entries = [...first.requests];
    for (let page = first; page.next !== null;) {
      page = await this.http.request<JournalPage>('GET', `${this.base}/requests${queryString(filter, { after: page.next })}`);
      entries.push(...page.requests);
    }
    return entries;
  }

  async clearRequests(): Promise<void> {
    await this.http.request('DELETE', `${this.base}/requests`);
  }

  /** Injected faults off, sequences back to their first response, journal cleared. */
  async reset(): Promise<void> {
    await this.http.request('POST', `${this.base}/reset`);
  }
}

function queryString(filter: JournalFilter, extra: Record<string, number> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function describe(filter: JournalFilter): string {
  const parts = Object.entries(filter).filter(([, v]) => v !== undefined);
  return parts.length ? ` with ${parts.map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
}
