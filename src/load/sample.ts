/**
 * One measured request, and how a failure is classified: by status (5xx, 429, other 4xx, or a
 * status outside `expect.status`) or by what the connection did (timeout, reset, refused).
 */

export type ErrorClass = 'timeout' | 'reset' | 'refused' | 'status_5xx' | 'status_429' | 'status_4xx' | 'other';

/** What a request is, for tag-filtered metrics (k6's tags): `http_req_duration{name:checkout}`. */
export interface RequestTags {
  /** The endpoint: a step's or target's name, by default its method and URL path. */
  name: string;
  method: string;
  /** A flow step's number, from 1. */
  step?: string;
  flow?: string;
}

export interface Sample {
  /** When the request was due, ms on the performance.now() clock (for the open model the intended start, not the actual). */
  start: number;
  /** From `start` until the response ended or the request failed, ms. */
  latencyMs: number;
  /** The response status; absent when no response came. */
  status?: number;
  ok: boolean;
  /** Why it failed; absent when ok. */
  errorClass?: ErrorClass;
  tags?: RequestTags;
}

/** The failure class of a response status, or undefined when it counts as success. */
export function classifyStatus(status: number, expected: readonly number[] | undefined): ErrorClass | undefined {
  if (expected ? expected.includes(status) : status < 400) return undefined;
  if (status >= 500) return 'status_5xx';
  if (status === 429) return 'status_429';
  if (status >= 400) return 'status_4xx';
  return 'other';
}

/** The failure class of a socket error (`ECONNREFUSED`, `ECONNRESET`, …). */
export function classifySocketError(error: NodeJS.ErrnoException): ErrorClass {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}
