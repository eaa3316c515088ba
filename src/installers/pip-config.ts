import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import type { Platform } from '../system/platform.js';

// Whether pip's cache folder can be told without running `pip cache dir`, which costs about
// half a second of pip start-up in every job. pip moves the folder only through PIP_CACHE_DIR
// (read before this) or a config file: the list is get_configuration_files() in
// pip/_internal/configuration.py, the same one `pip config debug` prints. When none of them
// exists, the folder is pip's default. A superset of candidates only costs the slow path.

/** True when a pip config file may exist for this pip: then ask pip itself. */
export function pipConfigMayApply(
  platform: Platform,
  pipExecutable: string,
  exists: (path: string) => boolean = existsSync,
): boolean {
  if (platform.env.PIP_CONFIG_FILE) return true;
  const prefix = pythonPrefix(pipExecutable, platform.os);
  if (prefix === undefined) return true;
  return pipConfigFiles(platform, prefix).some(exists);
}

export function pipConfigFiles(platform: Platform, prefix: string): string[] {
  const { os, env, home } = platform;
  if (os === 'win32') {
    const join = win32.join;
    return [
      join(env.ProgramData || 'C:\\ProgramData', 'pip', 'pip.ini'),
      join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'pip', 'pip.ini'),
      join(home, 'pip', 'pip.ini'),
      join(prefix, 'pip.ini'),
    ];
  }
  const join = posix.join;
  const siteDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  return [
    ...siteDirs.map((dir) => join(dir, 'pip', 'pip.conf')),
    '/etc/pip.conf',
    '/Library/Application Support/pip/pip.conf',
    join(env.XDG_CONFIG_HOME || join(home, '.config'), 'pip', 'pip.conf'),
    join(home, 'Library', 'Application Support', 'pip', 'pip.conf'),
    join(home, '.pip', 'pip.conf'),
    join(prefix, 'pip.conf'),
  ];
}

/**
 * sys.prefix of the Python that runs this pip, where its site config lives. A pip script names
 * its interpreter in the shebang (`#!<prefix>/bin/python3.12`); a wrapper such as a pyenv shim
 * (`#!/usr/bin/env bash`) does not, and then the prefix is unknown.
 */
export function pythonPrefix(pipExecutable: string, os: NodeJS.Platform): string | undefined {
  if (os === 'win32') return win32.dirname(win32.dirname(pipExecutable));
  const firstLine = readFirstLine(pipExecutable);
  if (firstLine === undefined) return undefined;
  if (!firstLine.startsWith('#!')) return posix.dirname(posix.dirname(pipExecutable));
  const interpreter = firstLine.slice(2).trim().split(/\s+/)[0] ?? '';
  if (!interpreter.startsWith('/') || !/^python/.test(posix.basename(interpreter))) return undefined;
  return posix.dirname(posix.dirname(interpreter));
}

function readFirstLine(path: string): string | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(512);
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.subarray(0, length).toString('latin1').split('\n')[0];
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
