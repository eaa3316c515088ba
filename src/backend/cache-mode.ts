// ACTIONS_CACHE_MODE, set by the runner: `read` for untrusted triggers (a fork's pull request),
// `none`, `write-only`, or `write`. The same lattice as @actions/cache's internal/config.ts:
// readable = read | write, writable = write | write-only; unset or unknown is permissive, so
// runners that do not set it behave as before. The local backend follows it too: the runner
// says what this job may do with caches, whichever folder holds them.

const KNOWN_CACHE_MODES = ['none', 'read', 'write', 'write-only'];

export interface CacheMode {
  /** As the runner spelled it, '' when unset. */
  name: string;
  readable: boolean;
  writable: boolean;
}

export function readCacheMode(env: NodeJS.ProcessEnv): CacheMode {
  const name = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
  if (!KNOWN_CACHE_MODES.includes(name)) return { name, readable: true, writable: true };
  return {
    name,
    readable: name === 'read' || name === 'write',
    writable: name === 'write' || name === 'write-only',
  };
}
