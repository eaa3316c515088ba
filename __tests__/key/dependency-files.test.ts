import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_DEPENDENCY_FILES, findDependencyFiles } from '../../src/key/dependency-files.js';

let workspace: string;

function write(path: string, content = 'x\n'): void {
  mkdirSync(dirname(join(workspace, path)), { recursive: true });
  writeFileSync(join(workspace, path), content);
}

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'deps-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

test('the default patterns find lockfiles anywhere and skip node_modules and virtualenvs', () => {
  for (const path of [
    'requirements.txt',
    'requirements-dev.txt',
    'requirements/test.txt',
    'constraints.txt',
    'services/api/uv.lock',
    'services/api/pyproject.toml',
    'pylock.toml',
    'pylock.dev.toml',
    'poetry.lock',
    'Pipfile.lock',
    'pdm.lock',
    'setup.cfg',
    'setup.py',
    '.github/requirements.txt',
  ]) {
    write(path);
  }
  write('README.md');
  write('node_modules/pkg/requirements.txt');
  write('.venv/lib/python3.12/site-packages/x/pyproject.toml');
  write('envs/custom-venv/pyvenv.cfg');
  write('envs/custom-venv/lib/requirements.txt');
  write('.git/requirements.txt');

  expect(findDependencyFiles(workspace, DEFAULT_DEPENDENCY_FILES)).toEqual([
    '.github/requirements.txt',
    'Pipfile.lock',
    'constraints.txt',
    'pdm.lock',
    'poetry.lock',
    'pylock.dev.toml',
    'pylock.toml',
    'requirements-dev.txt',
    'requirements.txt',
    'requirements/test.txt',
    'services/api/pyproject.toml',
    'services/api/uv.lock',
    'setup.cfg',
    'setup.py',
  ]);
});

test('a negated pattern excludes, and a pattern without ** matches at the root only', () => {
  write('requirements.txt');
  write('docs/requirements.txt');
  write('app/requirements.txt');
  expect(findDependencyFiles(workspace, ['**/requirements.txt', '!docs/**'])).toEqual([
    'app/requirements.txt',
    'requirements.txt',
  ]);
  expect(findDependencyFiles(workspace, ['requirements.txt'])).toEqual(['requirements.txt']);
});

test('symlinked files count, symlinked folders are not followed', () => {
  write('real/uv.lock');
  symlinkSync(join(workspace, 'real/uv.lock'), join(workspace, 'uv.lock'));
  symlinkSync(workspace, join(workspace, 'loop'));
  expect(findDependencyFiles(workspace, ['**/uv.lock'])).toEqual(['real/uv.lock', 'uv.lock']);
});

test('no match is an empty list, not an error', () => {
  write('main.py');
  expect(findDependencyFiles(workspace, DEFAULT_DEPENDENCY_FILES)).toEqual([]);
});
