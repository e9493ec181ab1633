/** The one HTTP call every part of the typed client makes; errors carry the API's status and message. */

export class ChaosGateApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The answer's JSON, e.g. populate's `proxies` (those created before the failure). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ChaosGateApiError';
  }
}

export interface ClientOptions {
  /** Control API base URL; default `CHAOS_GATE_API`, then `http://127.0.0.1:8474`. */
  url?: string;
  /** Bearer token when the control API was started with `control.token`. */
  token?: string;
}

export class ApiHttp {
  readonly url: string;
  private readonly token?: string;

  constructor(options: ClientOptions = {}) {
    this.url = (options.url ?? process.env.CHAOS_GATE_API ?? 'http://127.0.0.1:8474').replace(/\/$/, '');
    this.token = options.token ?? process.env.CHAOS_GATE_TOKEN;
  }

  /** Sends a JSON request; resolves with the parsed JSON body (undefined for 204), rejects with ChaosGateApiError. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(this.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!response.ok) {
      const message = (parsed as { error?: string } | undefined)?.error ?? `HTTP ${response.status}`;
      throw new ChaosGateApiError(response.status, `${method} ${path}: ${message}`, parsed);
    }
    return parsed as T;
  }
}
