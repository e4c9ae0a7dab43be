// Four layers of tests: pure unit tests, CDK assertions, email rendering in headless Chromium, and integration tests
// against the local emulators.
import { defineConfig } from 'vitest/config';

const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env } },
      // Headless Chromium from the npm package @sparticuz/chromium (or CHROMIUM_PATH), driven by playwright-core.
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], env, testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], env, testTimeout: 120_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          env,
          globalSetup: ['test/integration/global-setup.ts'],
          // One file at a time: the files share the emulators' queues, and each runs the real event sources on them.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
