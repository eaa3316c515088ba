// The pip the bench's installs run: pip 26.2.1 (the current pip, in this machine's local wheel
// mirror, __tests__/support/local-mirror.ts) in its own venv, installed with no pip configuration. Where it cannot be had, the machine's pip, with a note saying so (issue 11: pip 23 hid
// the server's cost behind its own).
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadFromLocalMirror } from '../../__tests__/support/local-mirror.js';
import { createVenv, isolatedPipEnv } from '../../__tests__/support/pip.js';
import { runCommand } from './processes.js';

export const WANTED_PIP = '26.2.1';

export interface BenchPip {
  /** The interpreter whose `-m pip` runs every install and download. */
  python: string;
  version: string;
  /** Set when the wanted pip could not be had. */
  note?: string;
}

function basePython(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
}

async function versionOf(python: string): Promise<string> {
  const result = await runCommand(python, ['-m', 'pip', '--version'], { env: isolatedPipEnv() });
  return /^pip (\S+)/.exec(result.stdout)?.[1] ?? 'unknown';
}

let cached: Promise<BenchPip> | undefined;

export function benchPip(root: string, log: (line: string) => void): Promise<BenchPip> {
  cached ??= (async () => {
    const base = basePython();
    const dir = join(root, `pip-${WANTED_PIP}`);
    await mkdir(dir, { recursive: true });
    const fetched = await downloadFromLocalMirror(base, `pip==${WANTED_PIP}`, dir);
    if ('wheel' in fetched) {
      const python = await createVenv(join(dir, 'venv'));
      const installed = await runCommand(
        base,
        [
          '-m',
          'pip',
          '--python',
          python,
          'install',
          '--no-index',
          '--no-cache-dir',
          join(dir, fetched.wheel),
        ],
        { env: isolatedPipEnv() },
      );
      if (installed.code === 0) return { python, version: await versionOf(python) };
    }
    const note = `pip ${WANTED_PIP} could not be had (${'missing' in fetched ? fetched.missing.trim().split('\n').pop() : 'it did not install'}); the machine's pip ran instead`;
    log(note);
    return { python: base, version: await versionOf(base), note };
  })();
  return cached;
}
