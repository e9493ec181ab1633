/**
 * The soak's traffic, in its own process (the proxy under test keeps its own event loop, as in
 * a real run): a checksumming echo server, and N clients that each stream paced random chunks
 * through the proxy and read the echo back.
 *
 *   client ──► proxy (the test process, toxics toggled) ──► echo server (sha256 of what arrived)
 *   client ◄── proxy ◄──────────────────────────────────── echo server (sends it back)
 *
 * Protocol, one JSON line each way:
 *   stdout {"echo":"127.0.0.1:P"}                  the proxy's upstream
 *   stdin  {"go":"127.0.0.1:Q"}                     connect N clients through the proxy, start streaming
 *   stdout {"connected":N}
 *   stdin  {"stop":true}                            send what is left, half-close, wait for every echo
 *   stdout {"result":{…}}                          per-direction bytes, mismatches, errors
 * Every stream starts with an 8-byte connection id, so the server knows whose bytes it hashed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

const connections = Number(process.argv[2] ?? 1000);
const chunkBytes = Number(process.argv[3] ?? 1024);
const intervalMs = Number(process.argv[4] ?? 250);

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
server.listen(0, '127.0.0.1', () => say({ echo: `127.0.0.1:${server.address().port}` }));

const clients = [];
let stopping = false;

function client(id, host, port) {
  return new Promise((resolve) => {
    const sent = createHash('sha256');
    const received = createHash('sha256');
    const state = { id, bytesSent: 0, bytesReceived: 0, error: undefined, connected: undefined, finish: undefined };
    const socket = connect({ host, port, allowHalfOpen: true, noDelay: true });
    let timer;
    const send = (chunk) => {
      sent.update(chunk);
      state.bytesSent += chunk.length;
      socket.write(chunk);
    };
    state.connected = new Promise((ok) => socket.once('connect', ok));
    socket.once('connect', () => {
      send(Buffer.from(id, 'latin1'));
      // A random phase, so the clients do not all write in the same tick.
      const tick = () => {
        if (stopping) return;
        send(randomBytes(chunkBytes));
        timer = setTimeout(tick, intervalMs);
      };
      timer = setTimeout(tick, Math.random() * intervalMs);
    });
    socket.on('data', (chunk) => {
      received.update(chunk);
      state.bytesReceived += chunk.length;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      resolve({ ...state, sent: sent.digest('hex'), received: received.digest('hex') });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      state.error = error.code ?? error.message;
      resolve({ ...state, sent: sent.digest('hex'), received: 'error' });
    });
    state.finish = () => {
      clearTimeout(timer);
      socket.end();
    };
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
  if (message.stop) {
    stopping = true;
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
      else if (there.bytes !== c.bytesSent || there.sha256 !== c.sent) problems.push(`${c.id}: upstream sent ${c.bytesSent} B, server got ${there.bytes} B${there.sha256 === c.sent ? '' : ' (checksum differs)'}`);
      else if (c.bytesReceived !== c.bytesSent || c.received !== c.sent) problems.push(`${c.id}: downstream echoed ${c.bytesSent} B, client got ${c.bytesReceived} B${c.received === c.sent ? '' : ' (checksum differs)'}`);
    }
    say({ result: { connections: finished.length, bytesUp: up, bytesDown: down, problems: problems.slice(0, 20), problemCount: problems.length } });
    server.close();
    lines.close();
  }
});
