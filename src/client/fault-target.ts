/**
 * What mocks and HTTP proxies share over the API: faults on and off by id, reset, and the request
 * journal (list, count, wait for and clear what they received).
 */
import type { JournalFilter } from '../wire/mock.js';
import type { ApiHttp } from './http.js';

export type { JournalFilter } from '../wire/mock.js';

/** One request a mock or an HTTP proxy received, with what answered it. */
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
  /** A mock's connection fault, or an HTTP proxy fault's kind (`status`, `delay`, …). */
  fault: string | null;
  /** An HTTP proxy's exchange only: the fault's id, the whole exchange's and the upstream's time, bytes sent back, what went wrong. */
  fault_id?: string | null;
  duration_ms?: number;
  upstream_ms?: number | null;
  response_bytes?: number;
  error?: string | null;
}

interface JournalPage {
  count: number;
  total: number;
  /** Entries no longer kept (past the journal's entry or byte limit). */
  dropped: number;
  requests: JournalEntry[];
  /** The `after` of the next page; null on the last. */
  next: number | null;
}

/** What a mock and an HTTP proxy share over the API: faults by id, reset, and the journal. */
export class FaultTargetClient<FaultInput, FaultInfo> {
  constructor(
    protected readonly http: ApiHttp,
    readonly name: string,
    protected readonly base: string,
    private readonly kind: string,
  ) {}

  /** Switches a fault on; resolves with it (its `id` switches it off). */
  addFault(fault: FaultInput): Promise<FaultInfo> {
    return this.http.request<FaultInfo>('POST', `${this.base}/faults`, fault);
  }

  faults(): Promise<FaultInfo[]> {
    return this.http.request<FaultInfo[]>('GET', `${this.base}/faults`);
  }

  async removeFault(id: string): Promise<void> {
    await this.http.request('DELETE', `${this.base}/faults/${encodeURIComponent(id)}`);
  }

  /** Switches every fault off. */
  async clearFaults(): Promise<void> {
    await this.http.request('DELETE', `${this.base}/faults`);
  }

  async reset(): Promise<void> {
    await this.http.request('POST', `${this.base}/reset`);
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
    if (page.count < count) throw new Error(`${this.kind} ${this.name}: ${page.count} of ${count} requests${describe(filter)} after ${timeoutMs}ms`);
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
