// The far ends of the process bench, in a process of their own:
//   sink: reads an 8-byte length N, then counts bytes; at N it answers the count as 16 digits,
//         so the client can check bytes received == bytes sent.
//   echo: writes back what it reads.
//   http: a bare node:http server answering a small JSON (the mock peer and the load target);
//         on an IPC 'count' it replies with the requests since the last 'count' and the span
//         between the first and the last.
// Prints {"sink","echo","http"} (host:port) as one JSON line on stdout.
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';

const ITEM = JSON.stringify({ id: 'sku-123', name: 'Walking shoe', price: 42.5, currency: 'EUR', in_stock: true });

const sink = createServer((socket) => {
  socket.on('error', () => {});
  let header = Buffer.alloc(0);
  let expected = -1;
  let count = 0;
  socket.on('data', (chunk) => {
    if (expected < 0) {
      header = Buffer.concat([header, chunk]);
      if (header.length < 8) return;
      expected = Number(header.readBigUInt64BE(0));
      chunk = header.subarray(8);
    }
    count += chunk.length;
    if (count >= expected) socket.write(String(count).padStart(16, '0'));
  });
});
const echo = createServer((socket) => {
  socket.on('error', () => {});
  socket.setNoDelay(true);
  socket.pipe(socket);
});
let requests = 0;
let first = 0;
let last = 0;
const http = createHttpServer((req, res) => {
  const now = performance.now();
  if (requests++ === 0) first = now;
  last = now;
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(ITEM);
});
http.keepAliveTimeout = 60_000;
process.on('message', (message) => {
  if (message !== 'count') return;
  process.send({ count: requests, spanMs: last - first });
  requests = 0;
});
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${server.address().port}`)));
const [s, e, h] = await Promise.all([sink, echo, http].map(listen));
process.stdout.write(`${JSON.stringify({ sink: s, echo: e, http: h })}\n`);
