import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIP, resolveCacheDir, selectInstallers, UV } from '../../src/installers/installers.js';
import type { Platform } from '../../src/system/platform.js';

let bin: string;

beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'bin-'));
});
afterEach(() => rmSync(bin, { recursive: true, force: true }));

/** A fake executable on a PATH of its own: the real pip/uv here would answer from this machine's config. */
function fakeTool(name: string, script: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, name), 0o755);
}

const linux = (env: NodeJS.ProcessEnv = {}): Platform => ({
  os: 'linux',
  arch: 'x64',
  env,
  home: '/home/runner',
});

describe('default cache folders per OS', () => {
  test.each([
    ['pip on Linux', PIP, linux(), '/home/runner/.cache/pip'],
    ['pip on Linux with XDG_CACHE_HOME', PIP, linux({ XDG_CACHE_HOME: '/xdg' }), '/xdg/pip'],
    [
      'pip on macOS',
      PIP,
      { os: 'darwin', arch: 'arm64', env: {}, home: '/Users/me' },
      '/Users/me/Library/Caches/pip',
    ],
    [
      'pip on Windows',
      PIP,
      {
        os: 'win32',
        arch: 'x64',
        env: { LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' },
        home: 'C:\\Users\\me',
      },
      'C:\\Users\\me\\AppData\\Local\\pip\\Cache',
    ],
    ['uv on Linux', UV, linux(), '/home/runner/.cache/uv'],
    ['uv on macOS', UV, { os: 'darwin', arch: 'arm64', env: {}, home: '/Users/me' }, '/Users/me/.cache/uv'],
    [
      'uv on Windows',
      UV,
      { os: 'win32', arch: 'x64', env: { LOCALAPPDATA: 'D:\\local' }, home: 'C:\\Users\\me' },
      'D:\\local\\uv\\cache',
    ],
  ] as const)('%s', async (_label, installer, platform, expected) => {
    // An empty PATH: neither tool can be asked, so the OS default is used.
    expect(await resolveCacheDir(installer, { ...platform, env: { ...platform.env, PATH: '' } })).toBe(
      expected,
    );
  });
});

test('PIP_CACHE_DIR and UV_CACHE_DIR win over everything', async () => {
  fakeTool('pip', 'echo /from/pip/cache/dir');
  const platform = linux({ PATH: bin, PIP_CACHE_DIR: '/set/by/job', UV_CACHE_DIR: '/uv/by/job' });
  expect(await resolveCacheDir(PIP, platform)).toBe('/set/by/job');
  expect(await resolveCacheDir(UV, platform)).toBe('/uv/by/job');
});

test('the installer on PATH is asked for its cache folder', async () => {
  fakeTool('pip', '[ "$1 $2" = "cache dir" ] && echo /custom/pip-cache');
  fakeTool('uv', '[ "$1 $2" = "cache dir" ] && echo /custom/uv-cache');
  expect(await resolveCacheDir(PIP, linux({ PATH: bin }))).toBe('/custom/pip-cache');
  expect(await resolveCacheDir(UV, linux({ PATH: bin }))).toBe('/custom/uv-cache');
});

test('an installer whose cache is disabled falls back to the default', async () => {
  fakeTool('pip', 'echo "ERROR: pip cache commands can not function since cache is disabled." >&2; exit 1');
  expect(await resolveCacheDir(PIP, linux({ PATH: bin }))).toBe('/home/runner/.cache/pip');
});

describe('installer auto-detection', () => {
  const names = (list: { name: string }[]) => list.map((installer) => installer.name);

  test('an explicit choice is taken as it is', () => {
    expect(names(selectInstallers('uv', ['requirements.txt'], { PATH: '' }))).toEqual(['uv']);
    expect(names(selectInstallers('pip', ['uv.lock'], { PATH: '' }))).toEqual(['pip']);
  });

  test('a uv.lock picks uv, requirements files pick pip, both may be active', () => {
    expect(names(selectInstallers('auto', ['sub/uv.lock'], { PATH: '' }))).toEqual(['uv']);
    expect(names(selectInstallers('auto', ['requirements-dev.txt'], { PATH: '' }))).toEqual(['pip']);
    expect(names(selectInstallers('auto', ['uv.lock', 'requirements/base.txt'], { PATH: '' }))).toEqual([
      'pip',
      'uv',
    ]);
  });

  test('tools on PATH count too, and with nothing to go on pip is chosen', () => {
    mkdirSync(join(bin, 'sub'));
    fakeTool('uv', 'exit 0');
    expect(names(selectInstallers('auto', ['pyproject.toml'], { PATH: bin }))).toEqual(['uv']);
    fakeTool('pip3', 'exit 0');
    expect(names(selectInstallers('auto', [], { PATH: bin }))).toEqual(['pip', 'uv']);
    expect(names(selectInstallers('auto', ['pyproject.toml'], { PATH: '' }))).toEqual(['pip']);
  });
});

test('pip prune drops downloaded files and keeps locally built wheels', async () => {
  const cache = join(bin, 'pip-cache');
  for (const part of ['http-v2/a/b', 'http/c', 'wheels/ab/cd'])
    mkdirSync(join(cache, part), { recursive: true });
  writeFileSync(join(cache, 'http-v2/a/b/blob'), 'downloaded');
  writeFileSync(join(cache, 'wheels/ab/cd/built-1.0-py3-none-any.whl'), 'built');
  await PIP.prune(cache, {});
  expect(readdirSync(cache)).toEqual(['wheels']);
});
