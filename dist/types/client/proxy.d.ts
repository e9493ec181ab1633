/**
 * One proxy, driven from a test: Toxiproxy's toxics, and the TCP gate's calls by direction.
 *
 *   client ──toServer*──► proxy ──► server        (Toxiproxy's `upstream` stream)
 *   client ◄──toClient*── proxy ◄── server        (Toxiproxy's `downstream` stream)
 *
 * As in TcpGate, a direction has one condition at a time: each `toServer…`/`toClient…` call
 * replaces what that direction had, and `…Pass()` clears it.
 */
import type { ApiHttp } from './http.js';
export type Stream = 'upstream' | 'downstream';
/** A toxic as the API answers it (Toxiproxy's JSON). */
export interface ToxicInfo {
    name: string;
    type: string;
    stream: Stream;
    /** Share of connections affected, 0..1, rolled per connection. */
    toxicity: number;
    seed?: number;
    attributes: Record<string, number>;
}
/** A toxic to add: `name` defaults to `<type>_<stream>`, `stream` to downstream, `toxicity` to 1. */
export interface ToxicSpec {
    type: string;
    name?: string;
    stream?: Stream;
    toxicity?: number;
    /** Makes every random roll of the toxic (toxicity, jitter, slicing, corruption) repeatable. */
    seed?: number;
    attributes?: Record<string, number>;
}
/** A proxy as the API answers it. */
export interface ProxyInfo {
    name: string;
    /** `host:port` the proxy listens on. */
    listen: string;
    upstream: string;
    enabled: boolean;
    accepting: boolean;
    toxics: ToxicInfo[];
}
export declare class ProxyClient {
    private readonly http;
    readonly name: string;
    private readonly path;
    constructor(http: ApiHttp, name: string);
    /** The proxy as the API sees it now. */
    info(): Promise<ProxyInfo>;
    /** Changes listen, upstream, enabled or accepting (a new listen or upstream restarts the proxy). */
    update(change: Partial<Pick<ProxyInfo, 'listen' | 'upstream' | 'enabled' | 'accepting'>>): Promise<ProxyInfo>;
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
    /** Adds any toxic (Toxiproxy's or the TCP gate's types); live connections get it at once. */
    addToxic(toxic: ToxicSpec): Promise<ToxicInfo>;
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
    toServerDelay: (ms: number, jitterMs?: number) => Promise<ToxicInfo>;
    toClientDelay: (ms: number, jitterMs?: number) => Promise<ToxicInfo>;
    /** Stops reading the client: it meets backpressure, as with an overloaded or deadlocked server (TcpGate's noop). */
    toServerStall: () => Promise<ToxicInfo>;
    toClientStall: () => Promise<ToxicInfo>;
    /** Client → server bytes are read and discarded; the server never hears anything. */
    toServerBlackhole: () => Promise<ToxicInfo>;
    toClientBlackhole: () => Promise<ToxicInfo>;
    /** The connection closes on the first client → server bytes. */
    toServerCloseOnData: () => Promise<ToxicInfo>;
    toClientCloseOnData: () => Promise<ToxicInfo>;
    /** Flips each client → server bit with `probability` (1: every byte inverted); `seed` repeats the flips. */
    toServerCorrupt: (probability?: number, seed?: number) => Promise<ToxicInfo>;
    toClientCorrupt: (probability?: number, seed?: number) => Promise<ToxicInfo>;
    /** Limits client → server bandwidth to `bytesPerSecond`. */
    toServerLimitBps: (bytesPerSecond: number) => Promise<ToxicInfo>;
    toClientLimitBps: (bytesPerSecond: number) => Promise<ToxicInfo>;
    /** Closes a connection `ms` (+ up to `jitterMs`) after its first client → server byte. */
    toServerLimitTime: (ms: number, jitterMs?: number) => Promise<ToxicInfo>;
    toClientLimitTime: (ms: number, jitterMs?: number) => Promise<ToxicInfo>;
    /** Closes a connection once `bytes` client → server bytes have passed. */
    toServerLimitBytes: (bytes: number) => Promise<ToxicInfo>;
    toClientLimitBytes: (bytes: number) => Promise<ToxicInfo>;
    /** Passes client → server bytes in pieces of at most `maxSize`, `sleepPerPacketMs` apart. */
    toServerSmallerParts: (maxSize: number, sleepPerPacketMs?: number) => Promise<ToxicInfo>;
    toClientSmallerParts: (maxSize: number, sleepPerPacketMs?: number) => Promise<ToxicInfo>;
    /** Client → server bytes are dropped; the connection closes after `ms` (0: never). */
    toServerTimeout: (ms?: number) => Promise<ToxicInfo>;
    toClientTimeout: (ms?: number) => Promise<ToxicInfo>;
    /** The first client → server bytes reset the connection (a TCP RST both ways), after `ms`. */
    toServerResetPeer: (ms?: number) => Promise<ToxicInfo>;
    toClientResetPeer: (ms?: number) => Promise<ToxicInfo>;
    /** Holds the end of the client → server stream (FIN) for `ms`. */
    toServerSlowClose: (ms: number) => Promise<ToxicInfo>;
    toClientSlowClose: (ms: number) => Promise<ToxicInfo>;
    /** Makes `type` the one condition of a direction; the same type is updated in place (no gap without it). */
    private set;
    private pass;
}
