import * as cache from '@actions/cache';
import { type CacheBackend, errorMessage, type RestoreOutcome, type SaveOutcome } from './backend.js';
import { probeCacheService } from './service-probe.js';

// The GitHub Actions cache service, through the real @actions/cache.

export class ActionsCacheBackend implements CacheBackend {
  readonly name = 'actions';

  static isAvailable(): boolean {
    // @github/local-action's stub of @actions/cache has no isFeatureAvailable: `auto` is local there.
    return typeof cache.isFeatureAvailable === 'function' && cache.isFeatureAvailable();
  }

  async restore(paths: string[], key: string, restoreKeys: string[]): Promise<RestoreOutcome> {
    const problem = await probeCacheService();
    if (problem) return { matchedKey: undefined, problem };
    try {
      // @actions/cache logs and swallows service errors itself; what it throws is our misuse.
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
