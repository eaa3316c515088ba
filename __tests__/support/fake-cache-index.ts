export interface CacheEntryRecord {
  key: string;
  version: string;
  size: number;
  createdAt: number;
  finalized: boolean;
  blobPath: string;
}

export interface StoredEntry extends CacheEntryRecord {
  id: number;
  /** The opaque part of the signed URLs handed out for this entry. */
  signature: string;
}

/**
 * The cache service's entry table and its lookup rules: for the primary key and then each restore key,
 * an exact match first, then the newest entry the key is a prefix of; the version must be equal and
 * only finalized entries count.
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows#matching-a-cache-key
 */
export class CacheIndex {
  private readonly stored: StoredEntry[] = [];
  private lastCreatedAt = 0;

  /** Undefined when key+version exists already, finalized or not (the service answers already_exists). */
  create(key: string, version: string, blobPathOf: (id: number) => string, signature: string) {
    if (this.stored.some((e) => e.key === key && e.version === version)) return undefined;
    // Strictly increasing, so "newest" is well defined for entries made within the same millisecond.
    this.lastCreatedAt = Math.max(Date.now(), this.lastCreatedAt + 1);
    const id = this.stored.length + 1;
    const entry: StoredEntry = {
      id,
      key,
      version,
      size: 0,
      createdAt: this.lastCreatedAt,
      finalized: false,
      blobPath: blobPathOf(id),
      signature,
    };
    this.stored.push(entry);
    return entry;
  }

  pending(key: string, version: string): StoredEntry | undefined {
    return this.stored.find((e) => e.key === key && e.version === version && !e.finalized);
  }

  byId(id: number): StoredEntry | undefined {
    return this.stored[id - 1];
  }

  match(key: string, restoreKeys: readonly string[], version: string): StoredEntry | undefined {
    const candidates = this.stored
      .filter((e) => e.finalized && e.version === version)
      .sort((a, b) => b.createdAt - a.createdAt);
    for (const wanted of [key, ...restoreKeys]) {
      const hit =
        candidates.find((e) => e.key === wanted) ?? candidates.find((e) => e.key.startsWith(wanted));
      if (hit) return hit;
    }
    return undefined;
  }

  list(): CacheEntryRecord[] {
    return this.stored.map(({ key, version, size, createdAt, finalized, blobPath }) => ({
      key,
      version,
      size,
      createdAt,
      finalized,
      blobPath,
    }));
  }
}
