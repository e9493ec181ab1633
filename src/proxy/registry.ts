/**
 * Every proxy of a run, by name: what the control API, the config (`proxies:`) and chaos
 * experiments act on.
 *
 *   control API / config / experiments ──► ProxyRegistry ──► Proxy ──► Connection ──► Link ──► stages
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { splitHostPort } from '../address.js';
import { ApiError } from '../control/errors.js';
import { prometheusText } from './prometheus.js';
import { Proxy } from './proxy.js';
import type { ProxyDefinition, ProxyUpdate, ToxicDefinition, ToxicUpdate } from './schema.js';
import type { Toxic } from './toxic.js';

export interface ProxyRegistryOptions {
  /** A toxic added at run time (API, experiment) removes itself after this (safety.fault_ttl). */
  faultTtlMs?: number;
  /** Why an upstream must not be used (safety.allow_remote), or undefined; checked on create, update and populate. */
  refuseUpstream?: (upstream: string) => string | undefined;
}

export class ProxyRegistry {
  private readonly proxies = new Map<string, Proxy>();
  /** Expiry timers of run-time toxics, by `proxy/toxic`. */
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: ProxyRegistryOptions = {}) {}

  /**
   * Creates a proxy with its toxics and starts it (unless `enabled: false`). Rejects with a 409
   * ApiError for a taken name, a 400 for an upstream host that does not resolve, and the OS
   * error (code EADDRINUSE…) when the listen address cannot be bound.
   */
  async create(definition: ProxyDefinition): Promise<Proxy> {
    if (this.proxies.has(definition.name)) throw ApiError.conflict('proxy');
    this.checkUpstream(definition.upstream, 'upstream');
    const proxy = new Proxy(definition);
    this.proxies.set(proxy.name, proxy); // the name is taken from now on, even while starting
    try {
      await checkResolvable(definition.upstream);
      if (definition.enabled) await proxy.start();
      return proxy;
    } catch (error) {
      this.proxies.delete(proxy.name);
      throw error;
    }
  }

  /** The proxy named so; a 404 ApiError otherwise. */
  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ApiError.notFound('proxy');
    return proxy;
  }

  /** Every proxy, in creation order. */
  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  /** Stops and forgets a proxy; its connections are closed. */
  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.shutdown();
  }

  /**
   * Toxiproxy's /populate: a proxy of the same name, listen and upstream is kept (its toxics
   * replaced when the definition lists `toxics`); a different one is replaced; others are
   * created. Every upstream is checked before anything changes. Resolves in definition order.
   */
  async populate(definitions: readonly ProxyDefinition[]): Promise<Proxy[]> {
    const names = new Set<string>();
    for (const [i, definition] of definitions.entries()) {
      if (names.has(definition.name)) throw ApiError.badField(`[${i}].name`, `duplicate proxy name "${definition.name}"`);
      names.add(definition.name);
      this.checkUpstream(definition.upstream, `[${i}].upstream`);
      await checkResolvable(definition.upstream, `[${i}].upstream`);
    }
    const result: Proxy[] = [];
    for (const [i, definition] of definitions.entries()) {
      const existing = this.proxies.get(definition.name);
      if (existing && existing.listen === definition.listen && existing.upstream === definition.upstream) {
        if (definition.toxics) {
          existing.removeAllToxics();
          for (const toxic of definition.toxics) existing.addToxic(toxic);
        }
        result.push(existing);
        continue;
      }
      if (existing) await this.remove(definition.name);
      try {
        result.push(await this.create(definition));
      } catch (error) {
        throw listenFailure(error, `[${i}].listen`, definition.listen);
      }
    }
    return result;
  }

  /** Toxiproxy's proxy update (see Proxy.update); a new upstream must resolve. */
  async update(name: string, change: ProxyUpdate): Promise<Proxy> {
    const proxy = this.get(name);
    if (change.upstream !== undefined) {
      this.checkUpstream(change.upstream, 'upstream');
      await checkResolvable(change.upstream);
    }
    await proxy.update(change);
    return proxy;
  }

  /**
   * Toxiproxy's /reset: every proxy enabled and accepting, every toxic removed (what they hold is
   * passed on). Faults go first, on every proxy: one that cannot listen again (a 400 naming it)
   * must not leave the others faulted.
   */
  async reset(): Promise<void> {
    this.clearExpiries();
    for (const proxy of this.proxies.values()) {
      proxy.removeAllToxics();
      proxy.setAccepting(true);
    }
    const failures: string[] = [];
    for (const proxy of this.proxies.values()) {
      await proxy.start().catch((error: unknown) => {
        const failure = listenFailure(error, 'listen', proxy.listen);
        failures.push(`${proxy.name}: ${failure instanceof Error ? failure.message : String(failure)}`);
      });
    }
    if (failures.length > 0) throw ApiError.bad(failures.join('; '));
  }

  /** Adds a toxic to a proxy; its live connections get it at once. 404/409 ApiErrors for an unknown proxy or a taken name. */
  addToxic(proxyName: string, definition: ToxicDefinition): Toxic {
    const toxic = this.get(proxyName).addToxic(definition);
    const { faultTtlMs } = this.options;
    if (faultTtlMs !== undefined) {
      const key = `${proxyName}/${toxic.name}`;
      const timer = setTimeout(() => {
        this.expiries.delete(key);
        try {
          this.proxies.get(proxyName)?.removeToxic(toxic.name);
        } catch {
          // Removed meanwhile (the proxy was deleted); nothing is left faulted.
        }
      }, faultTtlMs);
      timer.unref();
      this.expiries.set(key, timer);
    }
    return toxic;
  }

  /** New attributes (merged) and toxicity for a toxic; 400 naming the field when they are bad. */
  updateToxic(proxyName: string, toxicName: string, change: ToxicUpdate): Toxic {
    return this.get(proxyName).updateToxic(toxicName, change);
  }

  /** Removes a toxic; what it holds on live connections is passed on first. */
  removeToxic(proxyName: string, toxicName: string): void {
    this.get(proxyName).removeToxic(toxicName);
    const key = `${proxyName}/${toxicName}`;
    clearTimeout(this.expiries.get(key));
    this.expiries.delete(key);
  }

  /** Prometheus text for GET /metrics: bytes and connections per proxy and direction, active toxics. */
  prometheus(): string {
    return prometheusText(this.list());
  }

  /** Closes every listener and every connection; afterwards no socket of ours stays open. */
  async closeAll(): Promise<void> {
    this.clearExpiries();
    const proxies = this.list();
    this.proxies.clear();
    await Promise.all(proxies.map((p) => p.shutdown()));
  }

  /** A 403 naming the field when the run's safety rules refuse this upstream. */
  private checkUpstream(upstream: string, field: string): void {
    const why = this.options.refuseUpstream?.(upstream);
    if (why) throw new ApiError(403, `${field}: ${why}`);
  }

  private clearExpiries(): void {
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
  }
}

/** An upstream whose host does not resolve can never be reached: say so now, naming the field. */
async function checkResolvable(upstream: string, field = 'upstream'): Promise<void> {
  const { host } = splitHostPort(upstream);
  if (isIP(host)) return;
  try {
    await lookup(host);
  } catch {
    throw ApiError.badField(field, `host "${host}" does not resolve`);
  }
}

/** An OS error from binding `address` as the API reports it: 409 when taken, 400 when not ours; others unchanged. */
export function listenFailure(error: unknown, field: string, address: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new ApiError(409, `${field}: ${address} is already in use`);
  if (code === 'EADDRNOTAVAIL') return ApiError.badField(field, `${address} is not an address of this machine`);
  if (code === 'EACCES') return ApiError.badField(field, `no permission to listen on ${address}`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ApiError.badField(field, `host of ${address} does not resolve`);
  return error;
}
