/**
 * The mock calls of the typed client: switch faults on and off, read and count the request
 * journal, reset. For tests that assert "the client retried exactly twice":
 *
 *   const llm = new MockClient(http, 'llm');
 *   await llm.addFault({ route: 'chat', status: 503, times: 2 });
 *   … exercise the system under test …
 *   expect(await llm.count({ route: 'chat' })).toBe(3);
 */
import type { ApiHttp } from './http.js';
import { FaultTargetClient } from './fault-target.js';
export type { JournalEntry, JournalFilter } from './fault-target.js';
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
    sse?: {
        events: (string | SseEvent)[];
        interval?: Duration;
        cut_after?: number;
    };
    /** Fixed, `{ min, max }` uniform, or `{ median, sigma }` lognormal. */
    delay?: Duration | {
        min: Duration;
        max: Duration;
    } | {
        median: Duration;
        sigma: number;
    };
    dribble?: {
        chunks: number;
        duration: Duration;
    };
    fault?: MockFaultKind;
    /** Past this rate the mock answers 429 with Retry-After. */
    rate_limit?: {
        rps: number;
    };
    /** The chance (0..1) that the fault applies to a request; default 1. */
    probability?: number;
    /** The fault applies to this many requests, then no more. */
    times?: number;
    seed?: number;
}
/** An injected fault as the API shows it: its definition (durations in ms), id and use. */
export type MockFaultInfo = Omit<MockFaultInput, 'delay' | 'dribble'> & {
    id: string;
    delay?: number | {
        min: number;
        max: number;
    } | {
        median: number;
        sigma: number;
    };
    dribble?: {
        chunks: number;
        duration: number;
    };
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
/** `reset()`: injected faults off, sequences back to their first response, journal cleared. */
export declare class MockClient extends FaultTargetClient<MockFaultInput, MockFaultInfo> {
    constructor(http: ApiHttp, name: string);
    /** Routes with their match counts, active faults, URL. */
    info(): Promise<MockInfo>;
}
