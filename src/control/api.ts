/**
 * The control API's routes, composed: Toxiproxy's endpoints over the proxies, the mocks'
 * endpoints, process faults on the services, metrics in and out, and the two that span everything (/reset, /version).
 */
import type { MetricSet } from '../gate/metrics.js';
import type { HttpProxyRegistry } from '../http-proxy/registry.js';
import type { MockRegistry } from '../mock/registry.js';
import type { ProxyRegistry } from '../proxy/registry.js';
import { httpProxyRoutes } from './http-proxies.js';
import { listenGuard } from './listen-guard.js';
import { metricsRoutes } from './metrics.js';
import { mockRoutes } from './mocks.js';
import { proxyRoutes } from './proxies.js';
import { serviceRoutes, type ServiceFaults } from './services.js';
import { Router } from './router.js';

/** The Toxiproxy version its clients are told; they only check that /version answers. */
export const TOXIPROXY_VERSION = '2.12.0';

export interface ControlParts {
  proxies: ProxyRegistry;
  mocks: MockRegistry;
  /** The HTTP fault proxies (absent: no /http routes). */
  httpProxies?: HttpProxyRegistry;
  /** The declared services, for process faults (absent: no service routes). */
  services?: ServiceFaults;
  /** The metric set of whatever is running now (POST /metrics records into it). */
  currentMetrics: () => MetricSet;
  /** safety.allow_remote: proxies and mocks created through the API may listen beyond loopback. */
  allowRemoteListen?: boolean;
}

export function controlRouter(parts: ControlParts): Router {
  const router = new Router();
  router.add('GET', '/version', () => ({ status: 200, json: { version: TOXIPROXY_VERSION } }));
  router.add('POST', '/reset', async () => {
    await parts.proxies.reset();
    parts.mocks.reset();
    parts.httpProxies?.reset();
    await parts.services?.revertAll();
    return { status: 204 };
  });
  router.add('GET', '/metrics', () => ({
    status: 200,
    text: parts.proxies.prometheus(),
    contentType: 'text/plain; version=0.0.4',
  }));
  const checkListen = listenGuard(parts.allowRemoteListen ?? false);
  proxyRoutes(router, parts.proxies, checkListen);
  mockRoutes(router, parts.mocks, checkListen);
  if (parts.httpProxies) httpProxyRoutes(router, parts.httpProxies, checkListen);
  if (parts.services) serviceRoutes(router, parts.services);
  metricsRoutes(router, parts.currentMetrics);
  return router;
}
