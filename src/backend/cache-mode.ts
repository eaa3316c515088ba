// ACTIONS_CACHE_MODE, set by the runner: `read` for untrusted triggers (a fork's pull request),
// `none`, `write-only`, or `write`. The same lattice as @actions/cache's internal/config.ts:
// readable = read | write, writable = write | write-only; unset or unknown is permissive, so
// runners that do not set it behave as before (an unknown value is also said, in a warning:
// a runner newer than this action, or a typo in a self-hosted runner's env). The local backend
// follows it too: the runner says what this job may do with caches, whichever folder holds them.
// write-only restores nothing (the job starts cold) and saves what the job then built.

const KNOWN_CACHE_MODES = ['none', 'read', 'write', 'write-only'];

export interface CacheMode {
  /** As the runner spelled it, '' when unset. */
  name: string;
  readable: boolean;
  writable: boolean;
  /** Set for a value that is none of the known modes. */
  warning?: string;
}

export function readCacheMode(env: NodeJS.ProcessEnv): CacheMode {
  const name = (env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
  if (!name) return { name, readable: true, writable: true };
  if (!KNOWN_CACHE_MODES.includes(name)) {
    const warning = `ACTIONS_CACHE_MODE is '${env.ACTIONS_CACHE_MODE}', which is not one of: ${KNOWN_CACHE_MODES.join(', ')}. Restoring and saving as if it were unset, as @actions/cache does.`;
    return { name, readable: true, writable: true, warning };
  }
  return {
    name,
    readable: name === 'read' || name === 'write',
    writable: name === 'write' || name === 'write-only',
  };
}
