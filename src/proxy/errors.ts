/**
 * What the proxy registry refuses, named so the control API can map each to its status
 * (control/errors.ts). Messages are Toxiproxy's where it has one ("proxy not found").
 */

/** What the registry holds: a proxy, or a toxic of one. */
export type ProxyPart = 'proxy' | 'toxic';

/** No proxy (or toxic of the proxy) by that name: 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    readonly what: ProxyPart,
    readonly named: string,
  ) {
    super(`${what} not found`);
  }
}

/** A proxy (or a toxic of the proxy) by that name already exists: 409. */
export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError';
  constructor(
    readonly what: ProxyPart,
    readonly named: string,
  ) {
    super(`${what} already exists`);
  }
}

/** `POST /populate` stopped at a proxy it could not create; `created` are those before it, which stay. */
export class PopulateError extends Error {
  override name = 'PopulateError';
  constructor(
    override readonly cause: unknown,
    readonly created: readonly { toJSON(): unknown }[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** A bad proxy or toxic definition or change, naming the field when there is one (`attributes.latency: …`): 400. */
export class InvalidProxyInputError extends Error {
  override name = 'InvalidProxyInputError';
  constructor(
    readonly field: string | undefined,
    problem: string,
  ) {
    super(field ? `${field}: ${problem}` : problem);
  }
}

/** The run's safety rules refuse this upstream (safety.allow_remote): 403. */
export class UpstreamRefusedError extends Error {
  override name = 'UpstreamRefusedError';
  constructor(
    readonly field: string,
    why: string,
  ) {
    super(`${field}: ${why}`);
  }
}

/** Every fault was reverted but some proxies cannot listen again, each named with why: 400. */
export class ResetIncompleteError extends Error {
  override name = 'ResetIncompleteError';
  constructor(readonly failures: string[]) {
    super(failures.join('; '));
  }
}
