/**
 * Toxiproxy's HTTP API over the proxy registry, so its clients work unchanged, plus the TCP
 * gate's proxy-level calls (close every connection, count and wait for connections).
 * /reset, /version and /metrics span more than proxies and are composed in api.ts.
 *
 *   Toxiproxy client ──HTTP──► these routes ──► ProxyRegistry ──► Proxy (listener, connections, toxics)
 */
import type { ProxyRegistry } from '../proxy/registry.js';
import { populateSchema, proxySchema, proxyUpdateSchema, toxicSchema, toxicUpdateSchema, validate } from '../proxy/schema.js';
import { MAX_TIMER_MS } from '../units/duration.js';
import { ApiError } from './errors.js';
import { listenGuard, type ListenGuard } from './listen-guard.js';
import type { Handler, Router } from './router.js';

/** How long `GET /proxies/{proxy}/connections?wait=N` waits when no `timeout` is given (Toxiproxy's API timeout). */
const DEFAULT_WAIT_MS = 30_000;

export function proxyRoutes(router: Router, proxies: ProxyRegistry, checkListen: ListenGuard = listenGuard(false)): void {
  const ok = (json: unknown, status = 200) => ({ status, json });
  const proxyOf = (params: Record<string, string>) => proxies.get(params.proxy);

  router.add('GET', '/proxies', () => ok(Object.fromEntries(proxies.list().map((p) => [p.name, p.toJSON()]))));

  router.add('POST', '/proxies', async (req) => {
    const definition = validate(proxySchema, req.body);
    checkListen(definition.listen, 'listen');
    const proxy = await proxies.create(definition);
    return ok(proxy.toJSON(), 201);
  });

  router.add('POST', '/populate', async (req) => {
    const definitions = validate(populateSchema, req.body);
    definitions.forEach((definition, i) => checkListen(definition.listen, `[${i}].listen`));
    const created = await proxies.populate(definitions);
    return ok({ proxies: created.map((p) => p.toJSON()) }, 201);
  });

  router.add('GET', '/proxies/{proxy}', ({ params }) => ok(proxyOf(params).toJSON()));

  const update: Handler = async ({ params, body }) => {
    const proxy = proxyOf(params);
    const change = validate(proxyUpdateSchema, body ?? {});
    checkListen(change.listen, 'listen');
    await proxies.update(proxy.name, change);
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
  router.add('POST', '/proxies/{proxy}/toxics', ({ params, body }) => ok(proxies.addToxic(params.proxy, validate(toxicSchema, body)).toJSON()));

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

function wholeNumber(text: string | null, field: string): number {
  const value = Number(text);
  if (text === null || text === '' || !Number.isInteger(value) || value < 0) throw ApiError.badField(field, `expected a whole number ≥ 0, got "${text}"`);
  // A longer wait would fire at once.
  if (value > MAX_TIMER_MS) throw ApiError.badField(field, `expected at most ${MAX_TIMER_MS}, got "${text}"`);
  return value;
}
