/** The one HTTP call every part of the typed client makes; errors carry the API's status and message. */
export declare class ChaosGateApiError extends Error {
    readonly status: number;
    constructor(status: number, message: string);
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
