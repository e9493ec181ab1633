/**
 * The shop: a small HTTP service whose dependencies can fail, and which keeps answering when
 * they do.
 *
 *   POST /orders          ──► PostgreSQL (timeouts, retry with backoff, idempotent insert)
 *   GET  /orders/{id}     ──► Redis (fail-open cache) ──► PostgreSQL
 *   POST /assist          ──► LLM primary ──► LLM fallback (retries, circuit breaker, 429 backoff)
 *   GET  /products/{sku}  ──► Redis ──► LLM ──► a stale copy when no provider answers
 *   GET  /stock/{sku}     ──► the inventory service, through an HTTP fault proxy (retries on 5xx)
 *   GET  /health
 *
 * Run: node examples/shop/src/server.ts (Node 24 runs TypeScript as it is). SHOP_RETRIES=0
 * switches retries and failover off: the broken variant the gate catches.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RedisCache } from './cache.ts';
import { Catalogue } from './catalogue.ts';
import { httpProvider, LlmUnavailableError, ResilientLlm } from './llm.ts';
import { DatabaseUnavailableError, Orders, type Order } from './orders.ts';
import { settingsFromEnv } from './settings.ts';
import { Inventory, InventoryUnavailableError } from './stock.ts';

const settings = settingsFromEnv();
const orders = new Orders(settings.databaseUrl, { retries: settings.retries });
const cache = new RedisCache(settings.redisUrl, { reconnect: settings.redisReconnect });
const llm = new ResilientLlm(
  settings.llmUrls.map((url, i) => httpProvider(i === 0 ? 'primary' : `fallback${i > 1 ? i : ''}`, url)),
  { retries: settings.retries, failover: settings.failover },
);
const catalogue = new Catalogue(llm, cache, { freshMs: settings.cacheFreshMs });
const inventory = new Inventory(settings.inventoryUrl, { retries: settings.retries });

const ORDER_CACHE_MS = 60_000;

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

async function route(req: IncomingMessage): Promise<Reply> {
  const { pathname } = new URL(req.url ?? '/', 'http://shop');
  const method = req.method ?? 'GET';
  let match: RegExpExecArray | null;

  if (method === 'GET' && pathname === '/health') {
    return { status: 200, body: { status: 'ok', cache: cache.health(), circuits: llm.circuits(), rate_limited: llm.rateLimited(), retries: settings.retries } };
  }

  if (method === 'POST' && pathname === '/orders') {
    const input = await readJson(req);
    const sku = input?.sku;
    const qty = input?.qty ?? 1;
    if (!Number.isInteger(sku) || sku <= 0 || !Number.isInteger(qty) || qty <= 0) {
      return { status: 400, body: { error: 'expected {"sku": <whole number>, "qty": <whole number>, "customer": "<optional text>"}' } };
    }
    const customer = typeof input.customer === 'string' ? input.customer : undefined;
    // The client's Idempotency-Key makes its own retries safe; without one each request is a new order.
    const requestId = header(req, 'idempotency-key') ?? randomUUID();
    const { order, replayed, attempts } = await orders.create({ requestId, sku, qty, customer });
    return { status: replayed ? 200 : 201, body: { order, replayed, attempts } };
  }

  if (method === 'GET' && (match = /^\/orders\/(\d{1,18})$/.exec(pathname))) {
    const id = match[1];
    const cached = parseOrder(await cache.get(`shop:order:${id}`));
    if (cached) return { status: 200, body: { order: cached }, headers: { 'x-cache': 'hit' } };
    const order = await orders.get(id);
    if (!order) return { status: 404, body: { error: `no order ${id}` } };
    await cache.set(`shop:order:${id}`, JSON.stringify(order), ORDER_CACHE_MS);
    return { status: 200, body: { order }, headers: { 'x-cache': 'miss' } };
  }

  if (method === 'POST' && pathname === '/assist') {
    const question = (await readJson(req))?.question;
    if (typeof question !== 'string' || question.trim() === '') return { status: 400, body: { error: 'expected {"question": "…"}' } };
    const { text, provider, attempts } = await llm.complete(question);
    return { status: 200, body: { answer: text, provider, attempts } };
  }

  if (method === 'GET' && (match = /^\/products\/(\d{1,9})$/.exec(pathname))) {
    return { status: 200, body: await catalogue.describe(Number(match[1])) };
  }

  if (method === 'GET' && (match = /^\/stock\/(\d{1,9})$/.exec(pathname))) {
    return { status: 200, body: await inventory.stock(Number(match[1])) };
  }

  return { status: 404, body: { error: `no route ${method} ${pathname}` } };
}

/** What a failure looks like to the client: a dependency that is down is a 503 with Retry-After. */
function failure(error: unknown): Reply {
  if (error instanceof DatabaseUnavailableError || error instanceof LlmUnavailableError || error instanceof InventoryUnavailableError) {
    return { status: 503, body: { error: error.message }, headers: { 'retry-after': '1' } };
  }
  if (error instanceof SyntaxError) return { status: 400, body: { error: `the body is not JSON: ${error.message}` } };
  console.error(error);
  return { status: 500, body: { error: 'internal error' } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deferred: the demo's handlers validate fields at run time; typing them is follow-up
async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}

/** A cached order, or undefined for a miss or an entry that is not one (then PostgreSQL answers). */
function parseOrder(text: string | undefined): Order | undefined {
  if (text === undefined) return undefined;
  try {
    const order = JSON.parse(text) as Order;
    return typeof order?.id === 'string' ? order : undefined;
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body));
}

const server = createServer((req, res) => {
  route(req).then(
    (reply) => send(res, reply),
    (error: unknown) => send(res, failure(error)),
  );
});

await orders.init();
if (!(await cache.ready())) console.warn('redis is not reachable; starting without the cache');
server.listen(settings.port, '127.0.0.1', () => {
  console.log(`shop on http://127.0.0.1:${settings.port} (retries ${settings.retries}, failover ${settings.failover ? 'on' : 'off'})`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.allSettled([orders.close(), cache.close()]).then(() => process.exit(0));
});
