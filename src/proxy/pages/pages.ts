// The project page model: one per project and upstream, fetched once, rendered as PEP 691 JSON
// or PEP 503 HTML. Field names follow PEP 691 (https://peps.python.org/pep-0691/) with PEP 700
// (versions, size, upload-time) and PEP 714 (core-metadata). Keys this proxy does not know are
// kept in `extra` and rendered back into JSON untouched.

export interface ProjectFile {
  filename: string;
  /** Absolute upstream URL without fragment or credentials; never rendered to clients. */
  url: string;
  hashes: Record<string, string>;
  requiresPython?: string;
  /** PEP 658/714: true, or the hashes of the `.metadata` file. */
  coreMetadata?: true | Record<string, string>;
  /** PEP 592: true, or the reason as a string. */
  yanked?: true | string;
  size?: number;
  uploadTime?: string;
  gpgSig?: boolean;
  extra: Record<string, unknown>;
  /**
   * On a host the proxy may not fetch from for this index (file-hosts.ts): rendered with its
   * upstream URL, so the client fetches it itself, as it would without the proxy. Never stored.
   */
  direct?: true;
}

export interface ProjectPage {
  name: string;
  meta: Record<string, unknown>;
  files: ProjectFile[];
  versions?: string[];
  extra: Record<string, unknown>;
}

export interface ProjectList {
  meta: Record<string, unknown>;
  projects: string[];
}

export class PageFormatError extends Error {}

const KNOWN_FILE_KEYS = new Set([
  'filename',
  'url',
  'hashes',
  'requires-python',
  'core-metadata',
  'dist-info-metadata',
  'data-dist-info-metadata',
  'yanked',
  'size',
  'upload-time',
  'gpg-sig',
]);
const KNOWN_PAGE_KEYS = new Set(['meta', 'name', 'files', 'versions']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string')
      out[key.toLowerCase()] = key.toLowerCase() === 'sha256' ? entry.toLowerCase() : entry;
  }
  return out;
}

/**
 * Resolves a link against the page it came from and drops fragment and userinfo; undefined for
 * a link that is no URL (`http://[::1`): the page skips it, as pip skips links it cannot parse,
 * instead of failing whole (issue 9, case 13).
 */
export function absoluteFileUrl(href: string, pageUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, pageUrl);
  } catch {
    return undefined;
  }
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.toString();
}

export function parseCoreMetadata(value: unknown): true | Record<string, string> | undefined {
  if (value === true) return true;
  if (isRecord(value)) {
    const hashes = stringRecord(value);
    return Object.keys(hashes).length > 0 ? hashes : true;
  }
  return undefined;
}

function parseJsonFile(raw: unknown, pageUrl: string): ProjectFile | undefined {
  if (!isRecord(raw) || typeof raw.filename !== 'string' || typeof raw.url !== 'string') return undefined;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_FILE_KEYS.has(key)) extra[key] = value;
  // PEP 714: read the old key when the new one is missing, never write it back.
  const coreMetadata = parseCoreMetadata(raw['core-metadata'] ?? raw['dist-info-metadata']);
  const url = absoluteFileUrl(raw.url, pageUrl);
  if (url === undefined) return undefined;
  const file: ProjectFile = {
    filename: raw.filename,
    url,
    hashes: stringRecord(raw.hashes),
    extra,
  };
  if (typeof raw['requires-python'] === 'string') file.requiresPython = raw['requires-python'];
  if (coreMetadata) file.coreMetadata = coreMetadata;
  if (raw.yanked === true || (typeof raw.yanked === 'string' && raw.yanked !== '')) file.yanked = raw.yanked;
  else if (typeof raw.yanked === 'string') file.yanked = true;
  if (typeof raw.size === 'number' && Number.isSafeInteger(raw.size) && raw.size >= 0) file.size = raw.size;
  if (typeof raw['upload-time'] === 'string') file.uploadTime = raw['upload-time'];
  if (typeof raw['gpg-sig'] === 'boolean') file.gpgSig = raw['gpg-sig'];
  return file;
}

export function parseJsonPage(body: string, pageUrl: string, fallbackName: string): ProjectPage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error: unknown) {
    throw new PageFormatError(`upstream page is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.files))
    throw new PageFormatError('upstream JSON page has no files list');
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_PAGE_KEYS.has(key)) extra[key] = value;
  const page: ProjectPage = {
    name: typeof raw.name === 'string' ? raw.name : fallbackName,
    meta: isRecord(raw.meta) ? raw.meta : { 'api-version': '1.0' },
    files: raw.files.flatMap((file) => parseJsonFile(file, pageUrl) ?? []),
    extra,
  };
  if (Array.isArray(raw.versions))
    page.versions = raw.versions.filter((v): v is string => typeof v === 'string');
  return page;
}

export function parseJsonProjectList(body: string): ProjectList {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error: unknown) {
    throw new PageFormatError(`upstream index is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.projects))
    throw new PageFormatError('upstream JSON index has no projects');
  const projects = raw.projects.flatMap((entry) =>
    isRecord(entry) && typeof entry.name === 'string' ? [entry.name] : [],
  );
  return { meta: isRecord(raw.meta) ? raw.meta : { 'api-version': '1.0' }, projects };
}

/** Maps a file to the URL clients see: root-relative, on this proxy. */
export type FileHref = (file: ProjectFile) => string;

function renderJsonFile(file: ProjectFile, href: FileHref): Record<string, unknown> {
  const out: Record<string, unknown> = { filename: file.filename, url: href(file), hashes: file.hashes };
  if (file.requiresPython !== undefined) out['requires-python'] = file.requiresPython;
  // Only `core-metadata`: pip before 23.1 mishandles `dist-info-metadata` (PEP 714).
  if (file.coreMetadata !== undefined) out['core-metadata'] = file.coreMetadata;
  if (file.gpgSig !== undefined) out['gpg-sig'] = file.gpgSig;
  if (file.yanked !== undefined) out.yanked = file.yanked;
  if (file.size !== undefined) out.size = file.size;
  if (file.uploadTime !== undefined) out['upload-time'] = file.uploadTime;
  return { ...file.extra, ...out };
}

export function renderJsonPage(page: ProjectPage, href: FileHref): string {
  const out: Record<string, unknown> = {
    ...page.extra,
    meta: page.meta,
    name: page.name,
    files: page.files.map((file) => renderJsonFile(file, href)),
  };
  if (page.versions !== undefined) out.versions = page.versions;
  return JSON.stringify(out);
}

export function renderJsonProjectList(list: ProjectList): string {
  return JSON.stringify({ meta: list.meta, projects: list.projects.map((name) => ({ name })) });
}

/** The `#sha256=...` fragment pip and uv check downloads against (PEP 503). */
export function hashFragment(hashes: Record<string, string>): string {
  const name = hashes.sha256 !== undefined ? 'sha256' : Object.keys(hashes)[0];
  return name === undefined ? '' : `#${name}=${hashes[name]}`;
}

export function apiVersion(meta: Record<string, unknown>): string {
  return typeof meta['api-version'] === 'string' ? meta['api-version'] : '1.0';
}
