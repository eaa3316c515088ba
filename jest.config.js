// ESM jest: @actions/* are ESM-only, so tests run under --experimental-vm-modules.
// esbuild only transpiles here (scripts/jest-esbuild-transform.cjs); `tsc --noEmit` type-checks.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild-transform.cjs',
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 120000,
  maxWorkers: 3,
  testSequencer: '<rootDir>/scripts/jest-sequencer.cjs',
  setupFilesAfterEnv: ['<rootDir>/scripts/jest-suite-cpu.cjs'],
  // One folder per run for fixtures several files share (__tests__/support/shared-fixture.ts).
  globalSetup: '<rootDir>/scripts/jest-shared-fixtures.cjs',
  globalTeardown: '<rootDir>/scripts/jest-shared-fixtures-teardown.cjs',
  // The count line stays last: CI reads it.
  reporters: [
    'default',
    ['<rootDir>/scripts/jest-suite-times.cjs', { limit: 10 }],
    '<rootDir>/scripts/jest-count-reporter.cjs',
  ],
};
