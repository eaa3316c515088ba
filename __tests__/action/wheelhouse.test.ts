import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPin, offerWheelhouse, withWheelhouseFiles } from '../../src/action/wheelhouse.js';
import type { RequirementPin } from '../../src/key/pinned-requirements.js';
import type { Manifest } from '../../src/proxy/index.js';

let root: string;
let store: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wheelhouse-'));
  store = join(root, 'store');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const pin = (project: string, version: string, conditional = false): RequirementPin => ({
  project,
  version,
  conditional,
});

/** A stored file at its content address, as the proxy commits it. */
function storeFile(content: string): string {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const dir = join(store, 'files', 'sha256', sha256.slice(0, 2));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, sha256), content);
  return sha256;
}

function writeRecord(key: string, files: { project: string; filename: string; sha256: string }[]): void {
  mkdirSync(store, { recursive: true });
  const record = { version: 1, key, files: files.map((file) => ({ upstream: 'pypi', ...file })) };
  writeFileSync(join(store, 'wheelhouse.json'), JSON.stringify(record));
}

const pinned = (pins: RequirementPin[]) => ({ pinned: true as const, pins });

test('missingPin: versions from wheel and sdist names; pins behind a marker need no file', () => {
  const files = [
    { upstream: 'pypi', project: 'lib-core', filename: 'lib_core-1.0.0-py3-none-any.whl', sha256: 'a' },
    { upstream: 'pypi', project: 'old-tool', filename: 'old-tool-2.1.tar.gz', sha256: 'b' },
  ];
  expect(
    missingPin([pin('lib-core', '1.0.0'), pin('old-tool', '2.1'), pin('win-only', '1', true)], files),
  ).toBe(undefined);
  expect(missingPin([pin('lib-core', '1.1.0')], files)).toEqual(pin('lib-core', '1.1.0'));
});

test('an exact hit with a complete record: the stored files hard-linked under their names', async () => {
  const sha256 = storeFile('wheel bytes');
  writeRecord('key-1', [{ project: 'app', filename: 'app-1.0.0-py3-none-any.whl', sha256 }]);
  const folder = join(root, 'wheelhouse');
  const { offered } = await offerWheelhouse({
    key: 'key-1',
    cacheHit: true,
    storeDir: store,
    requirements: pinned([pin('app', '1.0.0')]),
    folder,
  });
  expect(offered?.path).toBe(folder);
  expect(readdirSync(folder)).toEqual(['app-1.0.0-py3-none-any.whl']);
  // The store's own bytes, not a copy: nothing new to verify.
  expect(statSync(join(folder, 'app-1.0.0-py3-none-any.whl')).ino).toBe(
    statSync(join(store, 'files', 'sha256', sha256.slice(0, 2), sha256)).ino,
  );
});

test.each([
  ['no exact hit', { cacheHit: false }, 'no exact hit'],
  ['a record of another key', { key: 'key-2' }, 'records no complete set'],
  ['a pin the record lacks', { pins: [pin('app', '1.0.0'), pin('lib', '2.0')] }, 'no file for lib==2.0'],
  ['unpinned requirements', { unpinned: true }, 'not every requirement is pinned'],
])('%s: nothing offered, the folder left absent', async (_case, change, reason) => {
  const sha256 = storeFile('wheel bytes');
  writeRecord('key-1', [{ project: 'app', filename: 'app-1.0.0-py3-none-any.whl', sha256 }]);
  const folder = join(root, 'wheelhouse');
  mkdirSync(folder); // an earlier run's folder outside Actions: not this entry's
  const options = change as { cacheHit?: boolean; key?: string; pins?: RequirementPin[]; unpinned?: boolean };
  const result = await offerWheelhouse({
    key: options.key ?? 'key-1',
    cacheHit: options.cacheHit ?? true,
    storeDir: store,
    requirements: options.unpinned
      ? { pinned: false, reason: 'requirements.txt line 1: x' }
      : pinned(options.pins ?? [pin('app', '1.0.0')]),
    folder,
  });
  expect(result.offered).toBeUndefined();
  expect(result.reason).toContain(reason);
  expect(existsSync(folder)).toBe(false);
});

test('a record naming a file the store lacks: nothing offered, no half folder', async () => {
  const present = storeFile('present');
  writeRecord('key-1', [
    { project: 'app', filename: 'app-1.0.0-py3-none-any.whl', sha256: present },
    { project: 'lib', filename: 'lib-2.0-py3-none-any.whl', sha256: 'f'.repeat(64) },
  ]);
  const folder = join(root, 'wheelhouse');
  const result = await offerWheelhouse({
    key: 'key-1',
    cacheHit: true,
    storeDir: store,
    requirements: pinned([pin('app', '1.0.0'), pin('lib', '2.0')]),
    folder,
  });
  expect(result).toEqual({ reason: 'the store lacks lib-2.0-py3-none-any.whl' });
  expect(existsSync(folder)).toBe(false);
});

test("withWheelhouseFiles: the wheelhouse's files and pages count as used, once each", () => {
  const manifest: Manifest = {
    version: 1,
    layout: 1,
    startedAt: '',
    finishedAt: '',
    pages: [{ upstream: 'pypi', project: 'extra' }],
    indexes: [],
    files: ['1'.repeat(64)],
    names: [],
  };
  const merged = withWheelhouseFiles(manifest, [
    { upstream: 'pypi', project: 'app', filename: 'app-1.0.0-py3-none-any.whl', sha256: '2'.repeat(64) },
    { upstream: 'pypi', project: 'extra', filename: 'extra-1-py3-none-any.whl', sha256: '1'.repeat(64) },
  ]);
  expect(merged.files.sort()).toEqual(['1'.repeat(64), '2'.repeat(64)]);
  expect(merged.pages).toEqual([
    { upstream: 'pypi', project: 'extra' },
    { upstream: 'pypi', project: 'app' },
  ]);
});
