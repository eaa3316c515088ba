// The wheelhouse against a restored entry that lies (item 4 of the robustness brief): pip's
// `--no-index --find-links <folder>` checks no hash, so whatever the folder holds is installed.
// Each case is a store a tar could restore: bytes that do not match their name, symbolic links
// out of the store, a record naming another project's file. Real files in a temp folder.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offerWheelhouse, removeAlteredWheelhouseFiles } from '../../src/action/wheelhouse.js';

let root: string;
let store: string;
let folder: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wheelhouse-hostile-'));
  store = join(root, 'store');
  folder = join(root, 'wheelhouse');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const FILENAME = 'app-1.0.0-py3-none-any.whl';
const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');
const storedPath = (hash: string) => join(store, 'files', 'sha256', hash.slice(0, 2), hash);

function putFile(hash: string, content: string): void {
  mkdirSync(join(store, 'files', 'sha256', hash.slice(0, 2)), { recursive: true });
  writeFileSync(storedPath(hash), content);
}

function writeRecord(files: { project: string; filename: string; sha256: string }[]): void {
  mkdirSync(store, { recursive: true });
  const record = { version: 1, key: 'key-1', files: files.map((file) => ({ upstream: 'pypi', ...file })) };
  writeFileSync(join(store, 'wheelhouse.json'), JSON.stringify(record));
}

const offer = (pins = [{ project: 'app', version: '1.0.0', conditional: false }]) =>
  offerWheelhouse({
    key: 'key-1',
    cacheHit: true,
    storeDir: store,
    requirements: { pinned: true, pins },
    folder,
  });

test('bytes that do not match the sha256 they are stored under: nothing offered', async () => {
  const hash = sha256('the wheel pip verified');
  putFile(hash, 'other bytes, same length!!');
  writeRecord([{ project: 'app', filename: FILENAME, sha256: hash }]);
  // Before: linked and offered; pip installed the altered bytes without a check.
  const result = await offer();
  expect(result.offered).toBeUndefined();
  expect(result.reason).toBe(
    `the stored bytes of ${FILENAME} do not match its sha256 ${hash} (a damaged or altered entry)`,
  );
  expect(existsSync(folder)).toBe(false);
});

test('a stored file that is a symbolic link out of the store: nothing offered, even with the right bytes', async () => {
  const content = 'wheel bytes';
  const hash = sha256(content);
  const outside = join(root, 'outside.whl');
  writeFileSync(outside, content);
  mkdirSync(join(store, 'files', 'sha256', hash.slice(0, 2)), { recursive: true });
  symlinkSync(outside, storedPath(hash));
  writeRecord([{ project: 'app', filename: FILENAME, sha256: hash }]);
  // Before: stat() followed the link, and the wheelhouse held a link to the outside file.
  expect(await offer()).toEqual({ reason: `the store lacks ${FILENAME}` });
  expect(existsSync(folder)).toBe(false);
});

test('a linked folder on the way out of the store: nothing offered', async () => {
  const content = 'wheel bytes';
  const hash = sha256(content);
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, hash), content);
  mkdirSync(join(store, 'files', 'sha256'), { recursive: true });
  symlinkSync(elsewhere, join(store, 'files', 'sha256', hash.slice(0, 2)));
  writeRecord([{ project: 'app', filename: FILENAME, sha256: hash }]);
  expect(await offer()).toEqual({ reason: `the store lacks ${FILENAME}` });
});

test("a record listing another project's file for a pin: nothing offered", async () => {
  const hash = sha256('evil wheel');
  putFile(hash, 'evil wheel');
  writeRecord([{ project: 'app', filename: 'evil-1.0.0-py3-none-any.whl', sha256: hash }]);
  // Before: the pin app==1.0.0 counted as covered (version from the name, project from the record).
  expect(await offer()).toEqual({
    reason: 'the record lists evil-1.0.0-py3-none-any.whl for app, a file of another project',
  });
  expect(existsSync(folder)).toBe(false);
});

test('names are matched as pip matches them: case, `_`, `.` and sdists', async () => {
  const wheel = sha256('w');
  const sdist = sha256('s');
  putFile(wheel, 'w');
  putFile(sdist, 's');
  writeRecord([
    { project: 'zope-interface', filename: 'zope.interface-6.0-py3-none-any.whl', sha256: wheel },
    { project: 'old-tool', filename: 'Old_Tool-2.1.tar.gz', sha256: sdist },
  ]);
  const { offered } = await offer([
    { project: 'zope-interface', version: '6.0', conditional: false },
    { project: 'old-tool', version: '2.1', conditional: false },
  ]);
  expect(readdirSync(offered?.path ?? '').sort()).toEqual([
    'Old_Tool-2.1.tar.gz',
    'zope.interface-6.0-py3-none-any.whl',
  ]);
});

test('a linked file is read-only: a step writing into the folder cannot alter the store', async () => {
  const hash = sha256('wheel bytes');
  putFile(hash, 'wheel bytes');
  writeRecord([{ project: 'app', filename: FILENAME, sha256: hash }]);
  const { offered } = await offer();
  expect(offered).toBeDefined();
  // The folder's entry and the store's are one file (a hard link): no write bit on it.
  expect(statSync(join(folder, FILENAME)).ino).toBe(statSync(storedPath(hash)).ino);
  expect(statSync(storedPath(hash)).mode & 0o222).toBe(0);
});

test.each([
  ['a file name with a path', '../../outside-1.0.0-py3-none-any.whl'],
  ['a file name with a separator', 'sub/app-1.0.0-py3-none-any.whl'],
  ['a file name that is dots', '..'],
])('held before: %s is no record at all', async (_case, filename) => {
  const hash = sha256('x');
  putFile(hash, 'x');
  writeRecord([{ project: 'app', filename, sha256: hash }]);
  expect((await offer()).reason).toContain('records no complete set');
  expect(existsSync(join(root, 'outside-1.0.0-py3-none-any.whl'))).toBe(false);
});

test('a step that writes into the wheelhouse anyway (root ignores the mode): the post step drops that file', async () => {
  const hash = sha256('wheel bytes');
  putFile(hash, 'wheel bytes');
  writeRecord([{ project: 'app', filename: FILENAME, sha256: hash }]);
  const { offered } = await offer();
  // `pip wheel -w <wheelhouse>` over a same-named file truncates and rewrites it in place.
  chmodSync(join(folder, FILENAME), 0o644);
  writeFileSync(join(folder, FILENAME), 'rebuilt locally');
  expect(await removeAlteredWheelhouseFiles(store, offered?.files ?? [])).toEqual([FILENAME]);
  expect(existsSync(storedPath(hash))).toBe(false);
  // Untouched files stay.
  const other = sha256('kept');
  putFile(other, 'kept');
  expect(
    await removeAlteredWheelhouseFiles(store, [
      { upstream: 'pypi', project: 'app', filename: FILENAME, sha256: other },
    ]),
  ).toEqual([]);
  expect(existsSync(storedPath(other))).toBe(true);
});
