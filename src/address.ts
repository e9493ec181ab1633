/** `host:port` addresses, as written in chaos-gate.yml and the control API. */
import type { AddressInfo, Server } from 'node:net';

/** Splits `host:port` or `[::1]:port`; throws a plain message naming what was expected. */
export function splitHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!match) throw new Error(`expected host:port, got "${address}"`);
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range 0..65535`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/**
 * Connections the kernel may hold for accept(), as Go's net (Toxiproxy) asks: the kernel caps it
 * at net.core.somaxconn. Node's default, 511, overflows when a thousand clients connect at once
 * to a busy process; each one over waits out SYN-ACK retries (1 s, 3 s, 7 s…) before it is accepted.
 */
const LISTEN_BACKLOG = 4096;

/** Binds `server` to a `host:port`; rejects with the OS error (code EADDRINUSE…) when it cannot. */
export async function listenOn(server: Server, address: string): Promise<AddressInfo> {
  const { host, port } = splitHostPort(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
