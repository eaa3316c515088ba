import { type CacheBackend, errorMessage, type RestoreOutcome, type SaveOutcome } from './backend.js';
import { probeCacheService } from './service-probe.js';

// The GitHub Actions cache service, through the real @actions/cache.

type ActionsCache = typeof import('@actions/cache');
let actionsCache: Promise<ActionsCache> | undefined;

/**
 * @actions/cache, imported on first use: with Azure's storage SDK and protobuf it is most of the
 * bundle, ~0.15 s of CPU at every step's start-up, and a step with a local folder, an exact hit
 * (nothing to save) or a cache service that is down never calls it.
 */
function loadActionsCache(): Promise<ActionsCache> {
  actionsCache ??= import('@actions/cache');
  return actionsCache;
}

export class ActionsCacheBackend implements CacheBackend {
  readonly name = 'actions';

  static async isAvailable(): Promise<boolean> {
    // Without either URL isFeatureAvailable is false for every service version: no need to load it.
    if (!process.env.ACTIONS_CACHE_URL && !process.env.ACTIONS_RESULTS_URL) return false;
    const cache = await loadActionsCache();
    // @github/local-action's stub of @actions/cache has no isFeatureAvailable: `auto` is local there.
    return typeof cache.isFeatureAvailable === 'function' && cache.isFeatureAvailable();
  }

  async restore(paths: string[], key: string, restoreKeys: string[]): Promise<RestoreOutcome> {
    const problem = await probeCacheService();
    if (problem) return { matchedKey: undefined, problem };
    try {
      // @actions/cache logs and swallows service errors itself; what it throws is our misuse.
      const cache = await loadActionsCache();
      return { matchedKey: await cache.restoreCache(paths, key, restoreKeys) };
    } catch (error: unknown) {
      return { matchedKey: undefined, problem: errorMessage(error) };
    }
  }

  async save(paths: string[], key: string): Promise<SaveOutcome> {
    // Without the probe, a down service costs a tarball and ~25 s of retries, then an info line
    // that blames "another job": the probe turns that into one clear warning.
    const problem = await probeCacheService();
    if (problem) return { status: 'failed', message: problem };
    try {
      const cache = await loadActionsCache();
      const cacheId = await cache.saveCache(paths, key);
      if (cacheId !== -1) return { status: 'saved' };
      // @actions/cache has logged why: an info line when another job reserved the key first
      // (matrix races), a warning for upload trouble.
      return { status: 'exists', message: 'the cache service did not take the entry (see the log above)' };
    } catch (error: unknown) {
      return { status: 'failed', message: errorMessage(error) };
    }
  }
}
