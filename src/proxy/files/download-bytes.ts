// Where a download's bytes are while it runs: its temp file in the store, and, once the store
// cannot take more (disk full, quota, I/O error), memory. FileHandle.write() may write fewer
// bytes than asked without an error (a disk a few KiB short of the file), so writes loop until
// every byte is on disk, and a store error switches the rest of the body to memory instead of
// failing a download whose bytes are good: the clients under way still get the verified bytes
// (issue 9, case 1), only the store copy is given up. `onDisk` counts only bytes the file
// system took, and the file's size on disk is checked against it before any commit.
// In memory a download keeps only what some reader has not read yet (`dropBefore`): a file of
// any size passes through a full store in a bounded window (downloads.ts holds the upstream
// back while the window is full), and a reader that comes too late for the dropped bytes is
// told so by `readableFrom` and gets a download of its own.
import { type FileHandle, open, stat } from 'node:fs/promises';

/**
 * What one download holds in memory, at most, once its store copy is given up: the bytes its
 * slowest reader has not read yet. At least the largest file that is answered only once
 * verified (file-responses.ts, VERIFY_FIRST_MAX_BYTES: 8 MiB), whose clients read nothing
 * before the end, so that such a file is never dropped before it is sent.
 */
export const MAX_UNSTORED_BYTES = 16 * 1024 * 1024;

/** Write errors that mean "the store cannot take this", not "this code is wrong". */
const STORE_WRITE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'EROFS']);

export function isStoreWriteError(error: unknown): boolean {
  return STORE_WRITE_ERRORS.has((error as NodeJS.ErrnoException)?.code ?? '');
}

/** A piece of the body held in memory, at its offset in the file. */
interface SpilledPiece {
  start: number;
  bytes: Buffer;
}

export class DownloadBytes {
  /** Bytes the temp file holds, every one written in full, from offset 0. */
  onDisk = 0;
  /** Why the store copy was given up; from then on bytes go to `spill`. */
  storeFailure?: Error;
  /** Pieces in memory from offset `spillStart` on, in order; `firstPiece` skips dropped ones. */
  private spill: (SpilledPiece | undefined)[] = [];
  private firstPiece = 0;
  /** Bytes in memory, and bytes dropped from memory after every reader had them. */
  private spillBytes = 0;
  private droppedBytes = 0;

  private constructor(
    readonly tempPath: string,
    private writer: FileHandle | undefined,
    private reader: FileHandle | undefined,
  ) {}

  /** Opens the temp file; a store that cannot even create it gives a memory-only download. */
  static async open(tempPath: string): Promise<DownloadBytes> {
    let writer: FileHandle | undefined;
    try {
      writer = await open(tempPath, 'wx');
      const bytes = new DownloadBytes(tempPath, writer, await open(tempPath, 'r'));
      return bytes;
    } catch (error: unknown) {
      await writer?.close().catch(() => {});
      if (!isStoreWriteError(error)) throw error;
      const bytes = new DownloadBytes(tempPath, undefined, undefined);
      bytes.storeFailure = error as Error;
      return bytes;
    }
  }

  /** Every byte appended so far, on disk, in memory or dropped. */
  get length(): number {
    return this.onDisk + this.droppedBytes + this.spillBytes;
  }

  /** Bytes held in memory now. */
  get inMemory(): number {
    return this.spillBytes;
  }

  get stored(): boolean {
    return this.storeFailure === undefined;
  }

  /** Whether every byte from `position` on can still be read (none of them was dropped). */
  readableFrom(position: number): boolean {
    return this.droppedBytes === 0 || position >= this.onDisk + this.droppedBytes;
  }

  async append(chunk: Buffer): Promise<void> {
    let rest = chunk;
    if (!this.storeFailure) {
      const written = await this.writeFully(rest);
      if (written === rest.length) return;
      rest = rest.subarray(written);
    }
    this.spill.push({ start: this.length, bytes: rest });
    this.spillBytes += rest.length;
  }

  /**
   * Forgets the pieces of memory that end at or before `offset`: every reader is past them.
   * Whole pieces only (a piece is one network chunk), so nothing is copied.
   */
  dropBefore(offset: number): void {
    for (;;) {
      const piece = this.spill[this.firstPiece];
      if (!piece || piece.start + piece.bytes.length > offset) break;
      this.spill[this.firstPiece] = undefined;
      this.firstPiece++;
      this.spillBytes -= piece.bytes.length;
      this.droppedBytes += piece.bytes.length;
    }
    // Compacts now and then, so that the array does not grow with the file.
    if (this.firstPiece > 1024 && this.firstPiece * 2 > this.spill.length) {
      this.spill = this.spill.slice(this.firstPiece);
      this.firstPiece = 0;
    }
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

  /** Up to `length` bytes at `position`; empty when they were dropped or are not there yet. */
  async readAt(position: number, length: number): Promise<Buffer> {
    if (position < this.onDisk) {
      if (!this.reader) throw new Error('download bytes are closed');
      const wanted = Math.min(length, this.onDisk - position);
      const buffer = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await this.reader.read(buffer, 0, wanted, position);
      return buffer.subarray(0, bytesRead);
    }
    return this.readSpill(position, length);
  }

  /** Binary search for the piece holding `position`: readers ask once per piece. */
  private readSpill(position: number, length: number): Buffer {
    let low = this.firstPiece;
    let high = this.spill.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const piece = this.spill[middle] as SpilledPiece;
      if (position < piece.start) high = middle - 1;
      else if (position >= piece.start + piece.bytes.length) low = middle + 1;
      else {
        const offset = position - piece.start;
        return piece.bytes.subarray(offset, Math.min(piece.bytes.length, offset + length));
      }
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
    this.firstPiece = 0;
    this.spillBytes = 0;
    await reader?.close();
  }
}
