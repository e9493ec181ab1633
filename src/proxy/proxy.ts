/**
 * A named TCP chaos proxy: a listener, its live connections and the toxics applied to them.
 *
 *   client ──► listen ──accept──► dial upstream ──► Connection (a Link per direction) ──► upstream
 *                │
 *                └─ accepting:false → parked (connected, never served) until accepting resumes
 *
 * `enabled: false` closes the listener (connects are refused) and every connection, as in
 * Toxiproxy. Toxics added, changed or removed apply to live connections at once.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { listenOn, splitHostPort } from '../address.js';
import { AlreadyExistsError, InvalidProxyInputError, NotFoundError } from './errors.js';
import { Connection, type DirectionBytes } from './connection.js';
import type { ProxyJson as WireProxyJson } from '../wire/proxy.js';
import { toxicSchema, validate, type ProxyDefinition, type ProxyUpdate, type Stream, type ToxicDefinition, type ToxicUpdate } from './schema.js';
import { Toxic } from './toxic.js';

/** Toxiproxy's proxy JSON plus `accepting`. */
/** Its JSON is the wire's (what the client reads); toxics as defined, their attributes filled in. */
export type ProxyJson = Omit<WireProxyJson, 'toxics'> & { toxics: ToxicDefinition[] };

interface Waiter {
  count: number;
  settle: () => void;
}

export class Proxy {
  readonly name: string;
  /** `host:port`; once listening, the address really bound (the real port when 0 was asked). */
  listen: string;
  upstream: string;
  enabled = false;
  accepting: boolean;
  private server?: Server;
  private starting?: Promise<void>;
  private readonly toxics = new Map<string, Toxic>();
  private readonly connections = new Set<Connection>();
  /** Accepted while not accepting: connected at TCP level, never read or forwarded. */
  private readonly parked = new Set<Socket>();
  /** Accepted clients whose upstream connection is being opened. */
  private readonly dialing = new Set<{ client: Socket; server: Socket }>();
  private readonly waiters = new Set<Waiter>();
  /** Bytes of connections already closed; live ones are read from their sockets. */
  private readonly closedBytes: Record<Stream, DirectionBytes> = {
    upstream: { received: 0, sent: 0 },
    downstream: { received: 0, sent: 0 },
  };
  private accepted = 0;
  /** Connections closed at once past `max_connections` (refuse). */
  private refused = 0;
  /** Clients waiting for a slot past `max_connections` (hold), oldest first. */
  private readonly waitingForSlot = new Set<Socket>();
  maxConnections?: number;
  onMax: 'refuse' | 'hold';

  constructor(definition: ProxyDefinition) {
    this.name = definition.name;
    this.listen = definition.listen;
    this.upstream = definition.upstream;
    this.accepting = definition.accepting;
    this.maxConnections = definition.max_connections;
    this.onMax = definition.on_max;
    for (const toxic of definition.toxics ?? []) this.addToxic(toxic);
  }

  /** Starts listening; rejects with a ListenError (address in use, not local…) when it cannot bind. */
  start(): Promise<void> {
    if (this.server) return Promise.resolve();
    // Two calls at once (a reset racing an enable) share one bind.
    this.starting ??= this.bind().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async bind(): Promise<void> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket));
    const bound = await listenOn(server, this.listen);
    this.server = server;
    this.listen = formatAddress(bound);
    this.enabled = true;
  }

  /** Closes the listener and every connection (parked and half-opened ones too); resolves when all are closed. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.enabled = false;
    const closing: Promise<void>[] = [];
    if (server) closing.push(new Promise((resolve) => server.close(() => resolve())));
    for (const socket of [...this.parked, ...this.waitingForSlot]) closing.push(destroyed(socket));
    this.waitingForSlot.clear();
    for (const { client, server: upstream } of this.dialing) closing.push(destroyed(client), destroyed(upstream));
    this.parked.clear();
    this.dialing.clear();
    closing.push(this.closeConnections().then(() => undefined));
    await Promise.all(closing);
  }

  /** Stops for good: also answers anyone waiting for connections. */
  async shutdown(): Promise<void> {
    await this.stop();
    for (const waiter of this.waiters) waiter.settle();
  }

  /** Toxiproxy's update: a new listen or upstream restarts the proxy; `enabled` starts or stops it. */
  async update(change: ProxyUpdate): Promise<void> {
    if (change.name !== undefined && change.name !== this.name) {
      throw new InvalidProxyInputError('name', `a proxy cannot be renamed (it is "${this.name}")`);
    }
    const moved = (change.listen ?? this.listen) !== this.listen || (change.upstream ?? this.upstream) !== this.upstream;
    const enabled = change.enabled ?? this.enabled;
    if (moved || !enabled) await this.stop();
    this.listen = change.listen ?? this.listen;
    this.upstream = change.upstream ?? this.upstream;
    if (change.accepting !== undefined) this.setAccepting(change.accepting);
    if (change.on_max !== undefined) this.onMax = change.on_max;
    if (change.max_connections !== undefined) {
      this.maxConnections = change.max_connections ?? undefined;
      this.admitWaiting();
    }
    if (enabled) await this.start();
  }

  /** `false` parks new clients (TcpGate's stop_accepting); `true` serves them and the parked ones. */
  setAccepting(accepting: boolean): void {
    this.accepting = accepting;
    if (!accepting) return;
    for (const client of this.parked) if (!client.destroyed) this.dial(client);
    this.parked.clear();
  }

  /** The toxics in the order they were added. */
  toxicList(): Toxic[] {
    return [...this.toxics.values()];
  }

  /** The toxic named so; throws NotFoundError. */
  getToxic(name: string): Toxic {
    const toxic = this.toxics.get(name);
    if (!toxic) throw new NotFoundError('toxic', name);
    return toxic;
  }

  /** Adds a toxic; live connections get it at once (each rolls its toxicity). */
  addToxic(definition: ToxicDefinition): Toxic {
    if (this.toxics.has(definition.name)) throw new AlreadyExistsError('toxic', definition.name);
    const toxic = new Toxic(definition);
    this.toxics.set(toxic.name, toxic);
    for (const connection of this.connections) connection.link(toxic.stream).add(toxic);
    return toxic;
  }

  /** New attributes (merged over the old) and toxicity; live connections switch without losing bytes. */
  updateToxic(name: string, change: ToxicUpdate): Toxic {
    const old = this.getToxic(name).definition;
    for (const field of ['name', 'type', 'stream'] as const) {
      if (change[field] !== undefined && change[field] !== old[field]) {
        throw new InvalidProxyInputError(field, `cannot be changed (it is "${old[field]}"); remove the toxic and add a new one`);
      }
    }
    const definition = validate(toxicSchema, {
      ...old,
      toxicity: change.toxicity ?? old.toxicity,
      seed: change.seed ?? old.seed,
      attributes: { ...old.attributes, ...change.attributes },
    });
    const toxic = new Toxic(definition);
    this.toxics.set(name, toxic);
    for (const connection of this.connections) connection.link(toxic.stream).replace(toxic);
    return toxic;
  }

  /** Removes a toxic; what it holds on live connections is passed on first. */
  removeToxic(name: string): void {
    const toxic = this.getToxic(name);
    this.toxics.delete(name);
    for (const connection of this.connections) connection.link(toxic.stream).remove(name);
  }

  /** Removes every toxic, each flushing what it holds. */
  removeAllToxics(): void {
    for (const name of [...this.toxics.keys()]) this.removeToxic(name);
  }

  /** Live connections (both sides connected), as TcpGate counts them. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Closes every live connection now; resolves with how many there were, once their sockets are closed. */
  async closeConnections(): Promise<number> {
    const connections = [...this.connections];
    // Out of the count at once: a wait for N connections after this must count new ones only.
    for (const connection of connections) {
      this.connections.delete(connection);
      connection.destroy();
    }
    await Promise.all(connections.map((c) => c.closed()));
    return connections.length;
  }

  /** Resolves with the connection count once it reaches `count`, or after `timeoutMs` with whatever it is. */
  waitForConnections(count: number, timeoutMs: number): Promise<number> {
    if (this.connections.size >= count) return Promise.resolve(this.connections.size);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        count,
        settle: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(this.connections.size);
        },
      };
      const timer = setTimeout(waiter.settle, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Totals since the proxy was created: bytes per direction and accepted connections. */
  stats(): { bytes: Record<Stream, DirectionBytes>; accepted: number; refused: number; waiting: number } {
    const bytes = structuredClone(this.closedBytes);
    for (const connection of this.connections) addBytes(bytes, connection.bytes());
    return { bytes, accepted: this.accepted, refused: this.refused, waiting: this.waitingForSlot.size };
  }

  /** Toxiproxy's proxy JSON, plus `accepting`. */
  toJSON(): ProxyJson {
    // Toxiproxy lists the upstream chain first, then the downstream one.
    const toxics = this.toxicList().sort((a, b) => (a.stream === b.stream ? 0 : a.stream === 'upstream' ? -1 : 1));
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      accepting: this.accepting,
      ...(this.maxConnections === undefined ? {} : { max_connections: this.maxConnections, on_max: this.onMax }),
      toxics: toxics.map((t) => t.toJSON()),
    };
  }

  private accept(client: Socket): void {
    if (!this.accepting) {
      this.parked.add(client);
      client.on('error', () => client.destroy());
      client.once('close', () => this.parked.delete(client));
      return;
    }
    if (this.maxConnections !== undefined && this.connections.size + this.dialing.size >= this.maxConnections) {
      // A pool exhausted: refused at once, or left waiting (connected, unserved) for a slot.
      if (this.onMax === 'refuse') {
        this.refused++;
        return void client.resetAndDestroy();
      }
      this.waitingForSlot.add(client);
      client.on('error', () => client.destroy());
      client.once('close', () => this.waitingForSlot.delete(client));
      return;
    }
    this.dial(client);
  }

  /** Serves clients waiting for a slot while there is one. */
  private admitWaiting(): void {
    for (const client of this.waitingForSlot) {
      if (this.maxConnections !== undefined && this.connections.size + this.dialing.size >= this.maxConnections) return;
      this.waitingForSlot.delete(client);
      if (!client.destroyed) this.dial(client);
    }
  }

  /** Opens the upstream side; the client stays paused (its bytes wait in the kernel) until then. */
  private dial(client: Socket): void {
    const { host, port } = splitHostPort(this.upstream);
    const server = connect({ host, port, allowHalfOpen: true, noDelay: true });
    const attempt = { client, server };
    // An upstream that refuses or resets is passed on as a reset: the client sees a connection error at once.
    const abandon = (error: NodeJS.ErrnoException) => {
      this.dialing.delete(attempt);
      if (!client.destroyed && (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET')) client.resetAndDestroy();
      else client.destroy();
      server.destroy();
      this.admitWaiting();
    };
    this.dialing.add(attempt);
    client.on('error', abandon);
    server.on('error', abandon);
    server.once('connect', () => {
      client.off('error', abandon);
      server.off('error', abandon);
      this.dialing.delete(attempt);
      if (client.destroyed) return void server.destroy();
      this.open(client, server);
    });
  }

  private open(client: Socket, server: Socket): void {
    const byStream: Record<Stream, Toxic[]> = { upstream: [], downstream: [] };
    for (const toxic of this.toxics.values()) byStream[toxic.stream].push(toxic);
    const connection = new Connection(client, server, byStream, (closed) => {
      this.connections.delete(closed);
      addBytes(this.closedBytes, closed.bytes());
      this.admitWaiting();
    });
    this.connections.add(connection);
    this.accepted++;
    for (const waiter of this.waiters) if (this.connections.size >= waiter.count) waiter.settle();
  }
}

function addBytes(into: Record<Stream, DirectionBytes>, from: Record<Stream, DirectionBytes>): void {
  for (const stream of ['upstream', 'downstream'] as const) {
    into[stream].received += from[stream].received;
    into[stream].sent += from[stream].sent;
  }
}

function formatAddress({ address, family, port }: AddressInfo): string {
  return family === 'IPv6' ? `[${address}]:${port}` : `${address}:${port}`;
}

function destroyed(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.destroy();
  return closed;
}
