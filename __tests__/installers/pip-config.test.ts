import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipConfigFiles, pipConfigMayApply, pythonPrefix } from '../../src/installers/pip-config.js';
import type { Platform } from '../../src/system/platform.js';

// This machine has pip config files of its own (/etc/pip.conf among them), so which files
// exist is passed in, except where the test makes the files itself.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pip-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, firstLine: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${firstLine}\nimport sys\n`);
  chmodSync(path, 0o755);
  return path;
}

const linux = (env: NodeJS.ProcessEnv = {}): Platform => ({
  os: 'linux',
  arch: 'x64',
  env,
  home: '/home/runner',
});

test("the prefix is the interpreter's, from the pip script's shebang", () => {
  const pip = script('venv/bin/pip', '#!/opt/hostedtoolcache/Python/3.12.1/x64/bin/python3.12');
  expect(pythonPrefix(pip, 'linux')).toBe('/opt/hostedtoolcache/Python/3.12.1/x64');
});

test('a wrapper (a pyenv shim, /usr/bin/env) leaves the prefix unknown', () => {
  expect(pythonPrefix(script('shims/pip', '#!/usr/bin/env bash'), 'linux')).toBeUndefined();
  expect(pythonPrefix(script('other/pip', '#!/bin/sh'), 'linux')).toBeUndefined();
  expect(pythonPrefix(join(dir, 'missing/pip'), 'linux')).toBeUndefined();
});

test('Windows: the prefix is the folder above Scripts\\', () => {
  expect(pythonPrefix('C:\\hostedtoolcache\\Python\\3.12.1\\x64\\Scripts\\pip.exe', 'win32')).toBe(
    'C:\\hostedtoolcache\\Python\\3.12.1\\x64',
  );
});

describe('whether a config file may move the cache folder', () => {
  const pip = () => script('venv/bin/pip', `#!${dir}/venv/bin/python3`);

  test('no config file anywhere: none applies, so the default folder stands', () => {
    expect(pipConfigMayApply(linux(), pip(), () => false)).toBe(false);
  });

  test.each([
    ['global', '/etc/pip.conf'],
    ['global (XDG)', '/etc/xdg/pip/pip.conf'],
    ['user', '/home/runner/.config/pip/pip.conf'],
    ['user (legacy)', '/home/runner/.pip/pip.conf'],
  ])('a %s config file: pip is asked', (_kind, file) => {
    expect(pipConfigMayApply(linux(), pip(), (path) => path === file)).toBe(true);
  });

  test("the site config beside the venv's interpreter may apply", () => {
    const site = join(dir, 'venv', 'pip.conf');
    expect(pipConfigFiles(linux(), join(dir, 'venv'))).toContain(site);
    expect(pipConfigMayApply(linux(), pip(), (path) => path === site)).toBe(true);
  });

  test('PIP_CONFIG_FILE set, or a pip behind a wrapper: a config may apply', () => {
    expect(pipConfigMayApply(linux({ PIP_CONFIG_FILE: '/x/pip.conf' }), pip(), () => false)).toBe(true);
    expect(pipConfigMayApply(linux(), script('shims/pip', '#!/usr/bin/env bash'), () => false)).toBe(true);
  });

  test('XDG_CONFIG_HOME and XDG_CONFIG_DIRS move the candidates as they move pip', () => {
    const files = pipConfigFiles(linux({ XDG_CONFIG_HOME: '/cfg', XDG_CONFIG_DIRS: '/a:/b' }), '/p');
    expect(files).toEqual(
      expect.arrayContaining(['/cfg/pip/pip.conf', '/a/pip/pip.conf', '/b/pip/pip.conf']),
    );
  });

  test('Windows candidates', () => {
    const files = pipConfigFiles(
      {
        os: 'win32',
        arch: 'x64',
        env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' },
        home: 'C:\\Users\\me',
      },
      'C:\\py',
    );
    expect(files).toEqual([
      'C:\\ProgramData\\pip\\pip.ini',
      'C:\\Users\\me\\AppData\\Roaming\\pip\\pip.ini',
      'C:\\Users\\me\\pip\\pip.ini',
      'C:\\py\\pip.ini',
    ]);
  });
});
