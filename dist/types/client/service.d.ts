/** One declared service, driven from a test: crash it, stop it, freeze it, and let its restart policy bring it back. */
import type { ServiceStatus } from '../wire/services.js';
import { Fault } from './fault.js';
import type { ApiHttp } from './http.js';
export declare class ServiceClient {
    private readonly http;
    readonly name: string;
    private readonly path;
    constructor(http: ApiHttp, name: string);
    /** Its state, restart policy, restarts so far and the fault on it now. */
    info(): Promise<ServiceStatus>;
    /**
     * SIGKILL of its process group, as a crash. Without `durationMs` its restart policy acts at once;
     * with it, it stays down that long or until the Fault is reverted.
     */
    kill(options?: {
        durationMs?: number;
    }): Promise<Fault>;
    /** SIGTERM with the grace period; then as kill(). */
    stop(options?: {
        durationMs?: number;
    }): Promise<Fault>;
    /** SIGSTOP (a long GC pause, a hung host) until reverted, `durationMs` passes or safety.fault_ttl ends it. */
    freeze(durationMs?: number): Promise<Fault>;
    private fault;
}
