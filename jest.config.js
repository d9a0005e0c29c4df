/**
 * Projects so the fast part gives feedback in seconds (`npm run test:unit`); the
 * fault suite (`faults`, a stack of its own per file, services killed for real)
 * and the production suite are the slow ones.
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

module.exports = {
  testTimeout: 120000,
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      // Workflow logic on Temporal's time-skipping test server (globalSetup installs it once), and replay of recorded histories.
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/workflow/support/globalSetup.ts',
    },
    { displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      displayName: 'emulator',
      testMatch: ['<rootDir>/test/emulator/**/*.test.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/emulator/conformance/'],
      transform,
      testEnvironment: 'node',
    },
    // Real Batch traffic (the Azure SDK for JavaScript's recordings) replayed against the emulator.
    { displayName: 'conformance', testMatch: ['<rootDir>/test/emulator/conformance/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/e2e/support/globalSetup.ts',
      globalTeardown: '<rootDir>/test/e2e/support/globalTeardown.ts',
    },
    { displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      // The real Temporal server on PostgreSQL with several workers; its globalSetup builds the server once (minutes).
      displayName: 'production',
      testMatch: ['<rootDir>/test/production/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/production/support/globalSetup.ts',
    },
  ],
};
