import { findOnPath, runCommand } from '../system/command.js';

// The Python on PATH, as X.Y for the cache key: wheels built for one minor version are no use
// to another, so they must not share an entry.

const PRINT_VERSION = 'import sys; print("%d.%d" % sys.version_info[:2])';
// -S: without the site module, which adds site-packages and runs every .pth file there before
// the one line (with a .pth file of this machine's, 85 ms of CPU a run instead of 25). The X.Y
// is the interpreter binary's own, whatever site would do; pyenv or asdf shims pass -S on to it
// and a venv's python is its base interpreter. Not -I or -E: they also ignore PYTHONHOME, which
// a relocated or embedded interpreter may need to start at all.
const PRINT_VERSION_ARGS = ['-S', '-c', PRINT_VERSION];

export async function detectPythonVersion(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  for (const name of candidates) {
    const python = findOnPath(name, env);
    if (!python) continue;
    const result = await runCommand(python, PRINT_VERSION_ARGS, { env, timeoutMs: 30_000 });
    const version = result.stdout.trim();
    if (result.code === 0 && /^\d+\.\d+$/.test(version)) return version;
  }
  return 'none';
}
