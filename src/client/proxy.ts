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

const STREAM = { server: 'upstream', client: 'downstream' } as const;
type Side = keyof typeof STREAM;

export class ProxyClient {
  private readonly path: string;

  constructor(
    private readonly http: ApiHttp,
    readonly name: string,
  ) {
    this.path = `/proxies/${encodeURIComponent(name)}`;
  }

  /** The proxy as the API sees it now. */
  info(): Promise<ProxyInfo> {
    return this.http.request('GET', this.path);
  }

  /** Changes listen, upstream, enabled or accepting (a new listen or upstream restarts the proxy). */
  update(change: Partial<Pick<ProxyInfo, 'listen' | 'upstream' | 'enabled' | 'accepting'>>): Promise<ProxyInfo> {
    return this.http.request('POST', this.path, change);
  }

  /** Refuses connections (the listener closes) and closes live ones, as Toxiproxy's `enabled: false`. */
  disable(): Promise<ProxyInfo> {
    return this.update({ enabled: false });
  }

  /** Listens again (on the same address) after `disable`. */
  enable(): Promise<ProxyInfo> {
    return this.update({ enabled: true });
  }

  /** New connections are accepted at TCP level but never served (TcpGate's stop_accepting). */
  stopAccepting(): Promise<ProxyInfo> {
    return this.update({ accepting: false });
  }

  /** Serves new connections again, and those that waited meanwhile. */
  startAccepting(): Promise<ProxyInfo> {
    return this.update({ accepting: true });
  }

  /** Closes every live connection through the proxy now (TcpGate's sockets_close). */
  async closeAll(): Promise<void> {
    await this.http.request('POST', `${this.path}/close`);
  }

  /** Live connections through the proxy. */
  async connectionsCount(): Promise<number> {
    return (await this.http.request<{ count: number }>('GET', `${this.path}/connections`)).count;
  }

  /** Resolves with the count once `count` connections are live; rejects (status 408) after `timeoutMs`. */
  async waitForConnections(count = 1, timeoutMs = 30_000): Promise<number> {
    const query = `?wait=${count}&timeout=${Math.round(timeoutMs)}`;
    return (await this.http.request<{ count: number }>('GET', `${this.path}/connections${query}`)).count;
  }

  /** The proxy's toxics, upstream ones first. */
  toxics(): Promise<ToxicInfo[]> {
    return this.http.request('GET', `${this.path}/toxics`);
  }

  /** Adds any toxic (Toxiproxy's or the TCP gate's types); live connections get it at once. */
  addToxic(toxic: ToxicSpec): Promise<ToxicInfo> {
    return this.http.request('POST', `${this.path}/toxics`, toxic);
  }

  /** New attributes (merged over the current ones) and/or toxicity; live connections switch at once. */
  updateToxic(name: string, change: { attributes?: Record<string, number>; toxicity?: number }): Promise<ToxicInfo> {
    return this.http.request('POST', `${this.path}/toxics/${encodeURIComponent(name)}`, change);
  }

  /** Removes a toxic; bytes it holds are passed on, none lost. */
  async removeToxic(name: string): Promise<void> {
    await this.http.request('DELETE', `${this.path}/toxics/${encodeURIComponent(name)}`);
  }

  /** Client → server bytes pass untouched. */
  toServerPass = () => this.pass('server');
  /** Server → client bytes pass untouched. */
  toClientPass = () => this.pass('client');

  /** Delays client → server bytes by `ms` ± `jitterMs`. */
  toServerDelay = (ms: number, jitterMs = 0) => this.set('server', 'latency', { latency: ms, jitter: jitterMs });
  toClientDelay = (ms: number, jitterMs = 0) => this.set('client', 'latency', { latency: ms, jitter: jitterMs });

  /** Stops reading the client: it meets backpressure, as with an overloaded or deadlocked server (TcpGate's noop). */
  toServerStall = () => this.set('server', 'stall', {});
  toClientStall = () => this.set('client', 'stall', {});

  /** Client → server bytes are read and discarded; the server never hears anything. */
  toServerBlackhole = () => this.set('server', 'blackhole', {});
  toClientBlackhole = () => this.set('client', 'blackhole', {});

  /** The connection closes on the first client → server bytes. */
  toServerCloseOnData = () => this.set('server', 'close_on_data', {});
  toClientCloseOnData = () => this.set('client', 'close_on_data', {});

  /** Flips each client → server bit with `probability` (1: every byte inverted); `seed` repeats the flips. */
  toServerCorrupt = (probability = 1, seed?: number) => this.set('server', 'corrupt', { probability }, seed);
  toClientCorrupt = (probability = 1, seed?: number) => this.set('client', 'corrupt', { probability }, seed);

  /** Limits client → server bandwidth to `bytesPerSecond`. */
  toServerLimitBps = (bytesPerSecond: number) => this.set('server', 'bandwidth', { rate: bytesPerSecond / 1000 });
  toClientLimitBps = (bytesPerSecond: number) => this.set('client', 'bandwidth', { rate: bytesPerSecond / 1000 });

  /** Closes a connection `ms` (+ up to `jitterMs`) after its first client → server byte. */
  toServerLimitTime = (ms: number, jitterMs = 0) => this.set('server', 'limit_time', { time: ms, jitter: jitterMs });
  toClientLimitTime = (ms: number, jitterMs = 0) => this.set('client', 'limit_time', { time: ms, jitter: jitterMs });

  /** Closes a connection once `bytes` client → server bytes have passed. */
  toServerLimitBytes = (bytes: number) => this.set('server', 'limit_data', { bytes });
  toClientLimitBytes = (bytes: number) => this.set('client', 'limit_data', { bytes });

  /** Passes client → server bytes in pieces of at most `maxSize`, `sleepPerPacketMs` apart. */
  toServerSmallerParts = (maxSize: number, sleepPerPacketMs = 0) =>
    this.set('server', 'slicer', { average_size: maxSize, size_variation: 0, delay: sleepPerPacketMs * 1000 });
  toClientSmallerParts = (maxSize: number, sleepPerPacketMs = 0) =>
    this.set('client', 'slicer', { average_size: maxSize, size_variation: 0, delay: sleepPerPacketMs * 1000 });

  /** Client → server bytes are dropped; the connection closes after `ms` (0: never). */
  toServerTimeout = (ms = 0) => this.set('server', 'timeout', { timeout: ms });
  toClientTimeout = (ms = 0) => this.set('client', 'timeout', { timeout: ms });

  /** The first client → server bytes reset the connection (a TCP RST both ways), after `ms`. */
  toServerResetPeer = (ms = 0) => this.set('server', 'reset_peer', { timeout: ms });
  toClientResetPeer = (ms = 0) => this.set('client', 'reset_peer', { timeout: ms });

  /** Holds the end of the client → server stream (FIN) for `ms`. */
  toServerSlowClose = (ms: number) => this.set('server', 'slow_close', { delay: ms });
  toClientSlowClose = (ms: number) => this.set('client', 'slow_close', { delay: ms });

  /** Makes `type` the one condition of a direction; the same type is updated in place (no gap without it). */
  private async set(side: Side, type: string, attributes: Record<string, number>, seed?: number): Promise<ToxicInfo> {
    const stream = STREAM[side];
    const name = `to_${side}`;
    const current = (await this.toxics()).filter((t) => t.stream === stream);
    if (current.length === 1 && current[0].name === name && current[0].type === type && seed === current[0].seed) {
      return this.updateToxic(name, { attributes });
    }
    await Promise.all(current.map((t) => this.removeToxic(t.name)));
    return this.addToxic({ name, type, stream, attributes, ...(seed === undefined ? {} : { seed }) });
  }

  private async pass(side: Side): Promise<void> {
    const stream = STREAM[side];
    const current = (await this.toxics()).filter((t) => t.stream === stream);
    await Promise.all(current.map((t) => this.removeToxic(t.name)));
  }
}
