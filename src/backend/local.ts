import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CacheBackend, errorMessage, type RestoreOutcome, type SaveOutcome } from './backend.js';
import type { CacheScope } from './cache-scope.js';

// Archives in a folder: for self-hosted runners with a persistent disk, and for running the
// action outside GitHub. The same matching rules as the cache service: the exact key, then
// the key as a prefix, then each restore key as a prefix, newest first; the list of paths must
// be the same; and the same scopes (cache-scope.ts): each entry records the ref that saved it,
// and a restore searches its own ref first, then its base branch, then the default branch.
//
// Entries saved before scopes were recorded name no ref: nothing says whether a pull request
// saved them, so they are never restored (a miss, as after a key change) and go first when the
// folder is full, since nothing uses them again.
//
// Layout: <dir>/<id>.tar holds one top-level folder per path ("0/", "1/", ...) and
// <dir>/<id>.json describes it. The .json is written last, so an entry without one is an
// interrupted save and is never restored.
//
// Bounded like the Actions cache: past LOCAL_CACHE_LIMIT_BYTES, the entries used least recently
// (restored or saved; the .json's mtime) are evicted after each save.

export const LOCAL_CACHE_LIMIT_BYTES = 10 * 1024 ** 3;

interface EntryRecord {
  key: string;
  version: string;
  /** The ref that saved it (GITHUB_REF, '' outside Actions); absent on entries from before scopes. */
  scope?: string;
  createdAt: number;
  size: number;
}

interface StoredEntry extends EntryRecord {
  lastUsed: number;
}

export class LocalCacheBackend implements CacheBackend {
  readonly name = 'local';

  constructor(
    readonly dir: string,
    readonly scope: CacheScope,
    private readonly limitBytes = LOCAL_CACHE_LIMIT_BYTES,
  ) {}

  async restore(paths: string[], key: string, restoreKeys: string[]): Promise<RestoreOutcome> {
    try {
      const entry = this.findEntry(await this.entries(), pathsVersion(paths), key, restoreKeys);
      if (!entry) return { matchedKey: undefined };
      await extractArchive(join(this.dir, `${entryId(entry)}.tar`), paths);
      const now = new Date();
      await utimes(join(this.dir, `${entryId(entry)}.json`), now, now);
      return { matchedKey: entry.key };
    } catch (error: unknown) {
      return { matchedKey: undefined, problem: errorMessage(error) };
    }
  }

  async save(paths: string[], key: string): Promise<SaveOutcome> {
    const record: EntryRecord = {
      key,
      version: pathsVersion(paths),
      scope: this.scope.ownRef,
      createdAt: Date.now(),
      size: 0,
    };
    const id = entryId(record);
    if (existsSync(join(this.dir, `${id}.json`))) {
      return { status: 'exists', message: `an entry with key ${key} is already in ${this.dir}` };
    }
    const temporary = join(this.dir, `${id}.tar.${process.pid}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      await createArchive(temporary, paths);
      record.size = (await stat(temporary)).size;
      await rename(temporary, join(this.dir, `${id}.tar`));
      await writeFile(join(this.dir, `${id}.json`), `${JSON.stringify(record)}\n`);
      await this.evictBeyondLimit();
      return { status: 'saved' };
    } catch (error: unknown) {
      await rm(temporary, { force: true });
      return { status: 'failed', message: errorMessage(error) };
    }
  }

  /** Every step of the search on one ref before the next ref: own ref, base, default branch. */
  private findEntry(entries: EntryRecord[], version: string, key: string, restoreKeys: string[]) {
    const usable = entries
      .filter((entry) => entry.version === version)
      .sort((a, b) => b.createdAt - a.createdAt);
    for (const ref of this.scope.restoreRefs) {
      const candidates = usable.filter((entry) => entry.scope === ref);
      const found =
        candidates.find((entry) => entry.key === key) ??
        [key, ...restoreKeys]
          .map((prefix) => candidates.find((entry) => entry.key.startsWith(prefix)))
          .find(Boolean);
      if (found) return found;
    }
    return undefined;
  }

  private async entries(): Promise<StoredEntry[]> {
    if (!existsSync(this.dir)) return [];
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    const records = await Promise.all(
      names.map(async (name) => {
        try {
          const path = join(this.dir, name);
          const record = JSON.parse(await readFile(path, 'utf8')) as EntryRecord;
          return { ...record, lastUsed: (await stat(path)).mtimeMs };
        } catch {
          return undefined; // a damaged record is skipped, not fatal
        }
      }),
    );
    return records.filter((record): record is StoredEntry => record !== undefined);
  }

  private async evictBeyondLimit(): Promise<void> {
    const entries = (await this.entries()).sort((a, b) => b.lastUsed - a.lastUsed);
    let total = 0;
    for (const entry of entries) {
      total += entry.size;
      // The newest entry stays, whatever its size: it is the one just saved.
      if (total <= this.limitBytes || entry === entries[0]) continue;
      const id = entryId(entry);
      await rm(join(this.dir, `${id}.json`), { force: true });
      await rm(join(this.dir, `${id}.tar`), { force: true });
    }
  }
}

/** Entries are only restored onto the same list of paths, like the service's `version`. */
function pathsVersion(paths: string[]): string {
  return createHash('sha256').update(paths.join('\n')).digest('hex');
}

/** One entry per key, paths and ref: two refs may each save the same key, as on the service. */
function entryId(entry: Pick<EntryRecord, 'key' | 'version' | 'scope'>): string {
  // Without a scope, the id of an entry saved before scopes were recorded.
  const scoped = entry.scope === undefined ? '' : `\n${entry.scope}`;
  return createHash('sha256').update(`${entry.key}\n${entry.version}${scoped}`).digest('hex').slice(0, 32);
}

/** tar, imported on first use: a step that restores nothing or saves nothing here never needs it. */
function loadTar(): Promise<typeof import('tar')> {
  return import('tar');
}

async function createArchive(file: string, paths: string[]): Promise<void> {
  // Uncompressed: the bulk is wheels, which are zip files already. `replace` appends, and
  // creates the file on the first call.
  const present = [...paths.entries()].filter(([, path]) => existsSync(path));
  if (present.length === 0) throw new Error('none of the cached folders exists');
  const tar = await loadTar();
  for (const [index, path] of present) {
    await tar.replace({ file, cwd: path, prefix: String(index), portable: true }, ['.']);
  }
}

async function extractArchive(file: string, paths: string[]): Promise<void> {
  const tar = await loadTar();
  for (const [index, path] of paths.entries()) {
    await mkdir(path, { recursive: true });
    await tar.extract({
      file,
      cwd: path,
      strip: 1,
      filter: (entryPath) => entryPath.split('/')[0] === String(index),
    });
  }
}
