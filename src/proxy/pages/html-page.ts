// PEP 503 HTML pages: parsing upstream pages that offer no JSON, and rendering for clients that
// prefer HTML. Attributes follow PEP 503 (hash fragment, data-requires-python), PEP 592
// (data-yanked) and PEP 714 (data-core-metadata, read from data-dist-info-metadata when that is
// all the page has). Parsing mirrors pip's: anchors plus the first <base href>
// (pip/_internal/index/collector.py, HTMLLinkParser), in a linear-time scanner (html-scanner.ts).
import { escapeHtml } from './html-entities.js';
import { type ScannedAnchor, scanHtml } from './html-scanner.js';
import {
  absoluteFileUrl,
  apiVersion,
  type FileHref,
  hashFragment,
  type ProjectFile,
  type ProjectList,
  type ProjectPage,
} from './pages.js';

function hashesFromFragment(href: string): Record<string, string> {
  const fragment = href.split('#')[1];
  if (!fragment) return {};
  const [name, value] = fragment.split('=');
  if (!name || !value) return {};
  return { [name.toLowerCase()]: name.toLowerCase() === 'sha256' ? value.toLowerCase() : value };
}

function metadataFromAttribute(value: string | undefined): ProjectFile['coreMetadata'] {
  if (value === undefined) return undefined;
  const [name, digest] = value.split('=');
  // pip treats any value other than "true" without a usable hash as "metadata exists".
  if (name && digest)
    return { [name.toLowerCase()]: name.toLowerCase() === 'sha256' ? digest.toLowerCase() : digest };
  return true;
}

/** The last path segment, decoded; '' when its percent escapes are broken (the link is skipped). */
function fileNameOfUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

function fileFromAnchor(anchor: ScannedAnchor, baseUrl: string): ProjectFile | undefined {
  const href = anchor.attributes.href;
  if (!href) return undefined;
  const url = absoluteFileUrl(href, baseUrl);
  if (url === undefined) return undefined;
  const filename = anchor.text || fileNameOfUrl(url);
  if (!filename) return undefined;
  const file: ProjectFile = { filename, url, hashes: hashesFromFragment(href), extra: {} };
  const requiresPython = anchor.attributes['data-requires-python'];
  if (requiresPython) file.requiresPython = requiresPython;
  const coreMetadata = metadataFromAttribute(
    anchor.attributes['data-core-metadata'] ?? anchor.attributes['data-dist-info-metadata'],
  );
  if (coreMetadata) file.coreMetadata = coreMetadata;
  const yanked = anchor.attributes['data-yanked'];
  if (yanked !== undefined) file.yanked = yanked === '' ? true : yanked;
  const gpgSig = anchor.attributes['data-gpg-sig'];
  if (gpgSig !== undefined) file.gpgSig = gpgSig === 'true';
  return file;
}

export function parseHtmlPage(html: string, pageUrl: string, name: string): ProjectPage {
  const scanned = scanHtml(html);
  // A <base href> that is no URL is ignored, like a link that is none.
  const baseUrl = (scanned.baseHref && absoluteFileUrl(scanned.baseHref, pageUrl)) || pageUrl;
  return {
    name,
    meta: { 'api-version': scanned.repositoryVersion ?? '1.0' },
    files: scanned.anchors.flatMap((anchor) => fileFromAnchor(anchor, baseUrl) ?? []),
    extra: {},
  };
}

export function parseHtmlProjectList(html: string): ProjectList {
  const scanned = scanHtml(html);
  return {
    meta: { 'api-version': scanned.repositoryVersion ?? '1.0' },
    projects: scanned.anchors.map((anchor) => anchor.text).filter((text) => text !== ''),
  };
}

function metadataAttribute(coreMetadata: ProjectFile['coreMetadata']): string {
  if (coreMetadata === undefined) return '';
  const fragment = coreMetadata === true ? '' : hashFragment(coreMetadata).slice(1);
  return ` data-core-metadata="${escapeHtml(fragment || 'true')}"`;
}

function renderAnchor(file: ProjectFile, href: FileHref): string {
  let attributes = ` href="${escapeHtml(href(file) + hashFragment(file.hashes))}"`;
  if (file.requiresPython !== undefined)
    attributes += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
  attributes += metadataAttribute(file.coreMetadata);
  if (file.gpgSig !== undefined) attributes += ` data-gpg-sig="${file.gpgSig}"`;
  if (file.yanked !== undefined)
    attributes += ` data-yanked="${file.yanked === true ? '' : escapeHtml(file.yanked)}"`;
  return `    <a${attributes}>${escapeHtml(file.filename)}</a><br />`;
}

function htmlDocument(title: string, version: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${escapeHtml(version)}">`,
    `    <title>${escapeHtml(title)}</title>`,
    '  </head>',
    '  <body>',
    `    <h1>${escapeHtml(title)}</h1>`,
    ...body,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

export function renderHtmlPage(page: ProjectPage, href: FileHref): string {
  return htmlDocument(
    `Links for ${page.name}`,
    apiVersion(page.meta),
    page.files.map((file) => renderAnchor(file, href)),
  );
}

/** `prefix` is the route of the index, e.g. `/simple/` or `/private/simple/`. */
export function renderHtmlProjectList(
  list: ProjectList,
  prefix: string,
  normalize: (name: string) => string,
): string {
  return htmlDocument(
    'Simple index',
    apiVersion(list.meta),
    list.projects.map(
      (name) => `    <a href="${escapeHtml(`${prefix}${normalize(name)}/`)}">${escapeHtml(name)}</a><br />`,
    ),
  );
}
