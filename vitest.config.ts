import { defineConfig } from 'vitest/config';

/**
 * Four suites, each runnable alone (`npm run test:unit` and so on):
 * unit tests touch no network; integration tests run the handlers and
 * adapters against AWS emulators (embedded ones unless AWS endpoint settings
 * say otherwise); end-to-end tests drive the local runtime over HTTP;
 * infrastructure tests assert on the synthesized CloudFormation template.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/emulatorSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/emulatorSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
