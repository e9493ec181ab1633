/**
 * Errors a user can act on. Each carries the CLI exit code it maps to, so both faces
 * (terminal and action) report it the same way and without a stack trace.
 */
export abstract class UserFacingError extends Error {
  abstract readonly exitCode: number;
}

/** Bad command line or action input: exit 2. */
export class UsageError extends UserFacingError {
  readonly exitCode = 2;
  override name = 'UsageError';
}

/** One or more problems in chaos-gate.yml, each already formatted as `file:line key: what`. Exit 2. */
export class ConfigError extends UserFacingError {
  readonly exitCode = 2;
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The environment could not start: a port taken, a service never ready. Exit 3. */
export class EnvironmentError extends UserFacingError {
  readonly exitCode = 3;
  override name = 'EnvironmentError';
}
