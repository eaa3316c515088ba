// A small tmpfs for the store, so that "the disk is full" is a real file system saying ENOSPC
// (and a real short write) rather than a mock. Needs root and a kernel that allows the mount;
// `tmpfsUnavailable()` says why not, so the tests can skip with that reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAGE = 4096;

function mount(dir: string, bytes: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
}

/** Why a tmpfs cannot be mounted here, or undefined when it can (probed once, synchronously). */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  const probe = mkdtempSync(join(tmpdir(), 'tmpfs-probe-'));
  try {
    mount(probe, 64 * 1024);
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error: unknown) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return stderr || (error as Error).message;
  } finally {
    rmdirSync(probe);
  }
}

export class Tmpfs {
  private constructor(readonly dir: string) {}

  /** Mounts a tmpfs of `bytes` (rounded up to pages) at `dir`, which must exist and be empty. */
  static mount(dir: string, bytes: number): Tmpfs {
    mount(dir, bytes);
    return new Tmpfs(dir);
  }

  async usedBytes(): Promise<number> {
    const fs = await statfs(this.dir);
    return (fs.blocks - fs.bfree) * fs.bsize;
  }

  /** Resizes the file system so that about `bytes` are free (whole pages, rounded down). */
  async setFreeBytes(bytes: number): Promise<void> {
    const size = (await this.usedBytes()) + Math.max(0, Math.floor(bytes / PAGE)) * PAGE;
    execFileSync('mount', ['-o', `remount,size=${Math.max(size, PAGE)}`, this.dir], { stdio: 'pipe' });
  }

  async freeBytes(): Promise<number> {
    const fs = await statfs(this.dir);
    return fs.bavail * fs.bsize;
  }

  unmount(): void {
    execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' });
  }
}

/** Free bytes that leave a file of `size` bytes one page short of fitting. */
export function oneFilePageShort(size: number): number {
  return (Math.ceil(size / PAGE) - 1) * PAGE;
}
