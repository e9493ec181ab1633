import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Timeouts only stop a hung test; a test's speed is never what it asserts. With both cores busy
    // (see the README's Contributing section) the slowest tests take 2–3 times as long as idle.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests open real listeners on fixed loopback ports; files run one at a time per worker.
    fileParallelism: true,
    pool: 'forks',
    // After the run: no process of ours and no port the tests opened may remain (test/helpers/leftovers.ts).
    globalSetup: ['test/helpers/no-leftovers.ts'],
  },
});
