// The plain Node proxy chaos-gate is measured against, as its own process: two pipes per
// connection, default options. `node bench/pipe-proxy.mjs <upstream host:port>...`; prints one
// listening address per upstream (127.0.0.1, a free port), one per line, in the same order.
import { connect, createServer } from 'node:net';

const addresses = await Promise.all(
  process.argv.slice(2).map(
    (upstream) =>
      new Promise((resolve) => {
        const at = upstream.lastIndexOf(':');
        const [host, port] = [upstream.slice(0, at), Number(upstream.slice(at + 1))];
        const server = createServer((client) => {
          const server = connect(port, host);
          client.on('error', () => server.destroy());
          server.on('error', () => client.destroy());
          client.pipe(server);
          server.pipe(client);
        });
        server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${server.address().port}`));
      }),
  ),
);
process.stdout.write(`${addresses.join('\n')}\n`);
