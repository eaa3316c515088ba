import { findOnPath, runCommand } from '../system/command.js';

// The Python on PATH, as X.Y for the cache key: wheels built for one minor version are no use
// to another, so they must not share an entry.

const PRINT_VERSION = 'import sys; print("%d.%d" % sys.version_info[:2])';

export async function detectPythonVersion(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  for (const name of candidates) {
    const python = findOnPath(name, env);
    if (!python) continue;
    const result = await runCommand(python, ['-c', PRINT_VERSION], { env, timeoutMs: 30_000 });
    const version = result.stdout.trim();
    if (result.code === 0 && /^\d+\.\d+$/.test(version)) return version;
  }
  return 'none';
}
