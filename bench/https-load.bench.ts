/**
 * The load generator over TLS, as users run it: `chaos-gate run` with a load stage on an https
 * target (a self-signed certificate, trusted through `tls.ca`) beside the autocannon CLI on the
 * same target, each its own process, alternating rounds; the target counts what it answered.
 *
 *   [ chaos-gate run (load stage) | autocannon ] ──TLS──► node:https target (its own process)
 */
import { execFileSync, spawn } from 'node:child_process';
import { alternateRounds, median, medianRange } from './rounds.js';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROUNDS = 3;
const SECONDS = 5;
const WORK = resolve('.tmp/bench/https-load');

/** Answers a small JSON over TLS; on an IPC 'count' replies with the requests and their span since the last. */
const TARGET = `
const https = require('node:https');
const fs = require('node:fs');
const [key, cert] = [fs.readFileSync(process.argv[1]), fs.readFileSync(process.argv[2])];
const body = JSON.stringify({ id: 'sku-123', name: 'Walking shoe', price: 42.5 });
let requests = 0, first = 0, last = 0;
const server = https.createServer({ key, cert }, (req, res) => {
  const now = performance.now();
  if (requests++ === 0) first = now;
  last = now;
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
});
server.keepAliveTimeout = 60000;
process.on('message', () => { process.send({ count: requests, spanMs: last - first }); requests = 0; });
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const [key, cert] = [join(WORK, 'key.pem'), join(WORK, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const target = spawn(process.execPath, ['-e', TARGET, key, cert], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [{ port }] = (await once(target, 'message')) as [{ port: number }];
  const url = `https://localhost:${port}/`;
  const config = join(WORK, 'load.yml');
  writeFileSync(config, `version: 1\nstages:\n  load: { target: { url: "${url}" }, connections: 50, duration: ${SECONDS}s, tls: { ca: "${cert}" } }\n`);
  const count = async () => {
    target.send('count');
    const [answer] = (await once(target, 'message')) as [{ count: number; spanMs: number }];
    return answer.count / (answer.spanMs / 1000) / 1000;
  };
  const tools: Record<string, string[]> = {
    'chaos-gate': [resolve('dist/cli.js'), 'run', '--config', config, '--report-dir', join(WORK, 'report')],
    // autocannon has no CA option: Node's own variable points it at the same certificate.
    autocannon: [resolve('node_modules/autocannon/autocannon.js'), '-c', '50', '-d', String(SECONDS), url],
  };
  let results: Record<string, number[]>;
  try {
    await count();
    results = await alternateRounds(tools, ROUNDS, count, { NODE_EXTRA_CA_CERTS: cert });
  } finally {
    target.kill();
  }
  const fmt = medianRange;
  console.log(`https, closed model, 50 connections, ${SECONDS} s, ${ROUNDS} alternating rounds; k req/s counted by the target (median, min–max)`);
  console.log(`  chaos-gate run   ${fmt(results['chaos-gate'])}`);
  console.log(`  autocannon       ${fmt(results.autocannon)}`);
  console.log(`  chaos-gate / autocannon: ${(median(results['chaos-gate']) / median(results.autocannon)).toFixed(2)}×`);
}

await main();
