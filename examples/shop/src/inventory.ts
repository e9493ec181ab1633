/**
 * The inventory: a second real service the shop calls over HTTP, through chaos-gate's HTTP fault
 * proxy (not a mock). The proxy passes its answers through, and an experiment makes 30% of them 503.
 *
 *   shop ──► http proxy "inventory" :18109 ──► inventory :18108
 *
 *   GET /stock/{sku}   → { sku, available }
 *   GET /health
 *
 * Run: node examples/shop/src/inventory.ts (PORT, default 18108).
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 18108);

createServer((req, res) => {
  const match = /^\/stock\/(\d{1,9})$/.exec(req.url ?? '');
  res.setHeader('content-type', 'application/json');
  if (req.method === 'GET' && match) {
    const sku = Number(match[1]);
    res.end(JSON.stringify({ sku, available: 100 - (sku % 7) }));
  } else if (req.method === 'GET' && req.url === '/health') {
    res.end('{"status":"ok"}');
  } else {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: `no route ${req.method} ${req.url}` }));
  }
}).listen(port, '127.0.0.1', () => console.log(`inventory on http://127.0.0.1:${port}`));
