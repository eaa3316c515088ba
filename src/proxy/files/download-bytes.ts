// Where a download's bytes are while it runs: its temp file in the store, and, once the store
// cannot take more (disk full, quota, I/O error), memory. FileHandle.write() may write fewer
// bytes than asked without an error (a disk a few KiB short of the file), so writes loop until
// every byte is on disk, and a store error switches the rest of the body to memory instead of
// failing a download whose bytes are good: the clients under way still get the verified bytes
// (issue 9, case 1), only the store copy is given up. `onDisk` counts only bytes the file
// system took, and the file's size on disk is checked against it before any commit.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { StoreFullError } from '../errors.js';

/**
 * What one download may hold in memory once its store copy is given up. At least the largest
 * file that is answered only once verified (file-responses.ts, VERIFY_FIRST_MAX_BYTES: 8 MiB),
 * so that every such file still reaches its client; past it a streamed answer is cut off.
 */
export const MAX_UNSTORED_BYTES = 16 * 1024 * 1024;

/** Write errors that mean "the store cannot take this", not "this code is wrong". */
const STORE_WRITE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'EROFS']);

export function isStoreWriteError(error: unknown): boolean {
  return STORE_WRITE_ERRORS.has((error as NodeJS.ErrnoException)?.code ?? '');
}

export class DownloadBytes {
  /** Bytes the temp file holds, every one written in full, from offset 0. */
  onDisk = 0;
  /** Why the store copy was given up; from then on bytes go to `spill`. */
  storeFailure?: Error;
  private spill: Buffer[] = [];
  private spillBytes = 0;

  private constructor(
    readonly tempPath: string,
    private writer: FileHandle | undefined,
    private reader: FileHandle | undefined,
    private readonly maxUnstoredBytes: number,
  ) {}

  /** Opens the temp file; a store that cannot even create it gives a memory-only download. */
  static async open(tempPath: string, maxUnstoredBytes = MAX_UNSTORED_BYTES): Promise<DownloadBytes> {
    let writer: FileHandle | undefined;
    try {
      writer = await open(tempPath, 'wx');
      const bytes = new DownloadBytes(tempPath, writer, await open(tempPath, 'r'), maxUnstoredBytes);
      return bytes;
    } catch (error: unknown) {
      await writer?.close().catch(() => {});
      if (!isStoreWriteError(error)) throw error;
      const bytes = new DownloadBytes(tempPath, undefined, undefined, maxUnstoredBytes);
      bytes.storeFailure = error as Error;
      return bytes;
    }
  }

  /** Every byte appended so far, on disk or in memory. */
  get length(): number {
    return this.onDisk + this.spillBytes;
  }

  get stored(): boolean {
    return this.storeFailure === undefined;
  }

  async append(chunk: Buffer): Promise<void> {
    let rest = chunk;
    if (!this.storeFailure) {
      const written = await this.writeFully(rest);
      if (written === rest.length) return;
      rest = rest.subarray(written);
    }
    if (this.spillBytes + rest.length > this.maxUnstoredBytes) {
      throw new StoreFullError(
        `the store cannot take this file (${this.storeFailure?.message}) and it is too large to hold in memory`,
      );
    }
    this.spill.push(rest);
    this.spillBytes += rest.length;
  }

  /** Writes until the file system took all of `chunk` or refused; resolves with what it took. */
  private async writeFully(chunk: Buffer): Promise<number> {
    let done = 0;
    try {
      while (done < chunk.length) {
        const { bytesWritten } = await (this.writer as FileHandle).write(
          chunk,
          done,
          chunk.length - done,
          this.onDisk,
        );
        // A write that takes nothing would loop for ever: the file system is full.
        if (bytesWritten <= 0) throw Object.assign(new Error('write took no bytes'), { code: 'ENOSPC' });
        done += bytesWritten;
        this.onDisk += bytesWritten;
      }
    } catch (error: unknown) {
      if (!isStoreWriteError(error)) throw error;
      this.storeFailure = error as Error;
    }
    return done;
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    if (position < this.onDisk) {
      if (!this.reader) throw new Error('download bytes are closed');
      const wanted = Math.min(length, this.onDisk - position);
      const buffer = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await this.reader.read(buffer, 0, wanted, position);
      return buffer.subarray(0, bytesRead);
    }
    return this.readSpill(position - this.onDisk, length);
  }

  private readSpill(offset: number, length: number): Buffer {
    let start = 0;
    for (const piece of this.spill) {
      if (offset < start + piece.length) {
        return piece.subarray(offset - start, Math.min(piece.length, offset - start + length));
      }
      start += piece.length;
    }
    return Buffer.alloc(0);
  }

  /**
   * Closes the temp file for writing and checks that it holds every byte on disk: true when it
   * may be committed. A close that fails (delayed allocation on a full disk) or a size that
   * differs gives the store copy up.
   */
  async finishOnDisk(): Promise<boolean> {
    const writer = this.writer;
    this.writer = undefined;
    if (this.storeFailure) {
      await writer?.close().catch(() => {});
      return false;
    }
    try {
      await writer?.close();
      const { size } = await stat(this.tempPath);
      if (size !== this.onDisk) throw new Error(`temp file holds ${size} of ${this.onDisk} bytes`);
      return true;
    } catch (error: unknown) {
      this.giveUpStore(error as Error);
      return false;
    }
  }

  /** The store copy cannot be committed after all (a failed rename): the bytes stay readable. */
  giveUpStore(reason: Error): void {
    this.storeFailure ??= reason;
  }

  async closeWriter(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    await writer?.close().catch(() => {});
  }

  async close(): Promise<void> {
    await this.closeWriter();
    const reader = this.reader;
    this.reader = undefined;
    this.spill = [];
    this.spillBytes = 0;
    await reader?.close();
  }
}
