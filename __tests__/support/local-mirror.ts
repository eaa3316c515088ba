// This machine's local wheel mirror: the indexes and folders its pip configuration names, read
// with `pip config list`. A download from it runs pip with no configuration and only those
// sources on its command line: the configuration adds them beside the default index (pypi.org),
// and a plain `pip download` would ask pypi.org first (traffic here must stay on this machine).
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { isolatedPipEnv } from './pip.js';

const run = promisify(execFile);

export interface LocalMirror {
  /** file:// (or loopback) index URLs, in the configuration's order. */
  indexes: string[];
  /** Local folders and file:// URLs for --find-links. */
  findLinks: string[];
}

/** A source on this machine: a path, a file: URL, or an http(s) URL of a loopback host. */
export function isLocalSource(value: string): boolean {
  if (value.startsWith('/') || value.startsWith('file:')) return true;
  try {
    const host = new URL(value).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The local sources among `pip config list`'s lines (`global.extra-index-url='a b'`,
 * `:env:.find-links='/opt/wheels'`); any other source is left out.
 */
export function parsePipConfigList(output: string): LocalMirror {
  const mirror: LocalMirror = { indexes: [], findLinks: [] };
  for (const line of output.split('\n')) {
    const match = /^[^=]*\.(index-url|extra-index-url|find-links)='(.*)'$/.exec(line.trim());
    if (!match) continue;
    const into = match[1] === 'find-links' ? mirror.findLinks : mirror.indexes;
    for (const value of (match[2] ?? '').split(/\s+/).filter(isLocalSource)) {
      if (!into.includes(value)) into.push(value);
    }
  }
  return mirror;
}

/** pip options that use the mirror's sources and nothing else. */
export function mirrorArgs(mirror: LocalMirror): string[] {
  const [first, ...rest] = mirror.indexes;
  const indexes = first
    ? ['--index-url', first, ...rest.flatMap((url) => ['--extra-index-url', url])]
    : ['--no-index'];
  return [...indexes, ...mirror.findLinks.flatMap((link) => ['--find-links', link])];
}

/**
 * Downloads the wheel of `requirement` (`pip==26.2.1`) from the mirror into `dest`: the wheel's
 * file name, or why it cannot be had.
 */
export async function downloadFromLocalMirror(
  python: string,
  requirement: string,
  dest: string,
): Promise<{ wheel: string } | { missing: string }> {
  try {
    // The machine's configuration is read here, and only here.
    const { stdout } = await run(python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8' });
    const mirror = parsePipConfigList(stdout);
    if (mirror.indexes.length === 0 && mirror.findLinks.length === 0) {
      return { missing: `no local index or wheel folder in this machine's pip configuration:\n${stdout}` };
    }
    await run(
      python,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary',
        ':all:',
        '-d',
        dest,
        ...mirrorArgs(mirror),
        requirement,
      ],
      { encoding: 'utf8', env: isolatedPipEnv(), timeout: 120_000 },
    );
    const wheel = (await readdir(dest)).find((name) => name.endsWith('.whl'));
    return wheel ? { wheel } : { missing: `pip download ${requirement} left no wheel in ${dest}` };
  } catch (error: unknown) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return { missing: `${requirement} cannot be had from this machine's mirror: ${stderr.slice(-300)}` };
  }
}
