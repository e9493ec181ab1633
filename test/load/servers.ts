/** Real loopback servers for the load tests: each counts what it saw and closes cleanly. */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  /** Requests the server received (counted when their head arrived). */
  requests: number;
  /** TCP connections it accepted. */
  connections: number;
  close(): Promise<void>;
}

/** An HTTP server on port 0 answering with `handler` (default: 200 "ok"). */
export async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok'),
): Promise<TestServer & { server: Server }> {
  const server = createHttpServer((req, res) => {
    state.requests += 1;
    handler(req, res);
  });
  server.on('connection', () => (state.connections += 1));
  const state = await listen(server, () => {
    server.closeAllConnections();
  });
  return Object.assign(state, { server });
}

/** A raw TCP server: `onSocket` decides what each connection does (reset, stay silent, …). */
export async function tcpServer(onSocket: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    state.connections += 1;
    socket.once('data', () => (state.requests += 1));
    onSocket(socket);
  });
  const state = await listen(server, () => {
    for (const socket of sockets) socket.destroy();
  });
  return state;
}

async function listen(server: Server | NetServer, dropConnections: () => void): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests: 0,
    connections: 0,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropConnections();
      });
      return closed;
    },
  };
}
