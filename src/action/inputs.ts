import * as core from '@actions/core';
import type { BackendChoice } from '../backend/choose.js';
import type { InstallerChoice } from '../installers/installers.js';
import { DEFAULT_DEPENDENCY_FILES } from '../key/dependency-files.js';
import { validateGlobPattern } from '../key/glob-pattern.js';
import { isFileHostPattern, redactIndexUrl } from '../proxy/launcher.js';
import type { ProxyModeChoice } from './intercept-env.js';

// The only place that reads the action's inputs. Every value is validated here, so a typo
// fails the main step with a message that names the input and the accepted values.

export type SavePolicy = 'always' | 'never' | 'default-branch';
export type PruneChoice = 'auto' | 'on' | 'off';

export interface ActionInputs {
  installer: InstallerChoice;
  dependencyFiles: string[];
  /** `undefined`: detect from the python on PATH; `'none'`: leave Python out of the key. */
  pythonVersion: string | undefined;
  keyPrefix: string;
  keySuffix: string;
  restoreFallback: boolean;
  save: SavePolicy;
  prune: PruneChoice;
  cacheBackend: BackendChoice;
  localCacheDir: string | undefined;
  proxy: boolean;
  /** auto: interception when a lockfile records file URLs (intercept-env.ts). */
  proxyMode: ProxyModeChoice;
  /** Empty: the job's PIP_INDEX_URL or UV_DEFAULT_INDEX, else PyPI. */
  indexUrl: string | undefined;
  extraIndexUrls: ExtraIndex[];
  /**
   * Under interception: hosts of index-url / extra-index-urls (PyPI mirrors) answered and cached
   * like PyPI's; every other private index stays a plain tunnel (intercept-hosts.ts).
   */
  interceptHosts: string[];
  /** Hosts besides the indexes' own the proxy may fetch and store files from. */
  allowFileHosts: string[];
  proxyHost: string;
  /** `undefined`: the stable default port, or the next free one (see proxy-port.ts). */
  proxyPort: number | undefined;
}

/** An extra upstream, `[name=]URL` in the input; each gets its own route in the proxy. */
export interface ExtraIndex {
  name: string;
  url: string;
}

export class InputError extends Error {
  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`);
    this.name = 'InputError';
  }
}

type ReadInput = (name: string) => string;

export function loadInputs(): ActionInputs {
  return parseInputs((name) => core.getInput(name));
}

export function parseInputs(read: ReadInput): ActionInputs {
  return {
    installer: oneOf(read, 'installer', { auto: 'auto', pip: 'pip', uv: 'uv' }, 'auto'),
    dependencyFiles: parseDependencyFiles(read('dependency-files')),
    pythonVersion: parsePythonVersion(read('python-version')),
    keyPrefix: parseKeyPart('key-prefix', read('key-prefix').trim() || 'pypi-cache'),
    keySuffix: parseKeyPart('key-suffix', read('key-suffix').trim()),
    restoreFallback: parseBoolean(read, 'restore-fallback', true),
    save: oneOf(
      read,
      'save',
      { true: 'always', false: 'never', 'default-branch': 'default-branch' },
      'always',
    ),
    prune: oneOf(read, 'prune', { auto: 'auto', true: 'on', false: 'off' }, 'auto'),
    cacheBackend: oneOf(read, 'cache-backend', { auto: 'auto', actions: 'actions', local: 'local' }, 'auto'),
    localCacheDir: read('local-cache-dir').trim() || undefined,
    proxy: parseBoolean(read, 'proxy', false),
    proxyMode: oneOf(read, 'proxy-mode', { auto: 'auto', index: 'index', intercept: 'intercept' }, 'auto'),
    indexUrl: parseIndexUrl('index-url', read('index-url').trim()),
    extraIndexUrls: parseExtraIndexUrls(read('extra-index-urls')),
    interceptHosts: parseInterceptHosts(read('intercept-hosts')),
    allowFileHosts: parseAllowFileHosts(read('allow-file-hosts')),
    proxyHost: parseProxyHost(read('proxy-host').trim() || '127.0.0.1'),
    proxyPort: parseProxyPort(read('proxy-port').trim()),
  };
}

/** Reads an enumerated input; the accepted spellings are the keys of `choices`. */
function oneOf<T extends string>(read: ReadInput, name: string, choices: Record<string, T>, fallback: T): T {
  const raw = read(name).trim();
  if (raw === '') return fallback;
  const value = choices[raw.toLowerCase()];
  if (value === undefined) {
    throw new InputError(name, `'${raw}' is not one of: ${Object.keys(choices).join(', ')}.`);
  }
  return value;
}

function parseBoolean(read: ReadInput, name: string, fallback: boolean): boolean {
  return oneOf(read, name, { true: 'true', false: 'false' }, fallback ? 'true' : 'false') === 'true';
}

function parseDependencyFiles(raw: string): string[] {
  const patterns = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (patterns.length === 0) return DEFAULT_DEPENDENCY_FILES;
  for (const pattern of patterns) {
    const problem = validateGlobPattern(pattern);
    if (problem) throw new InputError('dependency-files', `'${pattern}' is not a valid glob: ${problem}.`);
  }
  return patterns;
}

// X.Y, X.Y.Z, free-threaded X.Yt, and PyPy/GraalPy spellings; the key keeps X.Y only.
const PYTHON_VERSION = /^(pypy|graalpy)?(\d+)\.(\d+)(\.\d+)?(t)?$/i;

function parsePythonVersion(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (value.toLowerCase() === 'none') return 'none';
  const match = PYTHON_VERSION.exec(value);
  if (!match) {
    throw new InputError(
      'python-version',
      `'${value}' is not a Python version; use X.Y (e.g. 3.12), X.Y.Z, X.Yt, pypyX.Y, or none.`,
    );
  }
  const [, implementation = '', major, minor, , freeThreaded = ''] = match;
  return `${implementation.toLowerCase()}${major}.${minor}${freeThreaded.toLowerCase()}`;
}

// Keys may not contain commas (the service splits on them); keep them to one visible token.
const KEY_PART = /^[A-Za-z0-9._+=@-]*$/;

function parseKeyPart(name: string, value: string): string {
  if (value.length > 128) throw new InputError(name, 'must be at most 128 characters.');
  if (!KEY_PART.test(value)) {
    throw new InputError(
      name,
      `'${value}' may only contain letters, digits and . _ + = @ - (no commas or spaces).`,
    );
  }
  return value;
}

function parseIndexUrl(name: string, value: string): string | undefined {
  if (value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `'${redact(value)}' is not a URL; use e.g. https://pypi.org/simple/.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(name, `'${redact(value)}' must be an http:// or https:// URL.`);
  }
  if (url.search || url.hash)
    throw new InputError(name, `'${redact(value)}' must have no query or fragment.`);
  return value;
}

// Upstream names become proxy routes (/<name>/simple/) and store folders: see src/proxy/names.ts.
const UPSTREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function parseExtraIndexUrls(raw: string): ExtraIndex[] {
  const lines = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const extras = lines.map((line, i) => {
    const named = /^([^=:/]+)=(.+)$/.exec(line);
    const name = named?.[1] ?? `extra${i + 1}`;
    if (!UPSTREAM_NAME.test(name) || ['simple', 'files', 'pypi'].includes(name)) {
      throw new InputError(
        'extra-index-urls',
        `'${name}' is not a usable index name: lowercase letters, digits, - and _ (not simple, files or pypi).`,
      );
    }
    return { name, url: parseIndexUrl('extra-index-urls', named?.[2] ?? line) ?? '' };
  });
  const names = extras.map((extra) => extra.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new InputError('extra-index-urls', `the name '${twice}' is used twice.`);
  return extras;
}

// A host name, or name:port for an index on another port than 443.
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

function parseInterceptHosts(raw: string): string[] {
  const hosts = raw
    .split(/[\s,]+/)
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '' && !item.startsWith('#'));
  for (const host of hosts) {
    if (!HOST_NAME.test(host)) {
      throw new InputError(
        'intercept-hosts',
        `'${redact(host)}' is not a host name; list the hosts of index-url or extra-index-urls entries, e.g. mirror.example.com (or mirror.example.com:8443), one a line, no scheme or path.`,
      );
    }
  }
  return [...new Set(hosts)];
}

/** Host names, `*.domain` or addresses, one a line or comma-separated; lower-cased. */
function parseAllowFileHosts(raw: string): string[] {
  const hosts = raw
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((host) => host.trim())
    .filter((host) => host !== '');
  for (const host of hosts) {
    if (isFileHostPattern(host)) continue;
    // A URL where a host belongs is the likely slip: say which host that would be.
    const urlHost = URL.canParse(host) ? new URL(host).hostname : '';
    throw new InputError(
      'allow-file-hosts',
      `'${redact(host)}' is not a host; use a host name (files.example.com), *.example.com for its subdomains, or an IP address, one a line or comma-separated${urlHost ? ` (here: ${urlHost})` : ''}.`,
    );
  }
  return [...new Set(hosts.map((host) => host.toLowerCase()))];
}

function parseProxyHost(value: string): string {
  // An address or a host name: what node's server.listen() takes.
  if (!/^[A-Za-z0-9.:-]+$/.test(value)) {
    throw new InputError(
      'proxy-host',
      `'${value}' is not an address; use 127.0.0.1 (default), 0.0.0.0 or an interface address.`,
    );
  }
  return value;
}

function parseProxyPort(value: string): number | undefined {
  if (value === '') return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InputError(
      'proxy-port',
      `'${value}' is not a port; leave it empty (a stable default), or use 0 (any free port) to 65535.`,
    );
  }
  return port;
}

/** URLs in error messages lose their credentials and, off public PyPI, their path. */
export const redact = redactIndexUrl;
