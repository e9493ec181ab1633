import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

/** The problems a chaos-gate.yml gives, as a user reads them (`chaos-gate.yml:4:1: key: what`); none for a valid one. */
export function configProblems(text: string): string[] {
  try {
    parseConfig(text, 'chaos-gate.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
