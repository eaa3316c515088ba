import { lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

// A folder the action empties, prunes and writes its daemon's files into must be this user's
// alone. Outside Actions (no RUNNER_TEMP: local runs, self-made runners) it lives in the system's
// temp dir, which every user of the machine can write: another user could plant it beforehand as
// a symlink to our home, or as a world-writable folder, and have our restore and post steps
// empty, prune or overwrite what is not ours, or swap the CA bundle a job trusts.

export class PrivateFolderError extends Error {
  constructor(path: string, found: string) {
    super(
      `the action's folder ${path} ${found}; it accepts only a directory (not a symlink) owned by this user (uid ${process.getuid?.()}) and writable by no one else (no other group, not others). Remove it or set RUNNER_TEMP to a folder of your own.`,
    );
    this.name = 'PrivateFolderError';
  }
}

/** Creates `path` with mode 0700 if missing, then checks it is ours alone. */
export async function ensurePrivateFolder(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await mkdir(path, { mode: 0o700 }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  await checkPrivateFolder(path);
}

/** Throws PrivateFolderError unless `path` is a real directory of this uid that no one else can write. */
export async function checkPrivateFolder(path: string): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no uid or mode bits; its temp dir is per user already
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

/** A name for a folder in a temp dir shared by users: with the uid in it, so each user has theirs. */
export function perUserName(name: string): string {
  const uid = process.getuid?.();
  return uid === undefined ? name : `${name}-${uid}`;
}
