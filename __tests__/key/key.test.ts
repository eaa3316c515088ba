import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCacheKey, hashDependencyFiles, type KeyParts, KeyTooLongError } from '../../src/key/key.js';

const parts: KeyParts = {
  prefix: 'pypi-cache',
  os: 'linux',
  arch: 'x64',
  pythonVersion: '3.12',
  installers: ['pip'],
  suffix: '',
};
let workspace: string;

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'key-'));
  writeFileSync(join(workspace, 'requirements.txt'), 'requests==2.32.3\n');
  writeFileSync(join(workspace, 'uv.lock'), 'version = 1\n');
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

test('the key has the documented shape and the restore key is it cut before the hash', () => {
  const hash = hashDependencyFiles(workspace, ['requirements.txt']);
  const { key, restoreKey } = deriveCacheKey({ ...parts, installers: ['pip', 'uv'] }, hash);
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  expect(key).toBe(`pypi-cache-v1-linux-x64-py3.12-pip+uv-${hash}`);
  expect(restoreKey).toBe('pypi-cache-v1-linux-x64-py3.12-pip+uv-');
  expect(key.startsWith(restoreKey)).toBe(true);
  expect(key).not.toContain(',');
});

test('the suffix goes last and python none is spelled pynone', () => {
  const { key, restoreKey } = deriveCacheKey({ ...parts, pythonVersion: 'none', suffix: 'matrix-1' }, 'abc');
  expect(key).toBe('pypi-cache-v1-linux-x64-pynone-pip-abc-matrix-1');
  expect(restoreKey).toBe('pypi-cache-v1-linux-x64-pynone-pip-');
});

test('the hash depends on contents and paths, not on the order files are listed', () => {
  const both = hashDependencyFiles(workspace, ['requirements.txt', 'uv.lock']);
  expect(hashDependencyFiles(workspace, ['uv.lock', 'requirements.txt'])).toBe(both);
  expect(hashDependencyFiles(workspace, ['requirements.txt'])).not.toBe(both);

  writeFileSync(join(workspace, 'requirements.txt'), 'requests==2.32.4\n');
  expect(hashDependencyFiles(workspace, ['requirements.txt', 'uv.lock'])).not.toBe(both);
});

test('moving content between files changes the hash', () => {
  writeFileSync(join(workspace, 'a.txt'), 'ab');
  writeFileSync(join(workspace, 'b.txt'), '');
  const first = hashDependencyFiles(workspace, ['a.txt', 'b.txt']);
  writeFileSync(join(workspace, 'a.txt'), 'a');
  writeFileSync(join(workspace, 'b.txt'), 'b');
  expect(hashDependencyFiles(workspace, ['a.txt', 'b.txt'])).not.toBe(first);
});

test('a key over the service limit is refused with its length and the limit', () => {
  const parts: KeyParts = {
    prefix: 'p'.repeat(128),
    os: 'linux',
    arch: 'x64',
    pythonVersion: '3.12',
    installers: ['pip'],
    suffix: 's'.repeat(400),
  };
  expect(() => deriveCacheKey(parts, 'a'.repeat(64))).toThrow(KeyTooLongError);
  expect(() => deriveCacheKey(parts, 'a'.repeat(64))).toThrow(
    /the key would be \d+ characters; the limit is 512/,
  );
});
