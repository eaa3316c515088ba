// The one way a route finds a file the store already holds, by its sha256: the size (and a
// small file's bytes) from the run's StoredFileMemory when a repeat can skip the stat and the
// read, else from the store, then remembered. The index routes (file-service.ts) and the
// intercepted hosts (intercept/intercepted-files.ts) both answer through it, so a file is
// served the same way whichever URL asked for it.
import { readFile } from 'node:fs/promises';
import type { ManifestRecorder } from '../store/manifest.js';
import type { ContentStore } from '../store/store.js';
import { SMALL_FILE_MAX_BYTES, type StoredFileMemory } from './stored-file-memory.js';

export interface StoredFile {
  kind: 'stored';
  sha256: string;
  path: string;
  size: number;
  /** The whole file, when it is small enough to be kept in memory. */
  bytes?: Buffer;
}

export class StoredFiles {
  constructor(
    private readonly store: ContentStore,
    private readonly manifest: ManifestRecorder,
    readonly memory: StoredFileMemory,
  ) {}

  /** The stored file with this sha256, recorded in the manifest as used; undefined when absent. */
  async find(sha256: string): Promise<StoredFile | undefined> {
    const path = this.store.filePath(sha256);
    let known = this.memory.file(sha256);
    if (!known) {
      const size = await this.store.fileSize(sha256);
      if (size === undefined) return undefined;
      known = { size, bytes: size <= SMALL_FILE_MAX_BYTES ? await readFile(path) : undefined };
      // A file that changed between stat and read is not ours to explain: keep only the size.
      if (known.bytes && known.bytes.length !== size) known = { size };
      this.memory.rememberFile(sha256, known);
    }
    this.manifest.file(sha256);
    return { kind: 'stored', sha256, path, size: known.size, bytes: known.bytes };
  }
}
