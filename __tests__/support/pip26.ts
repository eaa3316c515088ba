// pip 26.2.1, the first pip that installs from pylock.toml (`pip install -r pylock.toml`,
// experimental), in a venv of its own, made once per test run and shared by the suites that use
// it (support/shared-fixture.ts; they install with --target, never into it). The wheel comes from
// this machine's local mirror (support/local-mirror.ts); the venv's pip then runs isolated like
// every other. Undefined, with the reason, where it cannot be had.
import { join } from 'node:path';
import { downloadFromLocalMirror } from './local-mirror.js';
import { BASE_PYTHON, createVenv, pipInstall } from './pip.js';
import { sharedFixture } from './shared-fixture.js';

export const PIP_26 = '26.2.1';

/** `dir` is the suite's own folder, used only when no run-wide folder is set. */
export function pip26Venv(dir: string): Promise<{ python: string } | { missing: string }> {
  return sharedFixture(`pip-${PIP_26}`, dir, makePip26Venv);
}

async function makePip26Venv(dir: string): Promise<{ python: string } | { missing: string }> {
  const wheels = join(dir, 'pip-wheel');
  const download = await downloadFromLocalMirror(BASE_PYTHON, `pip==${PIP_26}`, wheels);
  if ('missing' in download) return { missing: `pip ${PIP_26} cannot be had here: ${download.missing}` };
  const wheel = download.wheel;
  const python = await createVenv(join(dir, 'pip26-venv'));
  // Byte-compiled at install (~0.9 s of CPU, once a run): with PYTHONDONTWRITEBYTECODE set, as on
  // this machine, Python writes no .pyc on import, and every pip run compiled all it imports again.
  const install = await pipInstall({
    python,
    args: ['--no-index', '--no-deps', join(wheels, wheel)],
  });
  if (install.code !== 0) return { missing: `pip ${PIP_26} did not install: ${install.stderr.slice(-300)}` };
  return { python };
}
