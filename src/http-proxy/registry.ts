/**
 * Every HTTP fault proxy of a run, by name: created from chaos-gate.yml or POST /http, reached by
 * the control API and experiments (faults on and off through here, each removed after
 * safety.fault_ttl), all closed at the end of the run.
 */
import { urlHostPort } from '../address.js';
import { FaultExpiry } from '../fault-expiry.js';
import { UpstreamRefusedError } from '../proxy/errors.js';
import type { JournalEntry } from '../mock/journal.js';
import type { HttpFault, HttpProxyDefinition } from './schema.js';
import { HttpProxy } from './server.js';

/** No HTTP proxy by that name: 404. */
export class UnknownHttpProxyError extends Error {
  override name = 'UnknownHttpProxyError';
  constructor(proxy: string, known: string[]) {
    super(`http proxy "${proxy}" not found (have: ${known.join(', ') || 'none'})`);
  }
}

/** An HTTP proxy by that name already runs: 409. */
export class HttpProxyExistsError extends Error {
  override name = 'HttpProxyExistsError';
  constructor(proxy: string) {
    super(`http proxy "${proxy}" already exists`);
  }
}

export interface HttpProxyRegistryOptions {
  faultTtlMs?: number;
  /** Why an upstream may not be used (outside this machine without safety.allow_remote); undefined when it may. */
  refuseUpstream?: (upstream: string) => string | undefined;
  /** Told of every exchange of every proxy once it ends. */
  observe?: (proxy: string, entry: JournalEntry) => void;
}

export class HttpProxyRegistry {
  private readonly proxies = new Map<string, HttpProxy>();
  private readonly expiry: FaultExpiry;

  constructor(private readonly options: HttpProxyRegistryOptions = {}) {
    this.expiry = new FaultExpiry(options.faultTtlMs);
  }

  async create(definition: HttpProxyDefinition): Promise<HttpProxy> {
    if (this.proxies.has(definition.name)) throw new HttpProxyExistsError(definition.name);
    const refused = this.options.refuseUpstream?.(urlHostPort(definition.upstream));
    if (refused) throw new UpstreamRefusedError('upstream', refused);
    const proxy = new HttpProxy(definition, this.options.observe);
    this.proxies.set(definition.name, proxy);
    try {
      await proxy.listen();
    } catch (error) {
      this.proxies.delete(definition.name);
      throw error;
    }
    return proxy;
  }

  get(name: string): HttpProxy | undefined {
    return this.proxies.get(name);
  }

  require(name: string): HttpProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new UnknownHttpProxyError(name, [...this.proxies.keys()]);
    return proxy;
  }

  list(): HttpProxy[] {
    return [...this.proxies.values()];
  }

  async remove(name: string): Promise<boolean> {
    const proxy = this.proxies.get(name);
    if (!proxy) return false;
    this.proxies.delete(name);
    this.expiry.cancel(name);
    await proxy.close();
    return true;
  }

  /** Every HTTP proxy back to as declared. */
  reset(): void {
    this.expiry.clear();
    for (const proxy of this.proxies.values()) proxy.reset();
  }

  /** Switches a fault on; returns its id. It removes itself after safety.fault_ttl. */
  addFault(proxyName: string, fault: HttpFault): string {
    const proxy = this.require(proxyName);
    const { id } = proxy.addFault(fault);
    this.expiry.schedule(proxyName, id, () => proxy.removeFault(id));
    return id;
  }

  faultTaken(proxyName: string, id: string): number | undefined {
    return this.require(proxyName).fault(id)?.applied;
  }

  removeFault(proxyName: string, id: string): boolean {
    const removed = this.require(proxyName).removeFault(id);
    this.expiry.cancel(proxyName, id);
    return removed;
  }

  async closeAll(): Promise<void> {
    this.expiry.clear();
    const proxies = this.list();
    this.proxies.clear();
    await Promise.all(proxies.map((proxy) => proxy.close()));
  }
}
