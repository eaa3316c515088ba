// Creating the store directory, and telling a store this process can write from one it can only
// read. Missing folders are made one at a time from the top: Node 20's `mkdir({recursive: true})`
// spins forever when a parent exists but refuses a child with ENOENT (`/proc/nope`: procfs
// answers ENOENT, Node reads it as "parent missing", finds the parent, tries again, ...).
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The store path cannot be used; `reason` says why in words, without the path. */
export class StoreDirError extends Error {
  constructor(
    readonly storeDir: string,
    readonly reason: string,
  ) {
    super(`store ${storeDir}: ${reason}`);
  }
}

const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/** True for the errors a read-only folder or file system gives on a write. */
export function isReadOnlyError(error: unknown): boolean {
  return READ_ONLY_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

function describe(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${dirname(path)} does not let a folder be created in it`;
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (code && READ_ONLY_CODES.has(code)) return 'a folder on the path cannot be created (read-only)';
  return (error as Error).message;
}

async function isDirectory(root: string, path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new StoreDirError(resolve(root), describe(path, error));
  }
}

/** Creates `root` and its missing parents; StoreDirError when it is a file or cannot be made. */
export async function ensureStoreDir(root: string): Promise<void> {
  const missing: string[] = [];
  for (let path = resolve(root); ; path = dirname(path)) {
    const directory = await isDirectory(root, path);
    if (directory === true) break;
    if (directory === false) {
      throw new StoreDirError(
        resolve(root),
        path === resolve(root) ? 'it is a file, not a folder' : `${path} is a file, not a folder`,
      );
    }
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      await mkdir(path);
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await isDirectory(root, path))) continue;
      throw new StoreDirError(resolve(root), describe(path, error));
    }
  }
}

/** Whether this process may create files in `root` (root passes any mode bits; EROFS still stops it). */
export async function canWriteIn(root: string): Promise<boolean> {
  try {
    await access(root, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function layoutFile(root: string): string {
  return join(root, 'layout.json');
}
