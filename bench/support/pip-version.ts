// The pip the bench's installs run: pip 26.2.1 (the current pip, in this machine's local wheel
// mirror) in its own venv, fetched once with the machine's pip configuration and installed with
// none. Where it cannot be had, the machine's pip, with a note saying so (issue 11: pip 23 hid
// the server's cost behind its own).
import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
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
    // The machine's configuration on purpose here: it names the local mirror.
    const fetched = await runCommand(
      base,
      ['-m', 'pip', 'download', '--no-deps', '-d', dir, `pip==${WANTED_PIP}`],
      { timeoutMs: 120_000 },
    );
    const wheel = (await readdir(dir)).find((name) => name.startsWith(`pip-${WANTED_PIP}-`));
    if (fetched.code === 0 && wheel) {
      const python = await createVenv(join(dir, 'venv'));
      const installed = await runCommand(
        base,
        ['-m', 'pip', '--python', python, 'install', '--no-index', '--no-cache-dir', join(dir, wheel)],
        { env: isolatedPipEnv() },
      );
      if (installed.code === 0) return { python, version: await versionOf(python) };
    }
    const note = `pip ${WANTED_PIP} could not be had from the machine's mirror (${fetched.stderr.trim().split('\n').pop() ?? ''}); the machine's pip ran instead`;
    log(note);
    return { python: base, version: await versionOf(base), note };
  })();
  return cached;
}
