/**
 * Refuses to run where chaos must not happen: an environment variable that marks production
 * (`safety.forbid_env`), or an upstream outside this machine without `safety.allow_remote`.
 */
import { isIPv4, isIPv6 } from 'node:net';
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
  const remote = config.proxies.filter((p) => isRemote(p.upstream));
  if (remote.length > 0) {
    const list = remote.map((p) => `${p.name} → ${p.upstream}`).join(', ');
    throw new UsageError(`refusing to run: proxy upstreams outside this machine (${list}); set safety.allow_remote: true if that is intended`);
  }
}

/** An upstream (`host:port`) outside this machine and its private test hosts: it needs safety.allow_remote. */
export function isRemote(upstream: string): boolean {
  return !isLocal(splitHostPort(upstream).host);
}

/** Loopback, or a private-range test host (a network namespace, a CI service container). */
function isLocal(host: string): boolean {
  if (host === 'localhost') return true;
  // Ranges apply to addresses only: 10.db.example.com is a name that resolves anywhere.
  if (isIPv4(host)) return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host);
  if (isIPv6(host)) return host === '::1';
  // A bare name (a `services:` container such as `postgres`) resolves inside the job's network;
  // digits or hex alone are an IPv4 address in disguise (134744072 and 0x08080808 are 8.8.8.8).
  return /^[a-z0-9-]+$/i.test(host) && !/^(\d+|0x[0-9a-f]+)$/i.test(host);
}
