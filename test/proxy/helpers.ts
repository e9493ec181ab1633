/** Real sockets for proxy tests: upstream servers, clients, byte readers, and one cleanup for all. */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ProxyRegistry } from '../../src/proxy/registry.js';
import type { Proxy } from '../../src/proxy/proxy.js';
import { proxySchema, type ProxyInput } from '../../src/proxy/schema.js';

export interface Upstream {
  address: string;
  /** The next connection the upstream accepts (already accepted ones first). */
  accepted(): Promise<Socket>;
}

/** Everything a test opens, closed by `close()` in afterEach. */
export class Sandbox {
  readonly registry = new ProxyRegistry();
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private proxies = 0;

  /** An upstream that hands each connection to `handle` (default: keep it for `accepted()`). */
  async upstream(handle?: (socket: Socket) => void): Promise<Upstream> {
    const waiting: ((socket: Socket) => void)[] = [];
    const ready: Socket[] = [];
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      this.track(socket);
      handle?.(socket);
      const next = waiting.shift();
      if (next) next(socket);
      else ready.push(socket);
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      accepted: () => new Promise((resolve) => (ready.length > 0 ? resolve(ready.shift()!) : waiting.push(resolve))),
    };
  }

  /** An upstream that echoes every byte and ends when the client ends (half-close respected). */
  echo(): Promise<Upstream> {
    return this.upstream((socket) => socket.pipe(socket));
  }

  /** A proxy on a free loopback port in front of `upstream`. */
  proxy(upstream: string, extra: Partial<ProxyInput> = {}): Promise<Proxy> {
    return this.registry.create(proxySchema.parse({ name: `proxy${++this.proxies}`, upstream, ...extra }));
  }

  /** A connected client socket; like most clients it closes when the peer ends, unless `allowHalfOpen`. */
  async connect(address: string, allowHalfOpen = false): Promise<Socket> {
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    const socket = this.track(connect({ host, port, allowHalfOpen }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return socket;
  }

  /** Tracks a socket made elsewhere so it is closed after the test. */
  track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => {});
    return socket;
  }

  async close(): Promise<void> {
    await this.registry.closeAll();
    const sockets = [...this.sockets].map((socket) => {
      const done = socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', resolve));
      socket.destroy();
      return done;
    });
    await Promise.all([...sockets, ...this.servers.map((s) => new Promise((resolve) => s.close(resolve)))]);
  }
}

/** Everything a socket receives until its peer ends (or it closes). */
export function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    const done = () => resolve(Buffer.concat(chunks));
    socket.once('end', done);
    socket.once('close', done);
  });
}

/** Resolves once `size` bytes have arrived (with all of them), rejects when the socket closes first. */
export function readBytes(socket: Socket, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= size) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve(Buffer.concat(chunks));
      }
    };
    const onClose = () => reject(new Error(`socket closed after ${total} of ${size} bytes`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** How a socket ended: the error code it saw (ECONNRESET for a RST) or undefined for a clean close. */
export function closed(socket: Socket): Promise<{ code?: string }> {
  let code: string | undefined;
  socket.on('error', (error: NodeJS.ErrnoException) => (code ??= error.code));
  return new Promise((resolve) => {
    if (socket.closed) return resolve({ code });
    socket.once('close', () => resolve({ code }));
  });
}

/** Collects what arrives for `ms` milliseconds (to assert that nothing does). */
export async function received(socket: Socket, ms: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const onData = (chunk: Buffer) => chunks.push(chunk);
  socket.on('data', onData);
  await new Promise((resolve) => setTimeout(resolve, ms));
  socket.off('data', onData);
  return Buffer.concat(chunks);
}

/** Bytes 0,1,2,…,255,0,1,… so any loss or reordering shows. */
export function pattern(size: number, offset = 0): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buffer[i] = (i + offset) & 0xff;
  return buffer;
}
