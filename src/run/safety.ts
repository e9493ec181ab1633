/**
 * Refuses to run where chaos must not happen: an environment variable that marks production
 * (`safety.forbid_env`), or an upstream outside this machine (private ranges included) that is
 * neither listed in `safety.allow_hosts` nor allowed by `safety.allow_remote`.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isLoopbackHost, splitHostPort, urlHostPort } from '../address.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../errors.js';

export function checkSafety(config: Config, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(config.safety.forbid_env)) {
    if (env[name] === value) {
      throw new UsageError(`refusing to run: ${name}=${value} is set, and safety.forbid_env forbids chaos there`);
    }
  }
  if (config.safety.allow_remote) return;
  const remote = [
    ...config.proxies.filter((p) => isRemote(p.upstream, config.safety.allow_hosts)),
    ...config.http_proxies.filter((p) => isRemote(urlHostPort(p.upstream), config.safety.allow_hosts)),
  ];
  if (remote.length > 0) {
    const list = remote.map((p) => `${p.name} → ${p.upstream}`).join(', ');
    throw new UsageError(`refusing to run: proxy upstreams outside this machine (${list}); ${REMOTE_HINT}`);
  }
}

/** What to do about an upstream refused as remote. */
export const REMOTE_HINT = 'list the host in safety.allow_hosts, or set safety.allow_remote: true if that is intended';

/**
 * An upstream (`host:port`) beyond loopback and the job's service names, and not listed in
 * safety.allow_hosts: it needs safety.allow_remote. Private ranges count as remote: inside a
 * cloud network 10.x or 192.168.x can be production.
 */
export function isRemote(upstream: string, allowHosts: readonly string[] = []): boolean {
  const { host } = splitHostPort(upstream);
  return !isLoopbackHost(host) && !isServiceName(host) && !allowedHosts(allowHosts)(host);
}

/** A bare name (a `services:` container such as `postgres`) resolves inside the job's network. */
function isServiceName(host: string): boolean {
  // Digits or hex alone are an IPv4 address in disguise (134744072 and 0x08080808 are 8.8.8.8).
  return /^[a-z0-9-]+$/i.test(host) && !/^(\d+|0x[0-9a-f]+)$/i.test(host);
}

/** safety.allow_hosts as a test: a host listed by name or address, or an address inside a listed range (`10.0.0.0/8`). */
function allowedHosts(allowHosts: readonly string[]): (host: string) => boolean {
  const names = new Set<string>();
  const ranges = new BlockList();
  for (const entry of allowHosts) {
    const [address, prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    if (family && prefix !== undefined) ranges.addSubnet(address, Number(prefix), family);
    else if (family) ranges.addAddress(address, family);
    else names.add(entry.toLowerCase());
  }
  return (host) => {
    if (isIPv4(host)) return ranges.check(host, 'ipv4');
    if (isIPv6(host)) return ranges.check(host, 'ipv6');
    return names.has(host.toLowerCase());
  };
}
