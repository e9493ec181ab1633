/**
 * API errors as Toxiproxy writes them: `{"error": "...", "status": N}`. One class, a few
 * named constructors, written by one function in the server.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, `${what} not found`);
  }

  static conflict(what: string): ApiError {
    return new ApiError(409, `${what} already exists`);
  }

  /** A bad request body; `field` is the JSON path of the offending value, e.g. `attributes.latency`. */
  static badField(field: string, problem: string): ApiError {
    return new ApiError(400, `${field}: ${problem}`);
  }

  static bad(message: string): ApiError {
    return new ApiError(400, message);
  }
}
