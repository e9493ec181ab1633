/**
 * The HTTP proxy calls of the typed client: faults on a real dependency's answers, the exchange
 * journal, and recording real exchanges into a mock.
 *
 *   const billing = gate.httpProxy('billing');
 *   await using outage = await billing.fault({ request: { method: 'POST', path: '/charges' }, status: 503, probability: 0.3 });
 *   … 30% of the charges answer 503; the rest reach the real service …
 */
import { Fault } from './fault.js';
import type { ApiHttp } from './http.js';
import { FaultTargetClient } from './fault-target.js';
import type { Duration } from './mock.js';

type Matcher = string | number | boolean | { regex: string };

/** A fault on an HTTP proxy (the body of POST /http/{name}/faults). */
export interface HttpFaultInput {
  /** Which requests it may take: method, path (`/charges/{id}` or `{ regex }`), query, headers. All when omitted. */
  request?: { method?: string; path?: string | { regex: string }; query?: Record<string, Matcher>; headers?: Record<string, Matcher> };
  /** Paths it never takes (health checks). */
  exclude?: (string | { regex: string })[];
  /** Act before calling the upstream (default) or once it answered. */
  when?: 'request' | 'response';
  /** Answer this status (with `headers`, `json` or `body`) instead of the upstream's answer. */
  status?: number;
  headers?: Record<string, string | number>;
  json?: unknown;
  body?: string;
  delay?: Duration | { min: Duration; max: Duration } | { median: Duration; sigma: number };
  abort?: 'reset' | 'empty' | 'hang';
  /** Cut the response body after this many bytes (`4KB` …), then drop the connection. */
  truncate?: number | string;
  /** The response body at most this many bytes per second (`64KB` …). */
  throttle?: number | string;
  header?: { set?: Record<string, string | number>; remove?: string[] };
  rate_limit?: { rps: number };
  probability?: number;
  times?: number;
  seed?: number;
}

export type HttpFaultInfo = HttpFaultInput & {
  id: string;
  /** `status`, `delay`, `abort`, … */
  kind: string;
  applied: number;
  remaining: number | null;
};

export interface HttpProxyInfo {
  name: string;
  listen: string;
  url: string;
  upstream: string;
  seed: number;
  faults: HttpFaultInfo[];
  requests: number;
  recording: boolean;
}

/** A recording turned into a mock (what `chaos-gate record` writes). */
export interface RecordedMockInfo {
  mock: { name: string; listen: string; routes: unknown[] };
  exchanges: number;
  skipped: string[];
  /** Binary bodies: file names when written, else base64 by file name. */
  files: string[] | Record<string, string>;
  written: string | null;
}

/** `reset()`: run-time faults off, declared ones rewound, journal cleared. */
export class HttpProxyClient extends FaultTargetClient<HttpFaultInput, HttpFaultInfo> {
  constructor(http: ApiHttp, name: string) {
    super(http, name, `/http/${encodeURIComponent(name)}`, 'http proxy');
  }

  info(): Promise<HttpProxyInfo> {
    return this.http.request<HttpProxyInfo>('GET', this.base);
  }

  /** Switches a fault on, as a Fault that reverts itself (`await using`, or `revert()`). */
  async fault(fault: HttpFaultInput): Promise<Fault> {
    const added = await this.addFault(fault);
    return new Fault(`${added.kind} on http proxy ${this.name}`, async () => {
      await this.http.request('DELETE', `${this.base}/faults/${encodeURIComponent(added.id)}`).catch((error: { status?: number }) => {
        // Gone already (a reset, fault_ttl): nothing is left to revert.
        if (error.status !== 404) throw error;
      });
    });
  }

  /** Keeps whole exchanges from now on, for a mock. */
  async startRecording(): Promise<void> {
    await this.http.request('POST', `${this.base}/record/start`);
  }

  /** Stops recording: the mock the exchanges make; `out` writes it as YAML where the API runs. */
  stopRecording(options: { name?: string; listen?: string; out?: string } = {}): Promise<RecordedMockInfo> {
    return this.http.request<RecordedMockInfo>('POST', `${this.base}/record/stop`, options);
  }
}
