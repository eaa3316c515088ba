import { joinPath, type Platform, userCacheDir } from '../system/platform.js';
import { ActionsCacheBackend } from './actions.js';
import type { CacheBackend } from './backend.js';
import { readCacheScope } from './cache-scope.js';
import { LocalCacheBackend } from './local.js';

export type BackendChoice = 'auto' | 'actions' | 'local';

/** `auto` is the Actions cache service when the runner provides one, a local folder otherwise. */
export async function chooseBackend(
  choice: BackendChoice,
  localCacheDir: string | undefined,
  platform: Platform,
): Promise<CacheBackend> {
  const useActions = choice === 'actions' || (choice === 'auto' && (await ActionsCacheBackend.isAvailable()));
  if (useActions) return new ActionsCacheBackend();
  return new LocalCacheBackend(localCacheDir ?? defaultLocalCacheDir(platform), readCacheScope(platform.env));
}

export function defaultLocalCacheDir(platform: Platform): string {
  return joinPath(platform.os)(userCacheDir(platform), 'pypi-cache-action');
}
