import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class BlobNotFoundError extends Error {
  constructor(name: string) {
    super(`blob ${name} does not exist`);
    this.name = 'BlobNotFoundError';
  }
}

export class InvalidBlockListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidBlockListError';
  }
}

export interface BlobProperties {
  size: number;
  etag: string;
  lastModified: Date;
}

/**
 * Blobs and staged blocks on disk, never in memory: the benchmarks push caches of hundreds of MB.
 * Everything is written under a temp name and renamed once complete, so a reader never sees half a blob.
 */
export class BlobStore {
  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    for (const dir of ['blobs', 'blocks', 'tmp']) {
      await mkdir(join(this.root, dir), { recursive: true });
    }
  }

  blobPath(name: string): string {
    return join(this.root, 'blobs', name);
  }

  async putBlob(name: string, body: Readable): Promise<BlobProperties> {
    const temp = await this.writeTemp(body);
    await rename(temp, this.blobPath(name));
    // A whole-blob PUT discards uncommitted blocks, as Azure does.
    await rm(this.blockDir(name), { recursive: true, force: true });
    return this.properties(name);
  }

  async stageBlock(name: string, blockId: string, body: Readable): Promise<void> {
    const temp = await this.writeTemp(body);
    await mkdir(this.blockDir(name), { recursive: true });
    await rename(temp, this.blockPath(name, blockId));
  }

  /** Concatenates staged blocks in list order into the blob; unknown block ids reject the whole list. */
  async commitBlockList(name: string, blockIds: string[]): Promise<BlobProperties> {
    const paths = blockIds.map((id) => this.blockPath(name, id));
    for (const [i, path] of paths.entries()) {
      if (!(await exists(path))) throw new InvalidBlockListError(`block ${blockIds[i]} was not staged`);
    }
    const temp = this.tempPath();
    await pipeline(async function* () {
      for (const path of paths) yield* createReadStream(path);
    }, createWriteStream(temp));
    await rename(temp, this.blobPath(name));
    await rm(this.blockDir(name), { recursive: true, force: true });
    return this.properties(name);
  }

  async properties(name: string): Promise<BlobProperties> {
    try {
      const info = await stat(this.blobPath(name));
      const etag = `"0x${Math.floor(info.mtimeMs * 1000).toString(16)}${info.size.toString(16)}"`;
      return { size: info.size, etag, lastModified: info.mtime };
    } catch (error: unknown) {
      if (isNotFound(error)) throw new BlobNotFoundError(name);
      throw error;
    }
  }

  /** `end` is inclusive, as in an HTTP range. */
  read(name: string, start: number, end: number): Readable {
    return createReadStream(this.blobPath(name), { start, end });
  }

  private blockDir(name: string): string {
    return join(this.root, 'blocks', name);
  }

  // Block ids are base64 and may hold '/' or '+', so name the file by the id's hex.
  private blockPath(name: string, blockId: string): string {
    return join(this.blockDir(name), Buffer.from(blockId).toString('hex'));
  }

  private tempPath(): string {
    return join(this.root, 'tmp', randomUUID());
  }

  private async writeTemp(body: Readable): Promise<string> {
    const temp = this.tempPath();
    try {
      await pipeline(body, createWriteStream(temp));
    } catch (error: unknown) {
      await rm(temp, { force: true });
      throw error;
    }
    return temp;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error: unknown) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
