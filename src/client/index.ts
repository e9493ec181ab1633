/**
 * `chaos-gate/client`: drive a running chaos-gate from tests.
 *
 *   const gate = new ChaosGate();              // CHAOS_GATE_API, or http://127.0.0.1:8474
 *   await gate.proxy('postgres').toClientDelay(100);
 *   …
 *   await gate.reset();
 */
import type { ProxySpec } from '../wire/proxy.js';
import type { ServiceStatus } from '../wire/services.js';
import type { Fault } from './fault.js';
import { ApiHttp, type ClientOptions } from './http.js';
import { HttpProxyClient } from './http-proxy.js';
import { MockClient } from './mock.js';
import { ProxyClient, type ProxyInfo } from './proxy.js';
import { ServiceClient } from './service.js';

export { Fault } from './fault.js';
export { ChaosGateApiError, type ClientOptions } from './http.js';
export { MockClient, type JournalEntry, type JournalFilter } from './mock.js';
export { HttpProxyClient, type HttpFaultInfo, type HttpFaultInput, type HttpProxyInfo, type RecordedMockInfo } from './http-proxy.js';
export {
  ProxyClient,
  type ProxyChange,
  type ProxyInfo,
  type ProxySpec,
  type Stream,
  type ToxicAttributes,
  type ToxicInfo,
  type ToxicSpec,
  type ToxicType,
} from './proxy.js';
export { ServiceClient } from './service.js';
export type { ServiceAction, ServiceState, ServiceStatus } from '../wire/services.js';

export class ChaosGate {
  private readonly http: ApiHttp;

  constructor(options: ClientOptions = {}) {
    this.http = new ApiHttp(options);
  }

  /** The control API base URL in use. */
  get url(): string {
    return this.http.url;
  }

  /** One proxy by name (no call is made until a method is used). */
  proxy(name: string): ProxyClient {
    return new ProxyClient(this.http, name);
  }

  /** One mock by name: faults on and off, the request journal. */
  mock(name: string): MockClient {
    return new MockClient(this.http, name);
  }

  /** One HTTP fault proxy by name: faults on a real dependency's answers, the journal, recording. */
  httpProxy(name: string): HttpProxyClient {
    return new HttpProxyClient(this.http, name);
  }

  /** Reports metric lines (the CHAOS_GATE_METRICS format) to the running stage, e.g. `{ name: 'deadlocks', type: 'counter', value: 0 }`. */
  async metric(...lines: { name: string; type: 'counter' | 'gauge' | 'rate' | 'trend'; value: number | boolean }[]): Promise<void> {
    await this.http.request('POST', '/metrics', lines);
  }

  /** One declared service by name: kill, stop and freeze it. */
  service(name: string): ServiceClient {
    return new ServiceClient(this.http, name);
  }

  /** Every proxy, by name. */
  proxies(): Promise<Record<string, ProxyInfo>> {
    return this.http.request('GET', '/proxies');
  }

  /** Creates a proxy (409 when the name is taken); `listen` defaults to a free port on 127.0.0.1. */
  async createProxy(spec: ProxySpec): Promise<ProxyClient> {
    const created = await this.http.request<ProxyInfo>('POST', '/proxies', spec);
    return this.proxy(created.name);
  }

  /**
   * Creates or replaces proxies, as Toxiproxy's populate: every entry is checked first; then they
   * are created in order, and on a failure the error's `body.proxies` lists those that were.
   */
  async populate(specs: ProxySpec[]): Promise<ProxyInfo[]> {
    return (await this.http.request<{ proxies: ProxyInfo[] }>('POST', '/populate', specs)).proxies;
  }

  /** Deletes a proxy by name. */
  deleteProxy(name: string): Promise<void> {
    return this.proxy(name).delete();
  }

  /** Every declared service, by name. */
  services(): Promise<Record<string, ServiceStatus>> {
    return this.http.request('GET', '/services');
  }

  /** The Toxiproxy version the API reports (its clients check that /version answers). */
  async version(): Promise<string> {
    return (await this.http.request<{ version: string }>('GET', '/version')).version;
  }

  /** Runs `body` with the fault `start` makes, and reverts it after, whether `body` returns or throws. */
  async withFault<T>(start: () => Promise<Fault>, body: () => Promise<T>): Promise<T> {
    const fault = await start();
    try {
      return await body();
    } finally {
      await fault.revert();
    }
  }

  /** Back to the start: every proxy enabled and accepting with no toxics (Toxiproxy's /reset), mocks reset. */
  async reset(): Promise<void> {
    await this.http.request('POST', '/reset');
  }
}
