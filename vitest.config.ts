import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The emulators (dynalite, s3rver, the local SES endpoint) start once for the whole run.
    globalSetup: ['test/setup/emulators.ts'],
    // Each test file gets its own table, bucket and token secret, so files never see each other's data.
    setupFiles: ['test/setup/per-file.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
