import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file in its own process: the Temporal SDK runtime is one per process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    // The SDK's logs reach vitest through console (test/helpers/setup-logs.ts); a passing test's logs are
    // noise, a failing test's are the first thing to read.
    setupFiles: ['test/helpers/setup-logs.ts'],
    silent: 'passed-only',
  },
});
