import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'stack/*.test.ts',
      // Whole-stack tests: several real processes (server, agent, later proxy and demo) together.
      'tests/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes and open chDB data directories; two cores are the budget.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
