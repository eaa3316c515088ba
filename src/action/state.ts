import * as core from '@actions/core';
import type { InstallerName } from '../installers/installers.js';
import type { RequirementPin } from '../key/pinned-requirements.js';
import type { ProxyState } from './job-proxy.js';
import type { OfferedWheelhouse } from './wheelhouse.js';

// The only place that names saved state: what the main step hands to the post step.
// One JSON value, so a field added later cannot be forgotten on one side.

const MAIN_STATE = 'main';

export interface CachedFolder {
  /** Whose folder: an installer's cache, or the proxy's store. */
  owner: InstallerName | 'proxy';
  path: string;
  /** A job-owned folder (see job-folders.ts): emptied before restore, pruned before save. */
  owned: boolean;
}

export interface MainState {
  /** The lockfile's key; entries are saved under `<key>~g<generation>` (see key/generation.ts). */
  key: string;
  /** The generation restored on an exact hit; a repair saves the next one. */
  generation: number | undefined;
  restoreKeys: string[];
  matchedKey: string | undefined;
  cacheHit: boolean;
  folders: CachedFolder[];
  backend: 'actions' | 'local';
  localCacheDir: string | undefined;
  restoredBytes: number;
  restoreMs: number;
  restoreProblem: string | undefined;
  /** The proxy daemon, when the `proxy` input is on and it started. */
  proxy: ProxyState | undefined;
  /**
   * A lockfile records file URLs (uv.lock, pylock.toml) and the proxy is not intercepting:
   * installs from it download past the proxy, so the installers' folders carry those files.
   */
  downloadsPastProxy?: boolean;
  /** With the proxy: the requirements files' pins, when every requirement is pinned. */
  requirementPins?: RequirementPin[];
  /** The wheelhouse offered on this exact hit: used files the proxy never sees. */
  wheelhouse?: OfferedWheelhouse;
}

export function saveMainState(state: MainState): void {
  core.saveState(MAIN_STATE, JSON.stringify(state));
}

/** The main step's state, or undefined when it did not get far enough to write it. */
export function loadMainState(): MainState | undefined {
  const raw = core.getState(MAIN_STATE);
  return raw ? (JSON.parse(raw) as MainState) : undefined;
}
