// Jest globalSetup and globalTeardown: one folder per test run for fixtures that several test
// files need and that cost seconds to make (the pip 26.2.1 venv: ~7 s of CPU and ~20 s here).
// __tests__/support/shared-fixture.ts builds each once in it, whichever file asks first; workers
// start after globalSetup and inherit the variable. Removed when the run ends.
// It also finds the base interpreter and its pip's __pip-runner__.py once for the run
// (__tests__/support/pip.ts looks them up itself when these are unset): that was two Python
// start-ups, through pyenv's shim, in every test file that imports pip.ts (~0.4 s of CPU each).
// And it leaves the machine's TLS trust variables out of the run (MACHINE_TRUST_VARIABLES).
const { execFileSync } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { devNull, tmpdir } = require('node:os');
const { join } = require('node:path');

const VARIABLE = 'PYPI_CACHE_ACTION_TEST_SHARED_DIR';
const PYTHON_VARIABLE = 'PYPI_CACHE_ACTION_TEST_BASE_PYTHON';
const PIP_RUNNER_VARIABLE = 'PYPI_CACHE_ACTION_TEST_PIP_RUNNER';

const FIND_PIP_RUNNER = `
import os, sys
print(sys.executable)
try:
    import pip
    print(os.path.join(os.path.dirname(pip.__file__), '__pip-runner__.py'))
except ImportError:
    print('')
`;

/** What pip.ts would find: the real executable of `python3` (or PYTHON) and its pip's runner. */
function findBasePython() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^PIP_/i.test(name)));
  try {
    const [python = '', runner = ''] = execFileSync(
      process.env.PYTHON ?? 'python3',
      ['-c', FIND_PIP_RUNNER],
      {
        encoding: 'utf8',
        env: { ...env, PIP_CONFIG_FILE: devNull },
      },
    ).split('\n');
    if (!python.trim()) return;
    process.env[PYTHON_VARIABLE] = python.trim();
    process.env[PIP_RUNNER_VARIABLE] = existsSync(runner.trim()) ? runner.trim() : '';
  } catch {
    // no python3 here: pip.ts tries again and reports it where a test needs it
  }
}

/**
 * This machine's TLS trust settings, none of which a GitHub-hosted runner sets. The tests reach
 * loopback servers only, with test CAs they name themselves, and a test of one of these variables
 * sets it for its own step or daemon; inherited, they made the steps and daemons trust the
 * machine's bundle as a job's CA files. NODE_EXTRA_CA_CERTS also made every node process parse
 * the ~140 certificates of the bundle it names as it started (~60 ms of CPU here, against ~30 ms
 * for all the rest of `node -e 0`), and a check starts ~250 of them. Workers and everything they
 * start inherit the environment without them.
 */
const MACHINE_TRUST_VARIABLES = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'PIP_CERT',
];

module.exports = async function setup() {
  for (const name of MACHINE_TRUST_VARIABLES) delete process.env[name];
  process.env[VARIABLE] = mkdtempSync(join(tmpdir(), 'pypi-cache-action-shared-'));
  findBasePython();
};

module.exports.MACHINE_TRUST_VARIABLES = MACHINE_TRUST_VARIABLES;

module.exports.teardown = async function teardown() {
  const dir = process.env[VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
};
