/**
 * Stock levels from the inventory service, with retry: a 5xx or a dropped connection is tried
 * again with backoff; a 4xx is the caller's mistake and is not.
 *
 *   GET /stock/{sku} ─✘ 503 ─ wait 20ms ─ try ─✘ ─ wait 40ms ─ try ─✔
 */
import { withRetry } from './retry.ts';

export interface Stock {
  sku: number;
  available: number;
}

/** The inventory did not answer, or answered with an error, after every try. */
export class InventoryUnavailableError extends Error {
  override name = 'InventoryUnavailableError';
}

class InventoryStatusError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`inventory answered ${status}`);
    this.status = status;
  }
}

export class Inventory {
  private readonly url: string;
  private readonly options: { retries: number; timeoutMs?: number };

  constructor(url: string, options: { retries: number; timeoutMs?: number }) {
    this.url = url;
    this.options = options;
  }

  async stock(sku: number): Promise<Stock> {
    try {
      return await withRetry(() => this.fetchStock(sku), {
        retries: this.options.retries,
        baseMs: 20,
        jitter: 0.2,
        retryable: (error) => !(error instanceof InventoryStatusError) || error.status >= 500,
      });
    } catch (error) {
      throw new InventoryUnavailableError(`inventory: ${(error as Error).message}`);
    }
  }

  private async fetchStock(sku: number): Promise<Stock> {
    const answer = await fetch(`${this.url}/stock/${sku}`, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 1000) });
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new InventoryStatusError(answer.status);
    }
    return (await answer.json()) as Stock;
  }
}
