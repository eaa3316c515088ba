// Jest globalSetup and globalTeardown: one folder per test run for fixtures that several test
// files need and that cost seconds to make (the pip 26.2.1 venv: ~7 s of CPU and ~20 s here).
// __tests__/support/shared-fixture.ts builds each once in it, whichever file asks first; workers
// start after globalSetup and inherit the variable. Removed when the run ends.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const VARIABLE = 'PYPI_CACHE_ACTION_TEST_SHARED_DIR';

module.exports = async function setup() {
  process.env[VARIABLE] = mkdtempSync(join(tmpdir(), 'pypi-cache-action-shared-'));
};

module.exports.teardown = async function teardown() {
  const dir = process.env[VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
};
