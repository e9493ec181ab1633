/**
 * API errors as Toxiproxy writes them: `{"error": "...", "status": N}`, and the one place where
 * the domain's errors (proxy/errors.ts, mock/errors.ts, a ListenError) become HTTP statuses.
 *
 *   registry throws NotFoundError ──► toApiError ──► 404 {"error": "proxy not found", "status": 404}
 */
import { ListenError } from '../address.js';
import { HttpProxyExistsError, UnknownHttpProxyError } from '../http-proxy/registry.js';
import { MockExistsError, UnknownMockError, UnknownRouteError } from '../mock/errors.js';
import { AlreadyExistsError, InvalidProxyInputError, NotFoundError, ResetIncompleteError, UpstreamRefusedError } from '../proxy/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More fields of the error's body, as Toxiproxy's populate adds `"proxies": null`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, `${what} not found`);
  }

  /** A bad request; `field` is the JSON path of the offending value, e.g. `attributes.latency`. */
  static badField(field: string, problem: string): ApiError {
    return new ApiError(400, `${field}: ${problem}`);
  }

  static bad(message: string): ApiError {
    return new ApiError(400, message);
  }
}

type ErrorClass<E extends Error> = new (...args: never[]) => E;

interface Mapping<E extends Error> {
  error: ErrorClass<E>;
  status: number | ((error: E) => number);
  /** The request field the message is about, when the message does not say it already. */
  field?: string;
}

const map = <E extends Error>(mapping: Mapping<E>): Mapping<Error> => mapping as unknown as Mapping<Error>;

/** Each domain error the API can meet, and its status. */
const STATUSES: Mapping<Error>[] = [
  map({ error: NotFoundError, status: 404 }),
  map({ error: AlreadyExistsError, status: 409 }),
  map({ error: InvalidProxyInputError, status: 400 }),
  map({ error: UpstreamRefusedError, status: 403 }),
  map({ error: ResetIncompleteError, status: 400 }),
  map({ error: UnknownMockError, status: 404 }),
  map({ error: MockExistsError, status: 409 }),
  map({ error: UnknownRouteError, status: 400, field: 'route' }),
  map({ error: UnknownHttpProxyError, status: 404 }),
  map({ error: HttpProxyExistsError, status: 409 }),
  map({ error: ListenError, status: (error: ListenError) => (error.problem === 'in_use' ? 409 : 400) }),
];

/**
 * A proxy's listen address taken, in Toxiproxy's words: Go's net error, which it answers with a 500.
 * (Mocks, which Toxiproxy lacks, keep the 409 that names the field.)
 */
export function asToxiproxyListenError(error: unknown): unknown {
  if (error instanceof ListenError && error.problem === 'in_use') return new ApiError(500, `listen tcp ${error.address}: bind: address already in use`);
  return error;
}

/** Any error thrown while handling a call, as the API answers it; what no mapping knows is a 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const mapping = STATUSES.find((m) => error instanceof m.error);
  if (!mapping) return new ApiError(500, String((error as Error | undefined)?.message ?? error));
  const known = error as Error;
  const status = typeof mapping.status === 'number' ? mapping.status : mapping.status(known);
  return new ApiError(status, mapping.field ? `${mapping.field}: ${known.message}` : known.message);
}
