/**
 * Orders in PostgreSQL, written so that a flaky database costs a retry, never an order:
 *
 *   - every query has a timeout (a slow database answers 503 fast instead of hanging the caller);
 *   - connection failures and timeouts are retried with exponential backoff, within a budget;
 *   - an order carries its request id (the client's Idempotency-Key), and the insert is
 *     idempotent: when the acknowledgement is lost after the commit, the retry finds the order
 *     instead of writing it twice.
 */
import pg from 'pg';
import { withRetry } from './retry.ts';

export interface Order {
  /** bigserial, as text (JSON has no 64-bit integers). */
  id: string;
  request_id: string;
  sku: number;
  qty: number;
  customer: string | null;
  created_at: string;
}

export interface NewOrder {
  requestId: string;
  sku: number;
  qty: number;
  customer?: string;
}

export interface OrdersOptions {
  /** Retries after a failed try (0: try once). */
  retries: number;
  /** One query (or one connect) gives up after this, ms. */
  queryTimeoutMs?: number;
  /** No retry starts past this much time since the call began, ms. */
  budgetMs?: number;
  /** The first backoff, ms. */
  baseMs?: number;
}

/** The database did not answer in time, or kept failing; the caller should answer 503. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the order database is not answering: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS shop_orders (
    id         bigserial PRIMARY KEY,
    request_id text NOT NULL UNIQUE,
    sku        integer NOT NULL,
    qty        integer NOT NULL CHECK (qty > 0),
    customer   text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;

const COLUMNS = 'id::text AS id, request_id, sku, qty, customer, created_at';

// One statement: the new order, or the one an earlier try of the same request already committed.
const INSERT = `
  WITH inserted AS (
    INSERT INTO shop_orders (request_id, sku, qty, customer) VALUES ($1, $2, $3, $4)
    ON CONFLICT (request_id) DO NOTHING
    RETURNING ${COLUMNS}
  )
  SELECT *, false AS replayed FROM inserted
  UNION ALL
  SELECT ${COLUMNS}, true AS replayed FROM shop_orders WHERE request_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`;

export class Orders {
  private readonly pool: pg.Pool;
  private readonly options: Required<OrdersOptions>;

  constructor(databaseUrl: string, options: OrdersOptions) {
    this.options = { queryTimeoutMs: 400, budgetMs: 1200, baseMs: 50, ...options };
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 10,
      connectionTimeoutMillis: this.options.queryTimeoutMs,
      idleTimeoutMillis: 10_000,
    });
    // An idle connection that the network dropped is reported here; the pool replaces it.
    this.pool.on('error', () => {});
  }

  /** Creates the table (once per database) and drops test orders older than a day. */
  async init(): Promise<void> {
    await this.query(SCHEMA);
    await this.query(`DELETE FROM shop_orders WHERE created_at < now() - interval '1 day'`);
  }

  /** Stores an order once per request id; `replayed` when it was already there. */
  async create(order: NewOrder): Promise<{ order: Order; replayed: boolean; attempts: number }> {
    const { rows, attempts } = await this.query<Order & { replayed: boolean }>(INSERT, [order.requestId, order.sku, order.qty, order.customer ?? null]);
    const { replayed, ...stored } = rows[0];
    return { order: stored, replayed, attempts };
  }

  async get(id: string): Promise<Order | undefined> {
    const { rows } = await this.query<Order>(`SELECT ${COLUMNS} FROM shop_orders WHERE id = $1`, [id]);
    return rows[0];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** One query with a timeout, retried while the failure is the connection's, not the query's. */
  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<{ rows: R[]; attempts: number }> {
    const started = performance.now();
    const deadline = started + this.options.budgetMs;
    let attempts = 0;
    try {
      const result = await withRetry(
        () => {
          attempts += 1;
          const left = Math.max(1, Math.round(deadline - performance.now()));
          // pg honours a per-query `query_timeout` (its types omit it): no try outlives the budget.
          const config: pg.QueryConfig & { query_timeout: number } = { text, values, query_timeout: Math.min(this.options.queryTimeoutMs, left) };
          return this.pool.query<R>(config);
        },
        { retries: this.options.retries, baseMs: this.options.baseMs, jitter: 0.2, deadline, retryable: isTransient },
      );
      return { rows: result.rows, attempts };
    } catch (error) {
      throw isTransient(error) ? new DatabaseUnavailableError(error) : error;
    }
  }
}

/**
 * Worth another try: the connection failed (reset, closed, timed out: no SQLSTATE) or the server
 * says so (connection exceptions 08xxx, serialization failure, deadlock, shutdown, too many
 * connections). A constraint violation or a syntax error would fail the same way again.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  const code = error.code ?? '';
  return code.startsWith('08') || ['40001', '40P01', '57P01', '57P03', '53300'].includes(code);
}
