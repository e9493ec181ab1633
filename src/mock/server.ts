/**
 * One mock HTTP service: a stand-in for a third-party API that fails on cue.
 *
 *   client ──HTTP──► MockServer ──► route table ──► injected faults ──► reply
 *                        │          (first match)   (newest first)      │
 *                        │                                              ├─ delay, then
 *                        └──────────── journal ◄── decided ─────────────┤
 *                                                                       ├─ content: status, headers, body | dribble | SSE
 *                                                                       └─ or a fault on the socket: reset | empty | malformed | …
 *
 * Everything is compiled at construction (matchers, JSON bodies, files, templates), so a
 * request to a static route costs a lookup, a journal entry, one writeHead and one end.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundHostPort, boundUrl, listenOn } from '../address.js';
import { Content } from './content.js';
import type { Dribble } from './dribble.js';
import { UnknownRouteError } from './errors.js';
import { FAULTS, faultSendsStatus, type FaultName } from './faults/fault.js';
import { InjectedFault, InjectedFaults } from './injected.js';
import { Journal } from './journal.js';
import { notFound } from './not-found.js';
import { Random } from '../random.js';
import { Reply } from './reply.js';
import { MockRequest, splitTarget } from './request.js';
import { Route } from './route.js';
import { RouteTable } from './route-table.js';
import type { MockDefinition, MockFault } from './schema.js';

const MAX_BODY_BYTES = 16 << 20;

const NO_RANDOM = new Random(0);

export class MockServer {
  readonly name: string;
  readonly journal = new Journal();
  private readonly table: RouteTable;
  private readonly injected = new InjectedFaults();
  private readonly server: Server;
  private faultsAdded = 0;
  /** Kept from listen(), so the URL still reads after close(). */
  private bound?: AddressInfo;

  /** Compiles the routes (reading body files: throws when one cannot be read); `listen()` starts it. */
  constructor(readonly definition: MockDefinition) {
    this.name = definition.name;
    this.table = new RouteTable(definition.routes.map((route, i) => new Route(route, i, definition.seed)));
    this.server = createServer((req, res) => this.receive(req, res));
  }

  /** Starts listening on `definition.listen`; rejects with the OS error (code EADDRINUSE…) when it cannot. */
  async listen(): Promise<void> {
    this.bound = await listenOn(this.server, this.definition.listen);
  }

  /** Base URL, e.g. `http://127.0.0.1:18080` (what stages get as CHAOS_GATE_MOCK_<NAME>). */
  get url(): string {
    return boundUrl(this.boundAddress());
  }

  /** The bound `host:port` (the real port when the definition asked for 0). */
  get address(): string {
    return boundHostPort(this.boundAddress());
  }

  get routes(): readonly Route[] {
    return this.table.routes;
  }

  get faults(): readonly InjectedFault[] {
    return this.injected.list();
  }

  /** Switches a fault on: for `fault.route` (a name or an index) or the whole mock. Throws UnknownRouteError. */
  addFault(fault: MockFault): InjectedFault {
    let routes: Set<Route> | undefined;
    if (fault.route !== undefined) {
      routes = new Set(this.table.select(fault.route));
      if (routes.size === 0)
        throw new UnknownRouteError(
          this.name,
          fault.route,
          this.table.routes.map((r) => r.name),
        );
    }
    const n = ++this.faultsAdded;
    const random = fault.seed !== undefined ? new Random(fault.seed) : Random.derive(this.definition.seed, 'fault', n);
    const injected = new InjectedFault(`fault-${n}`, fault, routes, random);
    this.injected.add(injected);
    return injected;
  }

  /** Switches a fault off; false when no fault has that id. */
  removeFault(id: string): boolean {
    return this.injected.remove(id);
  }

  /** An injected fault by id; undefined once removed. */
  fault(id: string): InjectedFault | undefined {
    return this.injected.list().find((f) => f.id === id);
  }

  /** Back to as declared: injected faults removed, sequences, rate limits, counts and journal reset. */
  reset(): void {
    this.injected.clear();
    for (const route of this.table.routes) route.reset();
    this.journal.clear();
  }

  /** Stops listening and closes every connection, hanging and streaming ones included. */
  async close(): Promise<void> {
    this.journal.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private boundAddress(): AddressInfo {
    if (!this.bound) throw new Error(`mock "${this.name}" is not listening yet`);
    return this.bound;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const { path, query } = splitTarget(req.url);
    const length = req.headers['content-length'];
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
      this.answer(req, res, new MockRequest(req.method ?? 'GET', path, query, req.headers, ''));
      return;
    }
    readBody(req).then(
      (body) => this.answer(req, res, new MockRequest(req.method ?? 'GET', path, query, req.headers, body)),
      () => {
        if (res.headersSent || res.destroyed) return;
        Content.json(413, { error: `request body over ${MAX_BODY_BYTES} bytes`, status: 413 }).write(
          res,
          new MockRequest(req.method ?? 'GET', path, query, req.headers, ''),
        );
      },
    );
  }

  private answer(req: IncomingMessage, res: ServerResponse, request: MockRequest): void {
    const now = Date.now();
    const route = this.table.find(request);
    if (route) route.matched++;
    const picked = this.injected.pick(route, now);
    let reply: Reply;
    if (picked && picked.reply !== true) reply = picked.reply;
    else if (route) reply = route.next(now);
    else reply = new Reply(notFound(this.name, this.table.routes, request), {}, NO_RANDOM);
    const injected = picked?.fault;
    const fault = injected?.fault ?? reply.drawFault();
    const dribble = injected?.dribble ?? reply.dribble;
    const delay = injected?.delay ?? reply.delay;
    const status = fault === undefined || faultSendsStatus(fault) ? reply.content.status : undefined;
    this.journal.record(now, request, route?.name, status, fault);
    const ms = delay === undefined ? 0 : delay();
    if (ms <= 0) {
      send(req, res, request, reply, fault, dribble);
      return;
    }
    const timer = setTimeout(send, ms, req, res, request, reply, fault, dribble);
    res.once('close', () => clearTimeout(timer));
  }
}

function send(req: IncomingMessage, res: ServerResponse, request: MockRequest, reply: Reply, fault: FaultName | undefined, dribble: Dribble | undefined): void {
  if (fault) FAULTS[fault]({ socket: req.socket, status: reply.content.status, random: reply.random });
  else reply.content.write(res, request, dribble);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Error('body too large'));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}
