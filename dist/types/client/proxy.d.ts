/**
 * One proxy, driven from a test: Toxiproxy's toxics, and the TCP gate's calls by direction.
 *
 *   client ──toServer*──► proxy ──► server        (Toxiproxy's `upstream` stream)
 *   client ◄──toClient*── proxy ◄── server        (Toxiproxy's `downstream` stream)
 *
 * As in TcpGate, a direction has one condition at a time: each `toServer…`/`toClient…` call
 * replaces what that direction had, and `…Pass()` clears it.
 */
import type { ProxyChange, ProxyJson, Stream, ToxicJson, ToxicSpec, ToxicType } from '../wire/proxy.js';
import { Fault } from './fault.js';
import type { ApiHttp } from './http.js';
export type { ProxyChange, ProxySpec, Stream, ToxicAttributes, ToxicSpec, ToxicType } from '../wire/proxy.js';
/** A toxic as the API answers it (Toxiproxy's JSON). */
export type ToxicInfo = ToxicJson;
/** A proxy as the API answers it. */
export type ProxyInfo = ProxyJson;
export declare class ProxyClient {
    private readonly http;
    readonly name: string;
    private readonly path;
    constructor(http: ApiHttp, name: string);
    /** The proxy as the API sees it now. */
    info(): Promise<ProxyInfo>;
    /** Changes listen, upstream, enabled or accepting (a new listen or upstream restarts the proxy). */
    update(change: ProxyChange): Promise<ProxyInfo>;
    /** Refuses connections (the listener closes) and closes live ones, as Toxiproxy's `enabled: false`. */
    disable(): Promise<ProxyInfo>;
    /** Listens again (on the same address) after `disable`. */
    enable(): Promise<ProxyInfo>;
    /** New connections are accepted at TCP level but never served (TcpGate's stop_accepting). */
    stopAccepting(): Promise<ProxyInfo>;
    /** Serves new connections again, and those that waited meanwhile. */
    startAccepting(): Promise<ProxyInfo>;
    /** Closes every live connection through the proxy now (TcpGate's sockets_close). */
    closeAll(): Promise<void>;
    /** Live connections through the proxy. */
    connectionsCount(): Promise<number>;
    /** Resolves with the count once `count` connections are live; rejects (status 408) after `timeoutMs`. */
    waitForConnections(count?: number, timeoutMs?: number): Promise<number>;
    /** The proxy's toxics, upstream ones first. */
    toxics(): Promise<ToxicInfo[]>;
    /** Adds any toxic (Toxiproxy's or the TCP gate's types), its attributes typed by its type; live connections get it at once. */
    addToxic<T extends ToxicType>(toxic: ToxicSpec<T>): Promise<ToxicInfo>;
    /** Deletes the proxy: its listener closes and its connections end. */
    delete(): Promise<void>;
    /**
     * Adds a toxic under a name of its own and returns a Fault that removes it: with `await using`,
     * when the scope ends. `stream` defaults to downstream (server → client), as in Toxiproxy.
     */
    fault<T extends ToxicType>(toxic: ToxicSpec<T>): Promise<Fault>;
    /** `ms` (± `jitter` ms) added to the server's answers (or the client's requests with `stream: 'upstream'`), as a Fault. */
    latency(ms: number, options?: {
        jitter?: number;
        stream?: Stream;
    }): Promise<Fault>;
    /** The bandwidth limited to `kbPerSecond` KB/s, as a Fault. */
    bandwidth(kbPerSecond: number, options?: {
        stream?: Stream;
    }): Promise<Fault>;
    /** Nothing passes; connections close after `ms` (0: never), as a Fault. */
    timeout(ms?: number, options?: {
        stream?: Stream;
    }): Promise<Fault>;
    /** The proxy refuses connections and closes live ones until the Fault is reverted (Toxiproxy's "down"). */
    down(): Promise<Fault>;
    /** New attributes (merged over the current ones) and/or toxicity; live connections switch at once. */
    updateToxic(name: string, change: {
        attributes?: Record<string, number>;
        toxicity?: number;
    }): Promise<ToxicInfo>;
    /** Removes a toxic; bytes it holds are passed on, none lost. */
    removeToxic(name: string): Promise<void>;
    /** Client → server bytes pass untouched. */
    toServerPass: () => Promise<void>;
    /** Server → client bytes pass untouched. */
    toClientPass: () => Promise<void>;
    /** Delays client → server bytes by `ms` ± `jitterMs`. */
    toServerDelay: (ms: number, jitterMs?: number) => Promise<ToxicJson>;
    toClientDelay: (ms: number, jitterMs?: number) => Promise<ToxicJson>;
    /** Stops reading the client: it meets backpressure, as with an overloaded or deadlocked server (TcpGate's noop). */
    toServerStall: () => Promise<ToxicJson>;
    toClientStall: () => Promise<ToxicJson>;
    /** Client → server bytes are read and discarded; the server never hears anything. */
    toServerBlackhole: () => Promise<ToxicJson>;
    toClientBlackhole: () => Promise<ToxicJson>;
    /** The connection closes on the first client → server bytes. */
    toServerCloseOnData: () => Promise<ToxicJson>;
    toClientCloseOnData: () => Promise<ToxicJson>;
    /** Flips each client → server bit with `probability` (1: every byte inverted); `seed` repeats the flips. */
    toServerCorrupt: (probability?: number, seed?: number) => Promise<ToxicJson>;
    toClientCorrupt: (probability?: number, seed?: number) => Promise<ToxicJson>;
    /** Limits client → server bandwidth to `bytesPerSecond`. */
    toServerLimitBps: (bytesPerSecond: number) => Promise<ToxicJson>;
    toClientLimitBps: (bytesPerSecond: number) => Promise<ToxicJson>;
    /** Closes a connection `ms` (+ up to `jitterMs`) after its first client → server byte. */
    toServerLimitTime: (ms: number, jitterMs?: number) => Promise<ToxicJson>;
    toClientLimitTime: (ms: number, jitterMs?: number) => Promise<ToxicJson>;
    /** Closes a connection once `bytes` client → server bytes have passed. */
    toServerLimitBytes: (bytes: number) => Promise<ToxicJson>;
    toClientLimitBytes: (bytes: number) => Promise<ToxicJson>;
    /** Passes client → server bytes in pieces of at most `maxSize`, `sleepPerPacketMs` apart. */
    toServerSmallerParts: (maxSize: number, sleepPerPacketMs?: number) => Promise<ToxicJson>;
    toClientSmallerParts: (maxSize: number, sleepPerPacketMs?: number) => Promise<ToxicJson>;
    /** Client → server bytes are dropped; the connection closes after `ms` (0: never). */
    toServerTimeout: (ms?: number) => Promise<ToxicJson>;
    toClientTimeout: (ms?: number) => Promise<ToxicJson>;
    /** The first client → server bytes reset the connection (a TCP RST both ways), after `ms`. */
    toServerResetPeer: (ms?: number) => Promise<ToxicJson>;
    toClientResetPeer: (ms?: number) => Promise<ToxicJson>;
    /** Holds the end of the client → server stream (FIN) for `ms`. */
    toServerSlowClose: (ms: number) => Promise<ToxicJson>;
    toClientSlowClose: (ms: number) => Promise<ToxicJson>;
    /** Makes `type` the one condition of a direction; the same type is updated in place (no gap without it). */
    private set;
    private pass;
}
