// Names that reach the file system or an upstream URL: project names (PEP 503), upstream
// names, file names and sha256 digests. Everything a client sends is checked here first, so
// no other module has to trust a path segment.

/** PEP 503 normalization: https://peps.python.org/pep-0503/#normalized-names */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

// PEP 508 names: ASCII letters and digits, with `-`, `_`, `.` inside, never at the ends.
// https://packaging.python.org/en/latest/specifications/name-normalization/
const PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const MAX_PROJECT_NAME = 200;

export function isValidProjectName(name: string): boolean {
  return name.length <= MAX_PROJECT_NAME && PROJECT_NAME.test(name);
}

export function isNormalizedProjectName(name: string): boolean {
  return isValidProjectName(name) && normalizeProjectName(name) === name;
}

// Distribution file names: wheels (PEP 427), sdists (PEP 625) and legacy formats. `!` appears
// for epochs and `+` for local versions. No separators, and a leading letter or digit rules out
// `.` and `..`.
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+!~-]*$/;
const MAX_FILE_NAME = 255;

export function isValidFileName(name: string): boolean {
  return name.length <= MAX_FILE_NAME && FILE_NAME.test(name) && !name.includes('..');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

// Upstream names become the first path segment of their routes (`/<name>/simple/`) and a
// directory in the store, so they must not clash with the proxy's own routes.
const UPSTREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const RESERVED_UPSTREAM_NAMES = new Set(['simple', 'files', '-']);

export function isValidUpstreamName(name: string): boolean {
  return UPSTREAM_NAME.test(name) && !RESERVED_UPSTREAM_NAMES.has(name);
}

/** Environment variable holding `user:password` for an upstream, e.g. PYPI_CACHE_PROXY_AUTH_PRIVATE. */
export function credentialsEnvName(upstreamName: string): string {
  return `PYPI_CACHE_PROXY_AUTH_${upstreamName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
