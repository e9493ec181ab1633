/** A request as the mock saw it: what routes match on, templates read and the journal keeps. */
import type { IncomingHttpHeaders } from 'node:http';

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
const NOT_PARSED = Symbol('not parsed');

/** A request target (`/v1/items?page=2`) as its path and its query without `?`. */
export function splitTarget(target = '/'): { path: string; query: string } {
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

export class MockRequest {
  /** Path parameters of the matched route (`{id}` or a regex's named groups). */
  params: Readonly<Record<string, string>> = NO_PARAMS;
  private parsedQuery?: URLSearchParams;
  private parsedJson: unknown = NOT_PARSED;

  constructor(
    readonly method: string,
    /** The path as sent, without the query. */
    readonly path: string,
    /** The query as sent, without `?`. */
    readonly rawQuery: string,
    /** Node's headers: names in lower case, repeated ones joined. */
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {}

  get query(): URLSearchParams {
    return (this.parsedQuery ??= new URLSearchParams(this.rawQuery));
  }

  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  get json(): unknown {
    if (this.parsedJson === NOT_PARSED) {
      try {
        this.parsedJson = this.body === '' ? undefined : JSON.parse(this.body);
      } catch {
        this.parsedJson = undefined;
      }
    }
    return this.parsedJson;
  }

  /** One header as text (repeated `set-cookie` joined), undefined when absent. */
  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
}
