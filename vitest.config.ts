import { defineConfig } from 'vitest/config';

// Three projects: fast unit/integration tests, end-to-end tests in real Chromium, and Electron
// specs (which skip with one line where the Electron binary is absent).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['common/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.ts', 'server/**/*.test.ts', 'tests/cli/**/*.test.ts', 'tests/packaging/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 1 },
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each file drives its own Chromium; two at a time is what two cores carry.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'electron',
          sequence: { groupOrder: 2 },
          include: ['tests/electron/**/*.test.ts'],
          globalSetup: ['tests/electron/electron-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
