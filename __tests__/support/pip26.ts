// pip 26.2.1, the first pip that installs from pylock.toml (`pip install -r pylock.toml`,
// experimental), in a venv of its own. The wheel comes from this machine's local mirror (the
// machine's pip configuration, on purpose: the only pip run here that is not isolated); the
// venv's pip then runs isolated like every other. Undefined, with the reason, where it cannot be had.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createVenv, isolatedPipEnv } from './pip.js';

export const PIP_26 = '26.2.1';

export async function pip26Venv(dir: string): Promise<{ python: string } | { missing: string }> {
  const wheels = join(dir, 'pip-wheel');
  const download = spawnSync(
    'python3',
    ['-m', 'pip', 'download', '--no-deps', '--disable-pip-version-check', '-d', wheels, `pip==${PIP_26}`],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const wheel = download.status === 0 ? readdirSync(wheels).find((name) => name.endsWith('.whl')) : undefined;
  if (!wheel) return { missing: `pip ${PIP_26} cannot be had here: ${(download.stderr ?? '').slice(-300)}` };
  const python = await createVenv(join(dir, 'pip26-venv'));
  const install = spawnSync(
    'python3',
    ['-m', 'pip', '--python', python, 'install', '--no-index', '--no-deps', join(wheels, wheel)],
    { encoding: 'utf8', env: isolatedPipEnv(), timeout: 120_000 },
  );
  if (install.status !== 0)
    return { missing: `pip ${PIP_26} did not install: ${install.stderr.slice(-300)}` };
  return { python };
}
