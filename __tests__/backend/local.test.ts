import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCacheBackend } from '../../src/backend/local.js';

let root: string;
let pip: string;
let uv: string;
let backend: LocalCacheBackend;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'local-backend-'));
  pip = join(root, 'pip');
  uv = join(root, 'uv');
  mkdirSync(join(pip, 'wheels'), { recursive: true });
  mkdirSync(uv);
  writeFileSync(join(pip, 'wheels', 'a.whl'), 'pip bytes');
  writeFileSync(join(uv, 'b.txt'), 'uv bytes');
  backend = new LocalCacheBackend(join(root, 'store'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function empty(...folders: string[]): void {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}

test('a saved entry restores every folder to its own place', async () => {
  expect(await backend.save([pip, uv], 'k-1')).toEqual({ status: 'saved' });
  empty(pip, uv);
  expect(await backend.restore([pip, uv], 'k-1', [])).toEqual({ matchedKey: 'k-1' });
  expect(readFileSync(join(pip, 'wheels', 'a.whl'), 'utf8')).toBe('pip bytes');
  expect(readFileSync(join(uv, 'b.txt'), 'utf8')).toBe('uv bytes');
});

test('the exact key wins, then the newest entry under a restore key', async () => {
  await backend.save([pip, uv], 'k-old');
  writeFileSync(join(uv, 'b.txt'), 'newer');
  await new Promise((resolve) => setTimeout(resolve, 5));
  await backend.save([pip, uv], 'k-new');
  writeFileSync(join(uv, 'b.txt'), 'unrelated');
  await backend.save([pip, uv], 'other-1');
  empty(pip, uv);

  expect((await backend.restore([pip, uv], 'k-old', ['k-'])).matchedKey).toBe('k-old');
  expect((await backend.restore([pip, uv], 'k-missing', ['k-'])).matchedKey).toBe('k-new');
  expect(readFileSync(join(uv, 'b.txt'), 'utf8')).toBe('newer');
  expect((await backend.restore([pip, uv], 'x-missing', ['x-'])).matchedKey).toBeUndefined();
});

test('another list of folders does not match, like the service version', async () => {
  await backend.save([pip, uv], 'k-1');
  expect((await backend.restore([pip], 'k-1', ['k-'])).matchedKey).toBeUndefined();
});

test('saving a key twice keeps the first entry and says so', async () => {
  await backend.save([pip, uv], 'k-1');
  writeFileSync(join(uv, 'b.txt'), 'second');
  expect((await backend.save([pip, uv], 'k-1')).status).toBe('exists');
  empty(pip, uv);
  await backend.restore([pip, uv], 'k-1', []);
  expect(readFileSync(join(uv, 'b.txt'), 'utf8')).toBe('uv bytes');
});

test('an interrupted save (archive without its record) is never restored', async () => {
  await backend.save([pip, uv], 'k-1');
  const store = join(root, 'store');
  for (const name of readdirSync(store).filter((n) => n.endsWith('.json'))) rmSync(join(store, name));
  expect((await backend.restore([pip, uv], 'k-1', ['k-'])).matchedKey).toBeUndefined();
});

test('past its size limit, the entries used least recently are evicted', async () => {
  const store = join(root, 'bounded');
  const probe = new LocalCacheBackend(join(root, 'probe'));
  await probe.save([pip, uv], 'size-probe');
  const probeRecord = readdirSync(join(root, 'probe')).find((name) => name.endsWith('.json')) as string;
  const entrySize = JSON.parse(readFileSync(join(root, 'probe', probeRecord), 'utf8')).size as number;

  // Room for two entries, not three.
  const bounded = new LocalCacheBackend(store, Math.floor(entrySize * 2.5));
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  await bounded.save([pip, uv], 'k-1');
  await pause();
  await bounded.save([pip, uv], 'k-2');
  await pause();
  expect((await bounded.restore([pip, uv], 'k-1', [])).matchedKey).toBe('k-1');
  await pause();
  await bounded.save([pip, uv], 'k-3');

  expect((await bounded.restore([pip, uv], 'k-2', [])).matchedKey).toBeUndefined();
  expect((await bounded.restore([pip, uv], 'k-1', [])).matchedKey).toBe('k-1');
  expect((await bounded.restore([pip, uv], 'k-3', [])).matchedKey).toBe('k-3');
  expect(readdirSync(store)).toHaveLength(4);
});
