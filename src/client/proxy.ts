/**
 * One proxy, driven from a test: Toxiproxy's toxics, and the TCP gate's calls by direction.
 *
 *   client ──toServer*──► proxy ──► server        (Toxiproxy's `upstream` stream)
 *   client ◄──toClient*── proxy ◄── server        (Toxiproxy's `downstream` stream)
 *
 * As in TcpGate, a direction has one condition at a time: each `toServer…`/`toClient…` call
 * replaces what that direction had, and `…Pass()` clears it.
 */
import type { ProxyChange, ProxyJson, Stream, ToxicJson, ToxicSpec, ToxicType, ToxicAttributes } from '../wire/proxy.js';
import { Fault } from './fault.js';
import type { ApiHttp } from './http.js';

export type { ProxyChange, ProxySpec, Stream, ToxicAttributes, ToxicSpec, ToxicType } from '../wire/proxy.js';
/** A toxic as the API answers it (Toxiproxy's JSON). */
export type ToxicInfo = ToxicJson;
/** A proxy as the API answers it. */
export type ProxyInfo = ProxyJson;

/** Tells the faults of one client apart. */
let faults = 0;

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
  update(change: ProxyChange): Promise<ProxyInfo> {
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

  /** Adds any toxic (Toxiproxy's or the TCP gate's types), its attributes typed by its type; live connections get it at once. */
  addToxic<T extends ToxicType>(toxic: ToxicSpec<T>): Promise<ToxicInfo> {
    return this.http.request('POST', `${this.path}/toxics`, toxic);
  }

  /** Deletes the proxy: its listener closes and its connections end. */
  async delete(): Promise<void> {
    await this.http.request('DELETE', this.path);
  }

  /**
   * Adds a toxic under a name of its own and returns a Fault that removes it: with `await using`,
   * when the scope ends. `stream` defaults to downstream (server → client), as in Toxiproxy.
   */
  async fault<T extends ToxicType>(toxic: ToxicSpec<T>): Promise<Fault> {
    const name = toxic.name ?? `${toxic.type}_${toxic.stream ?? 'downstream'}_${(++faults).toString(36)}`;
    const added = await this.addToxic({ ...toxic, name } as ToxicSpec<T>);
    return new Fault(`${added.type} on proxy ${this.name}`, async () => {
      await this.removeToxic(added.name).catch((error: unknown) => {
        // Removed already (a reset, or its TTL): nothing is left faulted.
        if ((error as { status?: number }).status !== 404) throw error;
      });
    });
  }

  /** `ms` (± `jitter` ms) added to the server's answers (or the client's requests with `stream: 'upstream'`), as a Fault. */
  latency(ms: number, options: { jitter?: number; stream?: Stream } = {}): Promise<Fault> {
    return this.fault({ type: 'latency', stream: options.stream, attributes: { latency: ms, jitter: options.jitter ?? 0 } });
  }

  /** The bandwidth limited to `kbPerSecond` KB/s, as a Fault. */
  bandwidth(kbPerSecond: number, options: { stream?: Stream } = {}): Promise<Fault> {
    return this.fault({ type: 'bandwidth', stream: options.stream, attributes: { rate: kbPerSecond } });
  }

  /** Nothing passes; connections close after `ms` (0: never), as a Fault. */
  timeout(ms = 0, options: { stream?: Stream } = {}): Promise<Fault> {
    return this.fault({ type: 'timeout', stream: options.stream, attributes: { timeout: ms } });
  }

  /** The proxy refuses connections and closes live ones until the Fault is reverted (Toxiproxy's "down"). */
  async down(): Promise<Fault> {
    await this.disable();
    return new Fault(`proxy ${this.name} down`, async () => void (await this.enable()));
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
  private async set<T extends ToxicType>(side: Side, type: T, attributes: ToxicAttributes[T], seed?: number): Promise<ToxicInfo> {
    const stream = STREAM[side];
    const name = `to_${side}`;
    const current = (await this.toxics()).filter((t) => t.stream === stream);
    if (current.length === 1 && current[0].name === name && current[0].type === type && seed === current[0].seed) {
      return this.updateToxic(name, { attributes });
    }
    await Promise.all(current.map((t) => this.removeToxic(t.name)));
    return this.addToxic({ name, type, stream, attributes, ...(seed === undefined ? {} : { seed }) } as ToxicSpec<T>);
  }

  private async pass(side: Side): Promise<void> {
    const stream = STREAM[side];
    const current = (await this.toxics()).filter((t) => t.stream === stream);
    await Promise.all(current.map((t) => this.removeToxic(t.name)));
  }
}
