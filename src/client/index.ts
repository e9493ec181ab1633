/**
 * `chaos-gate/client`: drive a running chaos-gate from tests.
 *
 *   const gate = new ChaosGate();              // CHAOS_GATE_API, or http://127.0.0.1:8474
 *   await gate.proxy('postgres').toClientDelay(100);
 *   …
 *   await gate.reset();
 */
import { ApiHttp, type ClientOptions } from './http.js';
import { MockClient } from './mock.js';
import { ProxyClient, type ProxyInfo } from './proxy.js';

export { ChaosGateApiError, type ClientOptions } from './http.js';
export { MockClient } from './mock.js';
export { ProxyClient, type ProxyInfo, type Stream, type ToxicInfo, type ToxicSpec } from './proxy.js';

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

  /** Reports metric lines (the CHAOS_GATE_METRICS format) to the running stage, e.g. `{ name: 'deadlocks', type: 'counter', value: 0 }`. */
  async metric(...lines: { name: string; type: 'counter' | 'gauge' | 'rate' | 'trend'; value: number | boolean }[]): Promise<void> {
    await this.http.request('POST', '/metrics', lines);
  }

  /** Every proxy, by name. */
  proxies(): Promise<Record<string, ProxyInfo>> {
    return this.http.request('GET', '/proxies');
  }

  /** Back to the start: every proxy enabled and accepting with no toxics (Toxiproxy's /reset), mocks reset. */
  async reset(): Promise<void> {
    await this.http.request('POST', '/reset');
  }
}
