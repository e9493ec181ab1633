/**
 * Toxiproxy's HTTP API over the proxy registry, so its clients work unchanged, plus the TCP
 * gate's proxy-level calls (close every connection, count and wait for connections).
 * /reset, /version and /metrics span more than proxies and are composed in api.ts.
 *
 *   Toxiproxy client ──HTTP──► these routes ──► ProxyRegistry ──► Proxy (listener, connections, toxics)
 */
import { PopulateError } from '../proxy/errors.js';
import type { ProxyRegistry } from '../proxy/registry.js';
import { TOXIC_TYPES } from '../proxy/toxics/index.js';
import { populateSchema, proxySchema, STREAMS, proxyUpdateSchema, toxicSchema, toxicUpdateSchema, validate } from '../proxy/schema.js';
import { MAX_TIMER_MS } from '../units/duration.js';
import { ApiError, asToxiproxyListenError, toApiError } from './errors.js';
import { listenGuard, type ListenGuard } from './listen-guard.js';
import type { Handler, Router } from './router.js';

/** How long `GET /proxies/{proxy}/connections?wait=N` waits when no `timeout` is given (Toxiproxy's API timeout). */
const DEFAULT_WAIT_MS = 30_000;

export function proxyRoutes(router: Router, proxies: ProxyRegistry, checkListen: ListenGuard = listenGuard(false)): void {
  const ok = (json: unknown, status = 200) => ({ status, json });
  const proxyOf = (params: Record<string, string>) => proxies.get(params.proxy);

  router.add('GET', '/proxies', () => ok(Object.fromEntries(proxies.list().map((p) => [p.name, p.toJSON()]))));

  router.add('POST', '/proxies', async (req) => {
    requireFields(req.body);
    const definition = validate(proxySchema, req.body);
    checkListen(definition.listen, 'listen');
    const proxy = await proxies.create(definition).catch((error: unknown) => {
      throw asToxiproxyListenError(error);
    });
    return ok(proxy.toJSON(), 201);
  });

  // As Toxiproxy's: every entry is checked first (nothing is created when one lacks a field); then
  // proxies are created in order, and on a failure those before it stay, listed in the error's body.
  router.add('POST', '/populate', async (req) => {
    const body = req.body;
    if (Array.isArray(body)) validateWith(() => body.forEach((entry: unknown, i: number) => requireFields(entry, ` at proxy ${i + 1}`)), { proxies: null });
    const definitions = validateWith(() => validate(populateSchema, body), { proxies: null });
    definitions.forEach((definition, i) => validateWith(() => checkListen(definition.listen, `[${i}].listen`), { proxies: null }));
    try {
      const created = await proxies.populate(definitions);
      return ok({ proxies: created.map((p) => p.toJSON()) }, 201);
    } catch (error) {
      if (!(error instanceof PopulateError)) throw error;
      const { status, message } = toApiError(asToxiproxyListenError(error.cause));
      return ok({ error: message, status, proxies: error.created.map((p) => p.toJSON()) }, status);
    }
  });

  router.add('GET', '/proxies/{proxy}', ({ params }) => ok(proxyOf(params).toJSON()));

  const update: Handler = async ({ params, body }) => {
    const proxy = proxyOf(params);
    const change = validate(proxyUpdateSchema, body ?? {});
    checkListen(change.listen, 'listen');
    await proxies.update(proxy.name, change).catch((error: unknown) => {
      throw asToxiproxyListenError(error);
    });
    return ok(proxy.toJSON());
  };
  router.add('POST', '/proxies/{proxy}', update);
  router.add('PATCH', '/proxies/{proxy}', update);

  router.add('DELETE', '/proxies/{proxy}', async ({ params }) => {
    await proxies.remove(params.proxy);
    return { status: 204 };
  });

  router.add('GET', '/proxies/{proxy}/toxics', ({ params }) =>
    ok(
      proxyOf(params)
        .toxicList()
        .map((t) => t.toJSON()),
    ),
  );

  // Through the registry, so the toxic expires after safety.fault_ttl.
  router.add('POST', '/proxies/{proxy}/toxics', ({ params, body }) => {
    proxyOf(params);
    toxicWords(body);
    return ok(proxies.addToxic(params.proxy, validate(toxicSchema, body)).toJSON());
  });

  router.add('GET', '/proxies/{proxy}/toxics/{toxic}', ({ params }) => ok(proxyOf(params).getToxic(params.toxic).toJSON()));

  const updateToxic: Handler = ({ params, body }) => {
    const proxy = proxyOf(params);
    proxy.getToxic(params.toxic);
    return ok(proxy.updateToxic(params.toxic, validate(toxicUpdateSchema, body ?? {})).toJSON());
  };
  router.add('POST', '/proxies/{proxy}/toxics/{toxic}', updateToxic);
  router.add('PATCH', '/proxies/{proxy}/toxics/{toxic}', updateToxic);

  router.add('DELETE', '/proxies/{proxy}/toxics/{toxic}', ({ params }) => {
    proxies.removeToxic(params.proxy, params.toxic);
    return { status: 204 };
  });

  router.add('POST', '/proxies/{proxy}/close', async ({ params }) => {
    await proxyOf(params).closeConnections();
    return { status: 204 };
  });

  router.add('GET', '/proxies/{proxy}/connections', async ({ params, query }) => {
    const proxy = proxyOf(params);
    if (!query.has('wait')) return ok({ count: proxy.connectionCount });
    const wanted = wholeNumber(query.get('wait'), 'wait');
    const timeout = query.has('timeout') ? wholeNumber(query.get('timeout'), 'timeout') : DEFAULT_WAIT_MS;
    const count = await proxy.waitForConnections(wanted, timeout);
    if (count < wanted) throw new ApiError(408, `timed out after ${timeout} ms waiting for ${wanted} connections (have ${count})`);
    return ok({ count });
  });
}

/** Toxiproxy's check, word for word: `missing required field: name` (400) for an absent or empty name or upstream. */
function requireFields(body: unknown, where = ''): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const field of ['name', 'upstream'] as const) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined || value === null || value === '') throw new ApiError(400, `missing required field: ${field}${where}`);
  }
}

/** Toxiproxy's words for an unknown toxic type or stream, which its clients may match on. */
function toxicWords(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const { type, stream } = body as Record<string, unknown>;
  if (!(TOXIC_TYPES as readonly unknown[]).includes(type)) throw new ApiError(400, 'invalid toxic type');
  if (stream !== undefined && stream !== '' && !(STREAMS as readonly unknown[]).includes(stream)) {
    throw new ApiError(400, 'stream was invalid, can be either upstream or downstream');
  }
}

/** Runs a check whose ApiError is answered with `extra` fields in its body (populate's `"proxies": null`). */
function validateWith<T>(check: () => T, extra: Record<string, unknown>): T {
  try {
    return check();
  } catch (error) {
    const api = toApiError(error);
    throw new ApiError(api.status, api.message, extra);
  }
}

function wholeNumber(text: string | null, field: string): number {
  const value = Number(text);
  if (text === null || text === '' || !Number.isInteger(value) || value < 0) throw ApiError.badField(field, `expected a whole number ≥ 0, got "${text}"`);
  // A longer wait would fire at once.
  if (value > MAX_TIMER_MS) throw ApiError.badField(field, `expected at most ${MAX_TIMER_MS}, got "${text}"`);
  return value;
}
