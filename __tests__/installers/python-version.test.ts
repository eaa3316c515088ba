// The X.Y in the cache key, from the real interpreters a runner may have first on PATH: the
// interpreter itself (setup-python), a version manager's shell shim (pyenv, asdf) and a venv.
// The reference is what the interpreter says with its site module, as `python3 -c` does.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { detectPythonVersion } from '../../src/installers/python-version.js';
import { BASE_PYTHON, createVenv } from '../support/pip.js';

let root: string;
let expected: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'python-version-'));
  expected = execFileSync(BASE_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  }).trim();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const onPath = (folder: string) => ({
  ...process.env,
  PATH: `${folder}${delimiter}${process.env.PATH ?? ''}`,
});

test('the interpreter first on PATH', async () => {
  expect(expected).toMatch(/^\d+\.\d+$/);
  expect(await detectPythonVersion(onPath(dirname(BASE_PYTHON)))).toBe(expected);
});

const posix = process.platform === 'win32' ? test.skip : test;

posix("a version manager's shell shim that passes its arguments on", async () => {
  const shims = join(root, 'shims');
  mkdirSync(shims);
  writeFileSync(join(shims, 'python3'), `#!/bin/sh\nexec "${BASE_PYTHON}" "$@"\n`);
  chmodSync(join(shims, 'python3'), 0o755);
  expect(await detectPythonVersion(onPath(shims))).toBe(expected);
});

test("a venv's python", async () => {
  const python = await createVenv(join(root, 'venv'));
  expect(await detectPythonVersion(onPath(dirname(python)))).toBe(expected);
});

test('no python on PATH', async () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  expect(await detectPythonVersion({ ...process.env, PATH: empty })).toBe('none');
});
