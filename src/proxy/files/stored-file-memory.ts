// What a run learned about stored files, within one byte budget (issue 11: a stat and a new read
// stream per answer was most of the proxy's fixed cost per request; issue 9, case 14: memory
// follows a budget, not the files seen):
// - the size of each stored file answered, so HEAD, Range and repeats need no stat;
// - the bytes of small files (PEP 658 metadata, most wheels), answered with no file system call;
// - which stored file a `.metadata` route names, so a repeat skips the page lookup.
// Store files are immutable (content-addressed, committed once verified, pruned only after the
// proxy stopped), so nothing kept here can go stale within a run.
import { ByteBudgetCache } from '../pages/byte-budget-cache.js';

export const DEFAULT_FILE_MEMORY_BYTES = 32 * 1024 * 1024;
/** Files up to this size are kept whole; larger ones only by their size. */
export const SMALL_FILE_MAX_BYTES = 1024 * 1024;
/** What a size or a route entry costs: key string, entry object, map slot. */
const ENTRY_BYTES = 256;

export interface KnownFile {
  size: number;
  bytes?: Buffer;
}

export class StoredFileMemory {
  private readonly files: ByteBudgetCache<KnownFile>;
  private readonly routes: ByteBudgetCache<string>;

  constructor(budgetBytes = DEFAULT_FILE_MEMORY_BYTES) {
    // Routes are tiny; a sixteenth of the budget holds thousands of them.
    this.routes = new ByteBudgetCache(Math.floor(budgetBytes / 16));
    this.files = new ByteBudgetCache(budgetBytes - this.routes.budgetBytes);
  }

  get heldBytes(): number {
    return this.files.heldBytes + this.routes.heldBytes;
  }

  get budgetBytes(): number {
    return this.files.budgetBytes + this.routes.budgetBytes;
  }

  file(sha256: string): KnownFile | undefined {
    return this.files.get(sha256);
  }

  /** Keeps a file's size, and its bytes when given (a small file). */
  rememberFile(sha256: string, known: KnownFile): void {
    this.files.set(sha256, known, ENTRY_BYTES + (known.bytes?.length ?? 0));
  }

  /** The stored file's sha256 for a route key (the request path) seen before. */
  route(key: string): string | undefined {
    return this.routes.get(key);
  }

  rememberRoute(key: string, sha256: string): void {
    this.routes.set(key, sha256, ENTRY_BYTES + 2 * key.length);
  }
}
