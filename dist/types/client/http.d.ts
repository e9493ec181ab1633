/** The one HTTP call every part of the typed client makes; errors carry the API's status and message. */
export declare class ChaosGateApiError extends Error {
    readonly status: number;
    /** The answer's JSON, e.g. populate's `proxies` (those created before the failure). */
    readonly body?: unknown | undefined;
    constructor(status: number, message: string, 
    /** The answer's JSON, e.g. populate's `proxies` (those created before the failure). */
    body?: unknown | undefined);
}
export interface ClientOptions {
    /** Control API base URL; default `CHAOS_GATE_API`, then `http://127.0.0.1:8474`. */
    url?: string;
    /** Bearer token when the control API was started with `control.token`. */
    token?: string;
}
export declare class ApiHttp {
    readonly url: string;
    private readonly token?;
    constructor(options?: ClientOptions);
    /** Sends a JSON request; resolves with the parsed JSON body (undefined for 204), rejects with ChaosGateApiError. */
    request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}
