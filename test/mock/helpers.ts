/** Mocks for tests: a definition as a user writes it, validated by the real schema, listening on port 0. */
import { execFile } from 'node:child_process';
import { MockRegistry } from '../../src/mock/registry.js';
import { mockSchema, type MockDefinitionInput } from '../../src/mock/schema.js';
import type { MockServer } from '../../src/mock/server.js';

/** A registry whose mocks are closed by `closeAll()` in afterEach. */
export function registry(): MockRegistry {
  return new MockRegistry();
}

/** Starts a mock from user-shaped input (`listen` defaults to 127.0.0.1:0). */
export async function startMock(
  mocks: MockRegistry,
  definition: Omit<MockDefinitionInput, 'listen'> & { listen?: string },
  baseDir = process.cwd(),
): Promise<MockServer> {
  return mocks.create(mockSchema(baseDir).parse({ listen: '127.0.0.1:0', ...definition }));
}

/** Runs curl; resolves with its exit code, stdout and stderr (never rejects). */
export function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '5', ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
