// Request targets to routes. Each path segment is percent-decoded on its own, so an encoded
// slash (`%2F`) stays inside its segment and is refused there; `.` and `..` segments, NUL,
// backslashes and over-long targets are refused before any route runs. Names are validated
// here too (names.ts), so the store only ever sees checked values.
import { BadRequestError, NotFoundError } from '../errors.js';
import {
  isNormalizedProjectName,
  isSha256Hex,
  isValidFileName,
  isValidProjectName,
  normalizeProjectName,
} from '../names.js';

export const MAX_TARGET_LENGTH = 4096;
/** The path segment that stands in for the sha256 of files the index gave no hash for. */
export const NO_HASH = 'nohash';

export type Route =
  | { kind: 'home' }
  | { kind: 'health' }
  | { kind: 'stats' }
  | { kind: 'manifest' }
  | { kind: 'redirect'; location: string }
  | { kind: 'project-list'; upstream: string; prefix: string }
  | { kind: 'project'; upstream: string; project: string }
  | {
      kind: 'file';
      upstream: string;
      project: string;
      /** A sha256 hex digest or NO_HASH. */
      hash: string;
      filename: string;
      metadata: boolean;
    };

export function splitTarget(target: string): string[] {
  if (target.length > MAX_TARGET_LENGTH) throw new BadRequestError('request target too long');
  if (!target.startsWith('/')) throw new BadRequestError('request target must be a path');
  const path = target.split(/[?#]/, 1)[0] ?? '/';
  return path
    .slice(1)
    .split('/')
    .map((raw) => {
      let segment = raw;
      try {
        if (raw.includes('%')) segment = decodeURIComponent(raw);
      } catch {
        throw new BadRequestError('malformed percent-encoding');
      }
      if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
        throw new BadRequestError('path segment not allowed');
      }
      return segment;
    });
}

/** The route prefix of an upstream: `/simple/` for the first, `/<name>/simple/` for the others. */
export function simplePrefix(upstream: string, defaultUpstream: string): string {
  return upstream === defaultUpstream ? '/simple/' : `/${upstream}/simple/`;
}

export function fileHref(
  upstream: string,
  project: string,
  hash: string | undefined,
  filename: string,
): string {
  return `/files/${upstream}/${project}/${hash ?? NO_HASH}/${encodeURIComponent(filename)}`;
}

export function simpleRoute(segments: string[], upstream: string, prefix: string): Route {
  const [project, ...rest] = segments;
  if (project === undefined) return { kind: 'redirect', location: prefix };
  if (project === '' && rest.length === 0) return { kind: 'project-list', upstream, prefix };
  if (!isValidProjectName(project) || rest.length > 1 || (rest.length === 1 && rest[0] !== '')) {
    throw new NotFoundError('no such page');
  }
  // PEP 503: the normalized name with a trailing slash is canonical; other forms redirect.
  if (!isNormalizedProjectName(project) || rest.length === 0) {
    return { kind: 'redirect', location: `${prefix}${normalizeProjectName(project)}/` };
  }
  return { kind: 'project', upstream, project };
}

function fileRoute(segments: string[], upstreams: ReadonlySet<string>): Route {
  const [upstream, project, hash, name, ...rest] = segments;
  if (upstream === undefined || project === undefined || hash === undefined || name === undefined) {
    throw new NotFoundError('no such file');
  }
  if (rest.length > 0 || !upstreams.has(upstream) || !isNormalizedProjectName(project)) {
    throw new NotFoundError('no such file');
  }
  if (hash !== NO_HASH && !isSha256Hex(hash)) throw new NotFoundError('no such file');
  if (!isValidFileName(name)) throw new NotFoundError('no such file');
  const metadata = name.endsWith('.metadata');
  const filename = metadata ? name.slice(0, -'.metadata'.length) : name;
  if (!isValidFileName(filename)) throw new NotFoundError('no such file');
  return { kind: 'file', upstream, project, hash, filename, metadata };
}

/** The upstream names, looked up once: routing a request allocates no table of its own. */
export class RouteTable {
  private readonly names: ReadonlySet<string>;
  private readonly defaultUpstream: string;

  constructor(upstreams: readonly string[]) {
    this.names = new Set(upstreams);
    this.defaultUpstream = upstreams[0] ?? '';
  }

  /** Maps a request target to a route; throws NotFoundError or BadRequestError. */
  match(target: string): Route {
    const segments = splitTarget(target);
    const [first, second, ...rest] = segments;
    if (segments.length === 1 && first === '') return { kind: 'home' };
    if (first === '-' && rest.length === 0 && second === 'health') return { kind: 'health' };
    if (first === '-' && rest.length === 0 && second === 'stats') return { kind: 'stats' };
    if (first === '-' && rest.length === 0 && second === 'manifest') return { kind: 'manifest' };
    if (first === 'simple') return simpleRoute(segments.slice(1), this.defaultUpstream, '/simple/');
    if (first === 'files') return fileRoute(segments.slice(1), this.names);
    if (
      first !== undefined &&
      first !== this.defaultUpstream &&
      this.names.has(first) &&
      second === 'simple'
    ) {
      return simpleRoute(segments.slice(2), first, `/${first}/simple/`);
    }
    throw new NotFoundError('no such route');
  }
}

/** Maps a request target to a route; throws NotFoundError or BadRequestError. */
export function matchRoute(target: string, upstreams: readonly string[]): Route {
  return new RouteTable(upstreams).match(target);
}
