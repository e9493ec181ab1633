/**
 * What the proxy registry refuses, named so the control API can map each to its status
 * (control/errors.ts). Messages are Toxiproxy's where it has one ("proxy not found").
 */

/** No proxy by that name: 404. */
export class UnknownProxyError extends Error {
  override name = 'UnknownProxyError';
  constructor(readonly proxy: string) {
    super('proxy not found');
  }
}

/** A proxy by that name already exists: 409. */
export class ProxyExistsError extends Error {
  override name = 'ProxyExistsError';
  constructor(readonly proxy: string) {
    super('proxy already exists');
  }
}

/** The proxy has no toxic by that name: 404. */
export class UnknownToxicError extends Error {
  override name = 'UnknownToxicError';
  constructor(readonly toxic: string) {
    super('toxic not found');
  }
}

/** The proxy already has a toxic by that name: 409. */
export class ToxicExistsError extends Error {
  override name = 'ToxicExistsError';
  constructor(readonly toxic: string) {
    super('toxic already exists');
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
