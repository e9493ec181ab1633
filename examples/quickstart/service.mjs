// The system under test: GET /quote asks a provider (through the chaos proxy) for a quote.
// With RETRIES=0 it gives up on the first failure — the broken variant the gate catches.
import { createServer } from 'node:http';
import { withRetry } from './retry.mjs';

const provider = process.env.PROVIDER_URL ?? 'http://127.0.0.1:18091';
const tries = 1 + Number(process.env.RETRIES ?? 3);
const port = Number(process.env.PORT ?? 18090);

async function quote() {
  return withRetry(
    async (signal) => {
      const response = await fetch(`${provider}/v1/quote`, { method: 'POST', signal });
      if (!response.ok) throw new Error(`provider answered ${response.status}`);
      return response.json();
    },
    { tries },
  );
}

const server = createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  if (req.url !== '/quote') return res.writeHead(404).end();
  try {
    const body = JSON.stringify(await quote());
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } catch (error) {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error.message ?? error) }));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`quote service on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
