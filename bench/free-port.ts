/** A port free on 127.0.0.1 right now (the kernel's pick, released at once), for the benches' processes. */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
