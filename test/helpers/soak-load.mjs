/**
 * The soak's traffic, in its own process (the proxy under test keeps its own event loop, as in
 * a real run): a checksumming echo server, and N clients that each send a random chunk through the
 * proxy on every round the test calls, and read the echo back. Rounds come with the test's progress,
 * not with the clock: the bytes a soak moves are the same on a fast machine and on a busy one.
 *
 *   client ──► proxy (the test process, toxics toggled) ──► echo server (sha256 of what arrived)
 *   client ◄── proxy ◄──────────────────────────────────── echo server (sends it back)
 *
 * Protocol, one JSON line each way:
 *   stdout {"echo":"127.0.0.1:P"}                  the proxy's upstream
 *   stdin  {"go":"127.0.0.1:Q"}                     connect N clients through the proxy
 *   stdout {"connected":N}
 *   stdin  {"round":true}                           every client sends one chunk (repeatable)
 *   stdin  {"stop":true}                            half-close, wait for every echo
 *   stdout {"result":{…}}                          per-direction bytes, mismatches, errors
 * Every stream starts with an 8-byte connection id, so the server knows whose bytes it hashed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

const connections = Number(process.argv[2] ?? 1000);
const chunkBytes = Number(process.argv[3] ?? 1024);

const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** What the echo server saw, by connection id: bytes and sha256 of the upstream direction. */
const arrived = new Map();
const server = createServer({ allowHalfOpen: true }, (socket) => {
  const hash = createHash('sha256');
  let bytes = 0;
  let id = '';
  socket.on('data', (chunk) => {
    if (id.length < 8) id += chunk.subarray(0, 8 - id.length).toString('latin1');
    hash.update(chunk);
    bytes += chunk.length;
    socket.write(chunk);
  });
  socket.on('end', () => {
    arrived.set(id, { bytes, sha256: hash.digest('hex') });
    socket.end();
  });
  socket.on('error', () => undefined);
});
// A thousand connections arrive at once: a backlog above Node's 511, or some wait out SYN-ACK retries.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => say({ echo: `127.0.0.1:${server.address().port}` }));

const clients = [];

function client(id, host, port) {
  return new Promise((resolve) => {
    const sent = createHash('sha256');
    const received = createHash('sha256');
    const state = { id, bytesSent: 0, bytesReceived: 0, error: undefined, connected: undefined, send: undefined, finish: undefined };
    const socket = connect({ host, port, allowHalfOpen: true, noDelay: true });
    const send = (chunk) => {
      sent.update(chunk);
      state.bytesSent += chunk.length;
      socket.write(chunk);
    };
    state.connected = new Promise((ok) => socket.once('connect', ok));
    socket.once('connect', () => send(Buffer.from(id, 'latin1')));
    state.send = () => send(randomBytes(chunkBytes));
    socket.on('data', (chunk) => {
      received.update(chunk);
      state.bytesReceived += chunk.length;
    });
    socket.on('end', () => {
      socket.end();
      resolve({ ...state, sent: sent.digest('hex'), received: received.digest('hex') });
    });
    socket.on('error', (error) => {
      state.error = error.code ?? error.message;
      resolve({ ...state, sent: sent.digest('hex'), received: 'error' });
    });
    state.finish = () => socket.end();
    clients.push(state);
  });
}

const lines = createInterface({ input: process.stdin });
let results;
lines.on('line', async (line) => {
  const message = JSON.parse(line);
  if (message.go) {
    const [host, port] = [message.go.slice(0, message.go.lastIndexOf(':')), Number(message.go.slice(message.go.lastIndexOf(':') + 1))];
    results = [];
    for (let i = 0; i < connections; i++) results.push(client(String(i).padStart(8, '0'), host, port));
    await Promise.all(clients.map((c) => c.connected));
    say({ connected: clients.length });
  }
  if (message.round) for (const c of clients) c.send();
  if (message.stop) {
    for (const c of clients) c.finish();
    const finished = await Promise.all(results);
    const problems = [];
    let up = 0;
    let down = 0;
    for (const c of finished) {
      const there = arrived.get(c.id);
      up += c.bytesSent;
      down += c.bytesReceived;
      if (c.error) problems.push(`${c.id}: ${c.error}`);
      else if (!there) problems.push(`${c.id}: never reached the server`);
      else if (there.bytes !== c.bytesSent || there.sha256 !== c.sent)
        problems.push(`${c.id}: upstream sent ${c.bytesSent} B, server got ${there.bytes} B${there.sha256 === c.sent ? '' : ' (checksum differs)'}`);
      else if (c.bytesReceived !== c.bytesSent || c.received !== c.sent)
        problems.push(`${c.id}: downstream echoed ${c.bytesSent} B, client got ${c.bytesReceived} B${c.received === c.sent ? '' : ' (checksum differs)'}`);
    }
    say({ result: { connections: finished.length, bytesUp: up, bytesDown: down, problems: problems.slice(0, 20), problemCount: problems.length } });
    server.close();
    lines.close();
  }
});
