// ESM jest: @actions/* are ESM-only, so tests run under --experimental-vm-modules.
// ts-jest only transpiles here; `tsc --noEmit` does the type-check.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/jest-count-reporter.cjs'],
};
