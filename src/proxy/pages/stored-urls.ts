// File URLs as the store keeps them. The store is saved in the cache entry, which pull requests
// can restore, and a private index's path may hold a token
// (https://dl.cloudsmith.io/<token>/org/repo/python/simple/): a file on the index's own origin is
// stored as a reference relative to the index URL (`../../files/x.whl`), resolved again against
// the index URL of the run that reads it (a rotated token keeps working). A file elsewhere is
// stored as is, unless it repeats a secret-looking part of the index URL: then no URL is stored
// (the run that fetched the page has it in memory; a later run needs the page again).
import { indexUrlSecrets } from '../upstream/url-secrets.js';
import type { ProjectFile, ProjectPage } from './pages.js';

/** `url` relative to `indexUrl` when that round-trips, else absolute; '' when it would leak. */
export function storedFileUrl(url: string, indexUrl: string): string {
  const target = new URL(url);
  const index = new URL(indexUrl);
  let stored = url;
  if (target.origin === index.origin) {
    const relative = relativeReference(index.pathname, target.pathname) + target.search;
    if (new URL(relative, indexUrl).toString() === url) stored = relative;
  }
  const secrets = indexUrlSecrets(indexUrl);
  return secrets.some((secret) => stored.includes(secret)) ? '' : stored;
}

/** The absolute URL again; '' stays '' (not stored: see storedFileUrl). */
export function resolveStoredFileUrl(stored: string, indexUrl: string): string {
  if (stored === '') return '';
  try {
    return new URL(stored, indexUrl).toString();
  } catch {
    return '';
  }
}

export function toStoredPage(page: ProjectPage, indexUrl: string): ProjectPage {
  return { ...page, files: page.files.map((file) => withUrl(file, storedFileUrl(file.url, indexUrl))) };
}

export function fromStoredPage(page: ProjectPage, indexUrl: string): ProjectPage {
  return {
    ...page,
    files: page.files.map((file) => withUrl(file, resolveStoredFileUrl(file.url, indexUrl))),
  };
}

/** The file with another URL; `direct` is the policy's answer for one run, never stored. */
function withUrl(file: ProjectFile, url: string): ProjectFile {
  const copy = { ...file, url };
  delete copy.direct;
  return copy;
}

/** `../` up to the common directory of the index, then the rest of the target's path. */
function relativeReference(indexPath: string, targetPath: string): string {
  const from = indexPath.split('/').slice(1, -1);
  const to = targetPath.split('/').slice(1);
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const rest = to.slice(common).join('/');
  // `./` keeps a first segment holding `:` from reading as a scheme, and an empty one as `//`.
  return `${'../'.repeat(from.length - common)}${rest.includes(':') || rest.startsWith('/') ? './' : ''}${rest}`;
}
