import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

/** What a handler sees: path parameters, query, and the body as text and as JSON. */
export interface ApiRequest {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  text: string;
  /** The body parsed as JSON (undefined when empty); reading it throws a 400 ApiError when it is not JSON. */
  readonly body: unknown;
  raw: IncomingMessage;
}

/** What a handler returns: a status and a JSON-able body, or raw text with its content type. */
export type ApiResponse = { status: number; json?: unknown } | { status: number; text: string; contentType: string };

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

/** A small router over `/a/{param}/b` patterns; the control API's route modules register here. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: split(pattern), handler });
    return this;
  }

  /** Finds the handler for a method and path; 404 for an unknown path, 405 for a known path with another method. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    const parts = split(path);
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathKnown = true;
    }
    if (pathKnown) throw new ApiError(405, `method ${method} not allowed on ${path}`);
    throw ApiError.notFound(`path ${path}`);
  }
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = decode(parts[i]);
    else if (p !== parts[i]) return undefined;
  }
  return params;
}

/** A path parameter, percent-decoded; `%zz` is the client's mistake (400), not ours. */
function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw ApiError.bad(`malformed percent-encoding in path segment "${part}"`);
  }
}
