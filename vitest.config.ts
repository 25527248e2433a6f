import { defineConfig } from 'vitest/config';

// Two projects, classified by one rule: a test file is an integration test when it lives under a `test/`,
// `tests/` or `stack/` directory, or when it starts a process (child_process, directly or through
// @apo/otlp-transport/testing's spawnNode/mountSmallDisk) or opens the engine (openStorage, chDB). Those few files
// in `src/` are named below. Every other file is a unit test, and vitest.unit-guard.ts makes a unit test fail
// the moment it starts a process or loads chDB, so a misfiled test cannot hide.
const integrationInSrc = [
  // start processes
  'apps/agent/src/collectors/host/host-collector.test.ts', // getconf CLK_TCK
  'apps/agent/src/collectors/logs/log-collector.crash.test.ts',
  'apps/agent/src/collectors/process/process-tracker.test.ts',
  'apps/agent/src/collectors/prometheus/node-exporter.test.ts', // the real prometheus-node-exporter
  'apps/agent/src/instrument/entry.test.ts',
  'packages/otlp-transport/src/disk-queue/disk-queue-kill.test.ts',
  'packages/otlp-transport/src/disk-queue/disk-queue-space.test.ts', // mount -t tmpfs
  // open the engine
  'apps/server/src/features/kubernetes/pod-directory.test.ts',
  'apps/server/src/features/traces/trace-queries.test.ts',
  'apps/server/src/storage/binary-inserts.test.ts',
  'apps/server/src/storage/open-storage.test.ts',
  'apps/server/src/storage/red-rollups.test.ts',
];

const unitInclude = ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'];

const integrationInclude = [
  ...integrationInSrc,
  'apps/*/test/**/*.test.ts',
  'examples/*/test/**/*.test.ts',
  'stack/*.test.ts',
  // Whole-stack tests: several real processes (server, agent, proxy, demo) together.
  'tests/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes and open chDB data directories; two cores are the budget.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: unitInclude,
          exclude: ['**/node_modules/**', ...integrationInSrc],
          setupFiles: ['./vitest.unit-guard.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: integrationInclude },
      },
    ],
  },
});
