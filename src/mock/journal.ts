/**
 * The request journal: every request a mock received, matched or not, with what answered it.
 * Tests read it to assert "the client retried exactly twice" or "fell over to the second
 * provider". It keeps the latest LIMIT entries (a load stage can send millions); `total`
 * counts them all since the last clear.
 */
import type { FaultName } from './faults/fault.js';
import type { MockRequest } from './request.js';

export interface JournalEntry {
  /** 1, 2, … since the last clear. */
  seq: number;
  /** Epoch milliseconds when its answer was decided (a delay or a hang comes after). */
  at: number;
  request: MockRequest;
  /** The matched route's name; undefined when none matched (answered 404). */
  route?: string;
  /** The status sent; undefined when a fault sent none. */
  status?: number;
  fault?: FaultName;
}

/** Which entries to list or count; every given field must match. */
export interface JournalFilter {
  method?: string;
  /** The path exactly, without the query. */
  path?: string;
  route?: string;
  status?: number;
  /** true: only requests some route matched; false: only unmatched ones. */
  matched?: boolean;
}

const LIMIT = 10_000;

interface Waiter {
  filter: JournalFilter;
  count: number;
  seen: number;
  resolve: () => void;
}

export class Journal {
  /** Entries recorded since the last clear (including those no longer kept). */
  total = 0;
  private readonly ring: JournalEntry[] = [];
  private readonly waiters = new Set<Waiter>();

  /** Records one request when its answer is decided (before any delay); `at` in epoch ms. */
  record(at: number, request: MockRequest, route: string | undefined, status: number | undefined, fault: FaultName | undefined): void {
    const entry: JournalEntry = { seq: ++this.total, at, request, route, status, fault };
    if (this.ring.length < LIMIT) this.ring.push(entry);
    else this.ring[(entry.seq - 1) % LIMIT] = entry;
    if (this.waiters.size > 0) this.wake(entry);
  }

  /** Kept entries matching the filter, oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const start = this.ring.length < LIMIT ? 0 : this.total % LIMIT;
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const entry = this.ring[(start + i) % this.ring.length];
      if (matches(entry, filter)) out.push(entry);
    }
    return out;
  }

  /** Resolves once `count` entries match the filter, or after `timeoutMs` (then with fewer): the caller checks. */
  async waitFor(count: number, filter: JournalFilter, timeoutMs: number): Promise<JournalEntry[]> {
    const seen = this.list(filter).length;
    if (seen < count) {
      await new Promise<void>((resolve) => {
        const waiter: Waiter = { filter, count, seen, resolve: () => undefined };
        const timer = setTimeout(() => waiter.resolve(), timeoutMs);
        waiter.resolve = () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
      });
    }
    return this.list(filter);
  }

  clear(): void {
    this.ring.length = 0;
    this.total = 0;
    for (const waiter of this.waiters) waiter.seen = 0;
  }

  /** Lets every waiter return now (the mock is closing). */
  release(): void {
    for (const waiter of this.waiters) waiter.resolve();
  }

  private wake(entry: JournalEntry): void {
    for (const waiter of this.waiters) {
      if (matches(entry, waiter.filter) && ++waiter.seen >= waiter.count) waiter.resolve();
    }
  }
}

function matches(entry: JournalEntry, filter: JournalFilter): boolean {
  return (
    (filter.method === undefined || entry.request.method === filter.method) &&
    (filter.path === undefined || entry.request.path === filter.path) &&
    (filter.route === undefined || entry.route === filter.route) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.matched === undefined || (entry.route !== undefined) === filter.matched)
  );
}
