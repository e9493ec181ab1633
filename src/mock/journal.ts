/**
 * The request journal: every request a mock received, matched or not, with what answered it.
 * Tests read it to assert "the client retried exactly twice" or "fell over to the second
 * provider". Memory is bounded twice: it keeps the latest `maxEntries` entries (a load stage
 * can send millions) within `maxBytes`, and of each body only the first `bodyPrefixBytes`,
 * with the body's full length and its SHA-256 (80 bodies of 10 MB must not cost 800 MB).
 * `total` counts every entry since the last clear; `dropped` those no longer kept.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FaultName } from './faults/fault.js';
import type { MockRequest } from './request.js';

/** What the journal keeps of a request. */
export interface JournalRequest {
  method: string;
  path: string;
  /** The query as sent, without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** The body, or its first `bodyPrefixBytes` when longer (cut on a character boundary). */
  body: string;
  /** The whole body's length in bytes (UTF-8). */
  bodyBytes: number;
  /** The whole body's SHA-256 (hex) when `body` is only its prefix. */
  bodySha256?: string;
}

export interface JournalEntry {
  /** 1, 2, … since the last clear. */
  seq: number;
  /** Epoch milliseconds when its answer was decided (a delay or a hang comes after). */
  at: number;
  request: JournalRequest;
  /** The matched route's name; undefined when none matched (answered 404). */
  route?: string;
  /** The status sent; undefined when a fault sent none. */
  status?: number;
  /** A mock's connection fault, or the kind of an HTTP proxy's fault (`status`, `delay`, …). */
  fault?: FaultName | string;
  /** An HTTP proxy's exchange: which fault took it, and how long it took. */
  exchange?: ExchangeTiming;
}

/** What an HTTP proxy adds to a journal entry. */
export interface ExchangeTiming {
  faultId?: string;
  /** From the request's arrival to the response's last byte (or the connection's end). */
  durationMs: number;
  /** From calling the upstream to its response head; undefined when it was not called or did not answer. */
  upstreamMs?: number;
  responseBytes: number;
  /** Why the exchange failed on the proxy's side (the upstream refused, the client left…). */
  error?: string;
}

import type { JournalFilter } from '../wire/mock.js';

export type { JournalFilter } from '../wire/mock.js';

export interface JournalLimits {
  maxEntries: number;
  /** Bytes kept in all (bodies, headers, path and query), the newest entries first. */
  maxBytes: number;
  /** Bytes of each body kept. */
  bodyPrefixBytes: number;
}

export const JOURNAL_LIMITS: JournalLimits = { maxEntries: 10_000, maxBytes: 64 << 20, bodyPrefixBytes: 64 << 10 };

interface Waiter {
  filter: JournalFilter;
  count: number;
  seen: number;
  resolve: () => void;
}

export class Journal {
  /** Entries recorded since the last clear (including those no longer kept). */
  total = 0;
  /** Kept entries, oldest first; `head` is where they start (dropping from the front is O(1)). */
  private entries: { entry: JournalEntry; bytes: number }[] = [];
  private head = 0;
  /** Bytes the kept entries hold. */
  bytes = 0;
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly limits: JournalLimits = JOURNAL_LIMITS) {}

  /** Records one request when its answer is decided (before any delay); `at` in epoch ms. */
  record(at: number, request: MockRequest, route: string | undefined, status: number | undefined, fault: FaultName | undefined): void {
    this.push({ at, request: keep(request, this.limits.bodyPrefixBytes), route, status, fault });
  }

  /** Records an entry whose request is already kept (an HTTP proxy keeps bodies as they stream). */
  push(fields: Omit<JournalEntry, 'seq'>): JournalEntry {
    const entry: JournalEntry = { seq: ++this.total, ...fields };
    const kept = entry.request;
    const bytes = sizeOf(kept);
    this.entries.push({ entry, bytes });
    this.bytes += bytes;
    while (this.size > this.limits.maxEntries || (this.bytes > this.limits.maxBytes && this.size > 1)) {
      this.bytes -= this.entries[this.head].bytes;
      this.entries[this.head++] = undefined as never;
    }
    // Compact once the dropped front outweighs what is kept.
    if (this.head > 1024 && this.head > this.size) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.waiters.size > 0) this.wake(entry);
    return entry;
  }

  /** Entries kept. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Entries recorded but no longer kept (past the entry or byte limit). */
  get dropped(): number {
    return this.total - this.size;
  }

  /** Kept entries matching the filter, oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const { entry } = this.entries[i];
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
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
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

/**
 * A body kept as it streams: the first `prefixBytes` and the whole length. Unlike a mock's, a
 * streamed body past its prefix is not hashed: hashing every byte of a proxied upload cost a
 * third of the proxy's CPU on a 1 GiB upload, for a body that passes through untouched.
 */
export class StreamedBody {
  bytes = 0;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(private readonly prefixBytes: number) {}

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.kept >= this.prefixBytes) return;
    // Copied: a view would pin the whole socket buffer it came from.
    const part = Buffer.from(chunk.subarray(0, this.prefixBytes - this.kept));
    this.chunks.push(part);
    this.kept += part.length;
  }

  /** The kept request, with this body (cut on a character boundary when it is only the prefix). */
  keep(method: string, path: string, rawQuery: string, headers: IncomingHttpHeaders): JournalRequest {
    if (this.bytes === 0) return { method, path, rawQuery, headers, body: '', bodyBytes: 0 };
    const text = Buffer.concat(this.chunks).toString('utf8');
    return { method, path, rawQuery, headers, body: this.bytes > this.kept ? text.replace(/\uFFFD$/, '') : text, bodyBytes: this.bytes };
  }
}

/** The request as kept: a body past `prefixBytes` is cut there, with its length and hash. */
function keep(request: MockRequest, prefixBytes: number): JournalRequest {
  const { method, path, rawQuery, headers, body } = request;
  const bodyBytes = Buffer.byteLength(body);
  if (bodyBytes <= prefixBytes) return { method, path, rawQuery, headers, body, bodyBytes };
  // A UTF-8 cut can split a character; the decoder drops the broken tail.
  const prefix = Buffer.from(body.slice(0, prefixBytes))
    .subarray(0, prefixBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { method, path, rawQuery, headers, body: prefix, bodyBytes, bodySha256: createHash('sha256').update(body).digest('hex') };
}

/** About what an entry holds: strings as UTF-16 (two bytes a character), plus a fixed overhead. */
function sizeOf(request: JournalRequest): number {
  let chars = request.method.length + request.path.length + request.rawQuery.length + request.body.length;
  // A loop over keys, not Object.entries: this runs for every request a mock or HTTP proxy sees.
  for (const name in request.headers) {
    const value = request.headers[name];
    chars += name.length + (Array.isArray(value) ? value.join('').length : (value?.length ?? 0));
  }
  return 2 * chars + 256;
}
