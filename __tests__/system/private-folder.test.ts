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
