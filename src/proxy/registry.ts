/**
 * Every proxy of a run, by name: what the control API, the config (`proxies:`) and chaos
 * experiments act on.
 *
 *   control API / config / experiments ──► ProxyRegistry ──► Proxy ──► Connection ──► Link ──► stages
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ListenError, splitHostPort } from '../address.js';
import { FaultExpiry } from '../fault-expiry.js';
import { AlreadyExistsError, InvalidProxyInputError, NotFoundError, PopulateError, ResetIncompleteError, UpstreamRefusedError } from './errors.js';
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

/** Expiry ids within a proxy: `toxic:<name>` for a toxic, and ids without that prefix for the proxy's own state. */
const TOXIC = 'toxic:';
const STATE_ENABLED = '~enabled';
const STATE_ACCEPTING = '~accepting';

export class ProxyRegistry {
  private readonly proxies = new Map<string, Proxy>();
  /** Run-time toxics, by proxy and toxic name, removed after safety.fault_ttl. */
  private readonly expiry: FaultExpiry;

  constructor(private readonly options: ProxyRegistryOptions = {}) {
    this.expiry = new FaultExpiry(options.faultTtlMs);
  }

  /**
   * Creates a proxy with its toxics and starts it (unless `enabled: false`). Rejects with
   * AlreadyExistsError, UpstreamRefusedError, InvalidProxyInputError (an upstream host that does
   * not resolve) or ListenError (the listen address cannot be bound). A proxy created at run time
   * (not `declared` in chaos-gate.yml) has its toxics, and its being disabled or not accepting,
   * undone after safety.fault_ttl.
   */
  async create(definition: ProxyDefinition, { declared = false } = {}): Promise<Proxy> {
    if (this.proxies.has(definition.name)) throw new AlreadyExistsError('proxy', definition.name);
    this.checkUpstream(definition.upstream, 'upstream');
    const proxy = new Proxy(definition);
    this.proxies.set(proxy.name, proxy); // the name is taken from now on, even while starting
    try {
      await checkResolvable(definition.upstream);
      if (definition.enabled) await proxy.start();
      if (!declared) {
        for (const toxic of proxy.toxicList()) this.expireToxic(proxy, toxic.name);
        if (!definition.enabled) this.expireState(proxy, 'enabled');
        if (!definition.accepting) this.expireState(proxy, 'accepting');
      }
      return proxy;
    } catch (error) {
      this.proxies.delete(proxy.name);
      throw error;
    }
  }

  /** The proxy named so; throws NotFoundError. */
  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new NotFoundError('proxy', name);
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
    this.expiry.cancel(name);
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
      if (names.has(definition.name)) throw new InvalidProxyInputError(`[${i}].name`, `duplicate proxy name "${definition.name}"`);
      names.add(definition.name);
      this.checkUpstream(definition.upstream, `[${i}].upstream`);
      await checkResolvable(definition.upstream, `[${i}].upstream`);
    }
    const result: Proxy[] = [];
    for (const [i, definition] of definitions.entries()) {
      const existing = this.proxies.get(definition.name);
      if (existing && existing.listen === definition.listen && existing.upstream === definition.upstream) {
        if (definition.toxics) {
          this.expiry.cancel(existing.name);
          existing.removeAllToxics();
          for (const toxic of definition.toxics) this.expireToxic(existing, existing.addToxic(toxic).name);
        }
        result.push(existing);
        continue;
      }
      if (existing) await this.remove(definition.name);
      try {
        result.push(await this.create(definition));
      } catch (error) {
        // As Toxiproxy: the proxies before the one that failed stay, and the caller is told which.
        throw new PopulateError(error instanceof ListenError ? error.at(`[${i}].listen`) : error, result);
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
    // Down or parked is a fault like a toxic: it ends after the TTL unless ended first.
    if (change.enabled === false) this.expireState(proxy, 'enabled');
    else if (proxy.enabled) this.expiry.cancel(name, STATE_ENABLED);
    if (change.accepting === false) this.expireState(proxy, 'accepting');
    else if (proxy.accepting) this.expiry.cancel(name, STATE_ACCEPTING);
    return proxy;
  }

  /**
   * Toxiproxy's /reset: every proxy enabled and accepting, every toxic removed (what they hold is
   * passed on). Faults go first, on every proxy: one that cannot listen again (named in a
   * ResetIncompleteError) must not leave the others faulted.
   */
  async reset(): Promise<void> {
    this.expiry.clear();
    for (const proxy of this.proxies.values()) {
      proxy.removeAllToxics();
      proxy.setAccepting(true);
    }
    const failures: string[] = [];
    for (const proxy of this.proxies.values()) {
      await proxy.start().catch((error: unknown) => {
        failures.push(`${proxy.name}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    if (failures.length > 0) throw new ResetIncompleteError(failures);
  }

  /** Adds a toxic to a proxy; its live connections get it at once. Throws NotFoundError, AlreadyExistsError. */
  addToxic(proxyName: string, definition: ToxicDefinition): Toxic {
    const proxy = this.get(proxyName);
    const toxic = proxy.addToxic(definition);
    this.expireToxic(proxy, toxic.name);
    return toxic;
  }

  /** New attributes (merged) and toxicity for a toxic; InvalidProxyInputError naming the field when they are bad. */
  updateToxic(proxyName: string, toxicName: string, change: ToxicUpdate): Toxic {
    return this.get(proxyName).updateToxic(toxicName, change);
  }

  /** Removes a toxic; what it holds on live connections is passed on first. */
  removeToxic(proxyName: string, toxicName: string): void {
    this.get(proxyName).removeToxic(toxicName);
    this.expiry.cancel(proxyName, TOXIC + toxicName);
  }

  /** Prometheus text for GET /metrics: bytes and connections per proxy and direction, active toxics. */
  prometheus(): string {
    return prometheusText(this.list());
  }

  /** Closes every listener and every connection; afterwards no socket of ours stays open. */
  async closeAll(): Promise<void> {
    this.expiry.clear();
    const proxies = this.list();
    this.proxies.clear();
    await Promise.all(proxies.map((p) => p.shutdown()));
  }

  /** A run-time toxic leaves after the TTL. */
  private expireToxic(proxy: Proxy, toxicName: string): void {
    this.expiry.schedule(proxy.name, TOXIC + toxicName, () => {
      try {
        proxy.removeToxic(toxicName);
      } catch {
        // Removed meanwhile by another way; nothing is left faulted.
      }
    });
  }

  /** A proxy disabled or not accepting at run time is enabled and accepting again after the TTL. */
  private expireState(proxy: Proxy, state: 'enabled' | 'accepting'): void {
    if (state === 'accepting') {
      this.expiry.schedule(proxy.name, STATE_ACCEPTING, () => proxy.setAccepting(true));
      return;
    }
    this.expiry.schedule(proxy.name, STATE_ENABLED, () => {
      // Gone, or its address taken meanwhile: nothing of ours is left faulted either way.
      if (this.proxies.get(proxy.name) === proxy) proxy.start().catch(() => undefined);
    });
  }

  /** UpstreamRefusedError naming the field when the run's safety rules refuse this upstream. */
  private checkUpstream(upstream: string, field: string): void {
    const why = this.options.refuseUpstream?.(upstream);
    if (why) throw new UpstreamRefusedError(field, why);
  }
}

/** An upstream whose host does not resolve can never be reached: say so now, naming the field. */
async function checkResolvable(upstream: string, field = 'upstream'): Promise<void> {
  const { host } = splitHostPort(upstream);
  if (isIP(host)) return;
  try {
    await lookup(host);
  } catch {
    throw new InvalidProxyInputError(field, `host "${host}" does not resolve`);
  }
}
