import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// A folder the action empties, prunes and writes its daemon's files into must be this user's
// alone. Outside Actions (no RUNNER_TEMP: local runs, self-made runners) it lives in the system's
// temp dir, which every user of the machine can write: another user could plant it beforehand as
// a symlink to our home, or as a world-writable folder, and have our restore and post steps
// empty, prune or overwrite what is not ours, or swap the CA bundle a job trusts. Checking the
// folder alone is not enough there: whoever can rename an entry of a folder above it (its owner,
// or anyone who can write a folder without the sticky bit) can swap our checked folder for a
// symlink between the check and the use, so the path is resolved once (no symlink left in it)
// and every folder above it must be as safe as /tmp is (root's or ours, sticky if others write it).

export class PrivateFolderError extends Error {
  constructor(path: string, found: string) {
    super(
      `the action's folder ${path} ${found}; it accepts only a directory (not a symlink) owned by this user (uid ${process.getuid?.()}) and writable by no one else (no other group, not others). Remove it or set RUNNER_TEMP to a folder of your own.`,
    );
    this.name = 'PrivateFolderError';
  }
}

export class UnsafeTempDirError extends Error {
  constructor(path: string, folder: string, found: string) {
    super(
      `the action's folder ${path} is in ${folder}, which ${found}: another user could swap the folder for a symlink after it is checked. Folders above it must be owned by root or this user (uid ${process.getuid?.()}), with the sticky bit if others may write them (as /tmp); set TMPDIR or RUNNER_TEMP to a folder of your own.`,
    );
    this.name = 'UnsafeTempDirError';
  }
}

export interface PrivateFolderOptions {
  /**
   * The folder sits in a temp dir other users share (no RUNNER_TEMP): the folders above it are
   * checked too. Under RUNNER_TEMP they are the runner's (a container job's are another uid's).
   */
  shared?: boolean;
}

/** Creates `path` with mode 0700 if missing, then checks it is ours alone. */
export async function ensurePrivateFolder(path: string, options: PrivateFolderOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  if (options.shared) await checkFoldersAbove(path);
  await mkdir(path, { mode: 0o700 }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  // The folders above were checked before the mkdir, and none of them is another user's to
  // change: checking them again would find the same.
  await checkPrivateFolder(path);
}

/** Throws PrivateFolderError unless `path` is a real directory of this uid that no one else can write. */
export async function checkPrivateFolder(path: string, options: PrivateFolderOptions = {}): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no uid or mode bits; its temp dir is per user already
  if (options.shared) await checkFoldersAbove(path);
  const found = await lstat(path);
  if (found.isSymbolicLink()) throw new PrivateFolderError(path, 'is a symlink');
  if (!found.isDirectory()) throw new PrivateFolderError(path, 'exists and is not a directory');
  if (found.uid !== uid) throw new PrivateFolderError(path, `is owned by uid ${found.uid}`);
  const mode = (found.mode & 0o777).toString(8);
  if (found.mode & 0o002) throw new PrivateFolderError(path, `is writable by others (mode ${mode})`);
  // A group-writable folder is fine when the group is this user's own (umask 002 with a group per user).
  if (found.mode & 0o020 && found.gid !== process.getgid?.()) {
    throw new PrivateFolderError(path, `is writable by group ${found.gid} (mode ${mode})`);
  }
}

/** Every folder above `path` (which must hold no symlink): root's or ours, and sticky if others write it. */
async function checkFoldersAbove(path: string): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const found = await lstat(folder);
    const problem = unsafeFolderAbove(found, uid);
    if (problem) throw new UnsafeTempDirError(path, folder, problem);
    if (dirname(folder) === folder) return;
  }
}

function unsafeFolderAbove(found: Stats, uid: number): string | undefined {
  const mode = (found.mode & 0o7777).toString(8);
  if (found.isSymbolicLink()) return 'is a symlink';
  if (found.uid !== 0 && found.uid !== uid) return `is owned by uid ${found.uid}`;
  const sticky = (found.mode & 0o1000) !== 0;
  if (found.mode & 0o002 && !sticky) return `is writable by others without the sticky bit (mode ${mode})`;
  if (found.mode & 0o020 && !sticky && found.gid !== process.getgid?.()) {
    return `is writable by group ${found.gid} without the sticky bit (mode ${mode})`;
  }
  return undefined;
}

/**
 * `path` with every symlink in it resolved (macOS's /tmp and /var are links to /private/...),
 * so that a link another user owns cannot point our folders elsewhere later; the part that does
 * not exist yet is kept as given.
 */
export function resolvedPath(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    // A dangling symlink stays as it is: the checks refuse it by name.
    if (isSymlink(path)) return path;
    return join(resolvedPath(parent), basename(path));
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A name for a folder in a temp dir shared by users: with the uid in it, so each user has theirs. */
export function perUserName(name: string): string {
  const uid = process.getuid?.();
  return uid === undefined ? name : `${name}-${uid}`;
}
