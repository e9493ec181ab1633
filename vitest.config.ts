import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests open real listeners on fixed loopback ports; files run one at a time per worker.
    fileParallelism: true,
    pool: 'forks',
  },
});
