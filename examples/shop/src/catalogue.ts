/**
 * Product descriptions written by the LLM and cached, served stale when no provider answers:
 *
 *   fresh copy in the cache ──► serve it
 *   otherwise ──► ask the LLM ──► cache and serve the answer
 *                     ✘ ──► an older copy? serve it, marked stale : 503
 */
import type { CacheStore } from './cache.ts';
import type { Completion } from './llm.ts';

export interface Description {
  sku: number;
  text: string;
  /** `cache`: a fresh copy; `llm`: written just now; `stale`: an old copy, because no provider answered. */
  source: 'cache' | 'llm' | 'stale';
  stale: boolean;
  provider?: string;
  /** Age of a cached copy, ms. */
  age_ms?: number;
}

interface Cached {
  text: string;
  /** Epoch ms when it was written. */
  at: number;
}

export interface CatalogueOptions {
  /** How long a copy is fresh, ms. */
  freshMs: number;
  /** How long a copy is kept for stale serving, ms. */
  keepMs?: number;
  now?: () => number;
}

/** The cache key of a product's description; tests read and age it directly. */
export const descriptionKey = (sku: number) => `shop:product:${sku}`;

export class Catalogue {
  private readonly llm: { complete(prompt: string): Promise<Completion> };
  private readonly cache: CacheStore;
  private readonly options: Required<CatalogueOptions>;

  constructor(llm: { complete(prompt: string): Promise<Completion> }, cache: CacheStore, options: CatalogueOptions) {
    this.llm = llm;
    this.cache = cache;
    this.options = { keepMs: 3_600_000, now: Date.now, ...options };
  }

  async describe(sku: number): Promise<Description> {
    const cached = parse(await this.cache.get(descriptionKey(sku)));
    const age = cached ? Math.max(0, this.options.now() - cached.at) : undefined;
    if (cached && age! < this.options.freshMs) return { sku, text: cached.text, source: 'cache', stale: false, age_ms: age };
    try {
      const completion = await this.llm.complete(`Describe product ${sku} of our shop in one sentence.`);
      await this.cache.set(descriptionKey(sku), JSON.stringify({ text: completion.text, at: this.options.now() } satisfies Cached), this.options.keepMs);
      return { sku, text: completion.text, source: 'llm', stale: false, provider: completion.provider };
    } catch (error) {
      if (cached) return { sku, text: cached.text, source: 'stale', stale: true, age_ms: age };
      throw error;
    }
  }
}

function parse(text: string | undefined): Cached | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Cached>;
    return typeof value.text === 'string' && typeof value.at === 'number' ? (value as Cached) : undefined;
  } catch {
    return undefined;
  }
}
