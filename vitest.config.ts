import { defineConfig } from 'vitest/config';

/**
 * Tests log only errors unless asked otherwise (POWERTOOLS_LOG_LEVEL=INFO
 * npm test): the handlers' INFO lines would bury the test report.
 */
const env = {
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

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
          env,
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/emulatorSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          env,
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/emulatorSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'infra',
          env,
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
