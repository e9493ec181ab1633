/**
 * Refuses to run where chaos must not happen: an environment variable that marks production
 * (`safety.forbid_env`), or an upstream outside this machine without `safety.allow_remote`.
 */
import { splitHostPort } from '../address.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';

export function checkSafety(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(config.safety.forbid_env)) {
    if (env[name] === value) {
      throw new UsageError(`refusing to run: ${name}=${value} is set, and safety.forbid_env forbids chaos there`);
    }
  }
  if (config.safety.allow_remote) return;
  const remote = config.proxies.filter((p) => !isLocal(splitHostPort(p.upstream).host));
  if (remote.length > 0) {
    const list = remote.map((p) => `${p.name} → ${p.upstream}`).join(', ');
    throw new UsageError(`refusing to run: proxy upstreams outside this machine (${list}); set safety.allow_remote: true if that is intended`);
  }
}

/** Loopback, or a private-range test host (a network namespace, a CI service container). */
function isLocal(host: string): boolean {
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return true;
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host)) return true;
  // A bare name (a `services:` container such as `postgres`) resolves inside the job's network.
  return /^[a-z0-9-]+$/i.test(host) && !host.includes('.');
}
