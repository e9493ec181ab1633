/** One declared service, driven from a test: crash it, stop it, freeze it, and let its restart policy bring it back. */
import type { ServiceStatus } from '../wire/services.js';
import { Fault } from './fault.js';
import type { ApiHttp } from './http.js';

export class ServiceClient {
  private readonly path: string;

  constructor(
    private readonly http: ApiHttp,
    readonly name: string,
  ) {
    this.path = `/services/${encodeURIComponent(name)}`;
  }

  /** Its state, restart policy, restarts so far and the fault on it now. */
  info(): Promise<ServiceStatus> {
    return this.http.request('GET', this.path);
  }

  /**
   * SIGKILL of its process group, as a crash. Without `durationMs` its restart policy acts at once;
   * with it, it stays down that long or until the Fault is reverted.
   */
  kill(options: { durationMs?: number } = {}): Promise<Fault> {
    return this.fault('kill', options.durationMs);
  }

  /** SIGTERM with the grace period; then as kill(). */
  stop(options: { durationMs?: number } = {}): Promise<Fault> {
    return this.fault('stop', options.durationMs);
  }

  /** SIGSTOP (a long GC pause, a hung host) until reverted, `durationMs` passes or safety.fault_ttl ends it. */
  freeze(durationMs?: number): Promise<Fault> {
    return this.fault('freeze', durationMs);
  }

  private async fault(action: 'kill' | 'stop' | 'freeze', durationMs?: number): Promise<Fault> {
    await this.http.request('POST', `${this.path}/faults`, { action, ...(durationMs === undefined ? {} : { duration: `${durationMs}ms` }) });
    return new Fault(`${action} of service ${this.name}`, async () => {
      await this.http.request('DELETE', `${this.path}/faults`);
    });
  }
}
