import { defineConfig } from 'vitest/config';
import { iamScopePlugin } from './test/iam/vite-plugin.ts';

export default defineConfig({
  // Each handler invocation runs as its function, whose calls the IAM guard checks (test/iam).
  plugins: [iamScopePlugin()],
  test: {
    include: ['test/**/*.test.ts'],
    // The emulators (dynalite, s3rver, the local SES endpoint) start once for the whole run.
    globalSetup: ['test/setup/emulators.ts'],
    // Each test file gets its own table, bucket and token secret, so files never see each other's data.
    // `npm run test:clock-edge` also starts every test just before a minute turns (test/setup/clock-edge.ts).
    setupFiles: [
      'test/setup/per-file.ts',
      ...(process.env.CSAT_CLOCK_EDGE ? ['test/setup/clock-edge.ts'] : []),
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The SDK warns that its 2027 releases will need Node 22; the Lambdas run on 22, only this machine is on 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
