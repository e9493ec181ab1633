import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests open real listeners on fixed loopback ports; files run one at a time per worker.
    fileParallelism: true,
    pool: 'forks',
    // After the run: no process of ours and no port the tests opened may remain (test/helpers/leftovers.ts).
    globalSetup: ['test/helpers/no-leftovers.ts'],
  },
});
