// What the integration and chaos tests share: the shop's address, a JSON call, and the real
// PostgreSQL and Redis seen directly (not through the proxies), to check what the shop wrote.
import { Redis } from 'ioredis';
import pg from 'pg';

export const SHOP = process.env.SHOP_URL ?? 'http://127.0.0.1:18100';

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deferred: the demo tests read many response shapes; typing them is follow-up
  body: any;
  ms: number;
}

/** One request to the shop; the body is parsed as JSON. */
export async function shop(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(SHOP + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
}

/** PostgreSQL without the proxy: the ground truth about which orders exist. */
export async function database(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.SHOP_DIRECT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await client.connect();
  return client;
}

/** Redis without the proxy. */
export function redis(): Redis {
  return new Redis(process.env.SHOP_DIRECT_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
}

/** A name no earlier run used, for rows and keys this run looks for. */
export const runId = `${Date.now().toString(36)}-${process.pid}`;

/** Polls `check` every 50 ms until it holds; fails after `timeoutMs`, saying what did not happen. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until no circuit of the shop is open, no rate-limited provider is waited out and its
 * cache is connected, then lets a half-open primary close with one successful call: each test
 * starts from a shop that healed from the one before.
 */
export async function healed(timeoutMs = 5000): Promise<void> {
  let circuits: Record<string, string> = {};
  await until(
    async () => {
      const { body } = await shop('GET', '/health');
      circuits = body.circuits;
      const waiting = Object.keys(body.rate_limited).length > 0;
      return body.cache.connection === 'ready' && body.cache.circuit !== 'open' && !Object.values(circuits).includes('open') && !waiting;
    },
    timeoutMs,
    'the shop has healed: no circuit open, no provider rate limited, cache connected',
  );
  if (circuits.primary === 'half_open') await shop('POST', '/assist', { question: 'Are you back?' });
}
