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
/** What a mock and an HTTP proxy share over the API: faults by id, reset, and the journal. */
export declare class FaultTargetClient<FaultInput, FaultInfo> {
    protected readonly http: ApiHttp;
    readonly name: string;
    protected readonly base: string;
    private readonly kind;
    constructor(http: ApiHttp, name: string, base: string, kind: string);
    /** Switches a fault on; resolves with it (its `id` switches it off). */
    addFault(fault: FaultInput): Promise<FaultInfo>;
    faults(): Promise<FaultInfo[]>;
    removeFault(id: string): Promise<void>;
    /** Switches every fault off. */
    clearFaults(): Promise<void>;
    reset(): Promise<void>;
    /** Journal entries matching the filter, oldest first. */
    requests(filter?: JournalFilter): Promise<JournalEntry[]>;
    /** How many journal entries match the filter. */
    count(filter?: JournalFilter): Promise<number>;
    /** Waits until `count` entries match (up to `timeoutMs`, max 60000); rejects when fewer arrived. */
    waitForRequests(count: number, filter?: JournalFilter, timeoutMs?: number): Promise<JournalEntry[]>;
    /** The journal comes in pages (up to 1000 entries or 8 MB each): this page's entries and every following page's. */
    private rest;
    clearRequests(): Promise<void>;
}
