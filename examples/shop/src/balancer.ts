/**
 * A tiny round-robin HTTP balancer in front of the shop's two instances, so a crash of one is a
 * failover, not an outage:
 *
 *   load ──► balancer :18107 ──► shop :18100  ─┐ a refused or reset connection (the instance is down)
 *                             └─► shop-2 :18106 ◄┘ is retried once on the other instance
 *
 * SHOP_RETRIES=0 (the broken variant) switches the failover off, as it does the shop's own.
 */
import { request, createServer, type IncomingMessage } from 'node:http';
import { settingsFromEnv } from './settings.ts';

const backends = (process.env.BACKENDS ?? '127.0.0.1:18100,127.0.0.1:18106').split(',').map((b) => {
  const [host, port] = b.split(':');
  return { host, port: Number(port) };
});
const failover = settingsFromEnv().failover;
let next = 0;

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

createServer(async (req, res) => {
  const payload = await body(req);
  const first = next++ % backends.length;
  const tries = failover ? backends.length : 1;
  for (let i = 0; i < tries; i++) {
    const backend = backends[(first + i) % backends.length];
    const answered = await new Promise<boolean>((done) => {
      const upstream = request({ ...backend, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        done(true);
      });
      // Down (refused) or dying (reset) before it answered: the next instance gets the request.
      upstream.once('error', () => done(false));
      upstream.end(payload);
    });
    if (answered) return;
  }
  res.writeHead(502).end('no instance answered');
}).listen(Number(process.env.PORT ?? 18107), '127.0.0.1');
