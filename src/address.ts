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

/** Binds `server` to a `host:port`; rejects with the OS error (code EADDRINUSE…) when it cannot. */
export async function listenOn(server: Server, address: string): Promise<AddressInfo> {
  const { host, port } = splitHostPort(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
