/**
 * Everything the shop reads from its environment. The defaults are the addresses the example's
 * chaos-gate.yml gives it: PostgreSQL and Redis through chaos proxies, two mocked LLM providers,
 * the inventory service through an HTTP fault proxy.
 *
 * SHOP_RETRIES=0 is the broken variant: no retries and no failover, the resilience switched off.
 * SHOP_REDIS_RECONNECT=0 is a quieter one: the Redis client's retry removed, so a lost connection
 * stays lost; the shop still answers (from PostgreSQL), but its cache never comes back.
 */

export interface Settings {
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Whether the Redis client reconnects after losing its connection. */
  redisReconnect: boolean;
  /** Providers in order of preference: the first is the primary, the rest are fallbacks. */
  llmUrls: string[];
  /** The inventory service (through the HTTP fault proxy in the example's chaos-gate.yml). */
  inventoryUrl: string;
  /** Retries after a failed try (0: try once). */
  retries: number;
  /** Whether a failed primary hands over to the fallback provider. */
  failover: boolean;
  /** How long a generated product description is fresh, ms; older copies are served only when no provider answers. */
  cacheFreshMs: number;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const retries = whole(env.SHOP_RETRIES, 3, 'SHOP_RETRIES');
  return {
    port: whole(env.PORT, 18100, 'PORT'),
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:18101/test',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:18102',
    redisReconnect: whole(env.SHOP_REDIS_RECONNECT, 1, 'SHOP_REDIS_RECONNECT') > 0,
    llmUrls: [env.LLM_PRIMARY_URL ?? 'http://127.0.0.1:18103', env.LLM_FALLBACK_URL ?? 'http://127.0.0.1:18104'],
    inventoryUrl: env.INVENTORY_URL ?? 'http://127.0.0.1:18109',
    retries,
    failover: retries > 0,
    cacheFreshMs: whole(env.SHOP_CACHE_FRESH_MS, 2000, 'SHOP_CACHE_FRESH_MS'),
  };
}

function whole(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: expected a whole number ≥ 0, got "${text}"`);
  return value;
}
