/** `host:port` addresses, as written in chaos-gate.yml and the control API, and binding them. */
import type { AddressInfo, Server } from 'node:net';

/** Splits `host:port` or `[::1]:port`; throws a plain message naming what was expected. */
export function splitHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!match) throw new Error(`expected host:port, got "${address}"`);
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`port ${port} is out of range 0..65535`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** A host only this machine can reach: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}

/**
 * Connections the kernel may hold for accept(), as Go's net (Toxiproxy) asks: the kernel caps it
 * at net.core.somaxconn. Node's default, 511, overflows when a thousand clients connect at once
 * to a busy process; each one over waits out SYN-ACK retries (1 s, 3 s, 7 s…) before it is accepted.
 */
const LISTEN_BACKLOG = 4096;

/** Binds `server` to a `host:port`; rejects with a ListenError (or the OS error when it is none of those) when it cannot. */
export async function listenOn(server: Server, address: string): Promise<AddressInfo> {
  const { host, port } = splitHostPort(address);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => reject(listenError(error, address));
    server.once('error', fail);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', fail);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

/**
 * Why an address cannot be listened on, worded once: the API says the `message`, the run's log
 * the `reason` after its own "cannot start the … on <address>".
 */
const PROBLEMS = {
  in_use: { codes: ['EADDRINUSE'], says: (a: string) => `${a} is already in use`, reason: 'the port is already in use' },
  not_local: {
    codes: ['EADDRNOTAVAIL'],
    says: (a: string) => `${a} is not an address of this machine`,
    reason: 'the address is not available on this machine',
  },
  no_permission: { codes: ['EACCES'], says: (a: string) => `no permission to listen on ${a}`, reason: 'no permission to listen there' },
  unresolvable: { codes: ['ENOTFOUND', 'EAI_AGAIN'], says: (a: string) => `host of ${a} does not resolve`, reason: 'the host does not resolve' },
} satisfies Record<string, { codes: string[]; says: (address: string) => string; reason: string }>;

/** `https://billing.internal/v1` → `billing.internal:443`: an HTTP(S) URL's host:port, its scheme's port when none is written. */
export function urlHostPort(url: string): string {
  const { hostname, port, protocol } = new URL(url);
  return `${hostname}:${port || (protocol === 'https:' ? 443 : 80)}`;
}

/** `http://host:port` to reach a bound HTTP listener (a wildcard address as its loopback). */
export function boundUrl({ address, family, port }: AddressInfo): string {
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return `http://${family === 'IPv6' && host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The bound `host:port` (the real port when port 0 was asked for). */
export function boundHostPort({ address, family, port }: AddressInfo): string {
  return `${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}

export type ListenProblem = keyof typeof PROBLEMS;

/** An address that could not be bound: `field: <address> is already in use`. Keeps the OS error's `code`. */
export class ListenError extends Error {
  override name = 'ListenError';
  /** The OS error code, e.g. EADDRINUSE. */
  readonly code: string;

  constructor(
    readonly address: string,
    readonly problem: ListenProblem,
    cause: NodeJS.ErrnoException,
    /** Where the address was given; every listen address of a run sits in a `listen` key. */
    readonly field = 'listen',
  ) {
    super(`${field}: ${PROBLEMS[problem].says(address)}`, { cause });
    this.code = cause.code ?? '';
  }

  /** The problem without the address, for a sentence that already names it. */
  get reason(): string {
    return PROBLEMS[this.problem].reason;
  }

  /** The same error, given at another field (`[2].listen` of a list). */
  at(field: string): ListenError {
    return new ListenError(this.address, this.problem, this.cause as NodeJS.ErrnoException, field);
  }
}

/** An OS error from binding `address` as a ListenError; any other error unchanged. */
export function listenError(error: unknown, address: string): unknown {
  if (error instanceof ListenError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  for (const [problem, { codes }] of Object.entries(PROBLEMS)) {
    if (code && codes.includes(code)) return new ListenError(address, problem as ListenProblem, error as NodeJS.ErrnoException);
  }
  return error;
}
