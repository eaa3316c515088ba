// The job's folders in a temp dir every user of the machine shares: created 0700 by us, or
// refused when found planted. Real folders, symlinks and owners (chown needs root: skipped else).
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkPrivateFolder,
  ensurePrivateFolder,
  PrivateFolderError,
  resolvedPath,
  UnsafeTempDirError,
} from '../../src/system/private-folder.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'private-folder-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const asRoot = process.getuid?.() === 0 ? test : test.skip;

test('a missing folder is created with mode 0700 (parents too), and passes the check again', async () => {
  const path = join(dir, 'parent', 'mine');
  await ensurePrivateFolder(path);
  expect(statSync(path).mode & 0o777).toBe(0o700);
  await expect(ensurePrivateFolder(path)).resolves.toBeUndefined();
  await expect(checkPrivateFolder(path)).resolves.toBeUndefined();
});

test('a symlink to a folder of ours is refused, naming the path, what was found and what is accepted', async () => {
  const target = join(dir, 'home');
  mkdirSync(target, { mode: 0o700 });
  const path = join(dir, 'planted');
  symlinkSync(target, path);
  const refused = ensurePrivateFolder(path);
  await expect(refused).rejects.toThrow(PrivateFolderError);
  await expect(refused).rejects.toThrow(
    new RegExp(`${path} is a symlink; it accepts only a directory \\(not a symlink\\) owned by this user`),
  );
});

test('a file, a folder writable by others, a folder writable by another group are refused', async () => {
  writeFileSync(join(dir, 'file'), '');
  await expect(ensurePrivateFolder(join(dir, 'file'))).rejects.toThrow(/exists and is not a directory/);
  mkdirSync(join(dir, 'open'));
  chmodSync(join(dir, 'open'), 0o777);
  await expect(ensurePrivateFolder(join(dir, 'open'))).rejects.toThrow(/is writable by others \(mode 777\)/);
  mkdirSync(join(dir, 'own-group'));
  chmodSync(join(dir, 'own-group'), 0o770);
  // This user's own group (umask 002 with a group per user) is no one else.
  await expect(ensurePrivateFolder(join(dir, 'own-group'))).resolves.toBeUndefined();
});

asRoot('a folder of another uid, or group-writable for another group, is refused (as root)', async () => {
  mkdirSync(join(dir, 'theirs'), { mode: 0o700 });
  chownSync(join(dir, 'theirs'), 65534, 65534);
  await expect(ensurePrivateFolder(join(dir, 'theirs'))).rejects.toThrow(/is owned by uid 65534/);
  mkdirSync(join(dir, 'shared-group'));
  chmodSync(join(dir, 'shared-group'), 0o770);
  chownSync(join(dir, 'shared-group'), process.getuid?.() ?? 0, 65534);
  await expect(ensurePrivateFolder(join(dir, 'shared-group'))).rejects.toThrow(/writable by group 65534/);
});

test('in a shared temp dir, a folder above that others may write without the sticky bit is refused: they could swap ours for a symlink after the check', async () => {
  const open = join(dir, 'open-tmp');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const path = join(open, 'mine');
  const refused = ensurePrivateFolder(path, { shared: true });
  await expect(refused).rejects.toThrow(UnsafeTempDirError);
  await expect(refused).rejects.toThrow(
    `${path} is in ${open}, which is writable by others without the sticky bit (mode 777)`,
  );
  // Made before the fix, by us, 0700: the check after the fact refuses it all the same.
  mkdirSync(path, { mode: 0o700 });
  await expect(checkPrivateFolder(path, { shared: true })).rejects.toThrow(UnsafeTempDirError);
  // The sticky bit (as /tmp has) keeps others from renaming what is ours.
  chmodSync(open, 0o1777);
  await expect(ensurePrivateFolder(path, { shared: true })).resolves.toBeUndefined();
  // Under RUNNER_TEMP (not shared) the runner's folders above are not ours to judge.
  chmodSync(open, 0o777);
  await expect(ensurePrivateFolder(path)).resolves.toBeUndefined();
});

test('a symlink above the folder is refused in a shared temp dir; resolvedPath takes it out, missing parts kept', async () => {
  const real = join(dir, 'real');
  mkdirSync(real);
  symlinkSync(real, join(dir, 'link'));
  await expect(ensurePrivateFolder(join(dir, 'link', 'mine'), { shared: true })).rejects.toThrow(
    `is in ${join(dir, 'link')}, which is a symlink`,
  );
  const resolved = resolvedPath(join(dir, 'link', 'not-yet', 'mine'));
  expect(resolved).toBe(join(resolvedPath(dir), 'real', 'not-yet', 'mine'));
  await expect(ensurePrivateFolder(resolved, { shared: true })).resolves.toBeUndefined();
});

asRoot('in a shared temp dir, a folder above owned by another uid is refused (as root)', async () => {
  const theirs = join(dir, 'their-tmp');
  mkdirSync(theirs, { mode: 0o755 });
  chownSync(theirs, 65534, 65534);
  await expect(ensurePrivateFolder(join(theirs, 'mine'), { shared: true })).rejects.toThrow(
    `is in ${theirs}, which is owned by uid 65534`,
  );
});
