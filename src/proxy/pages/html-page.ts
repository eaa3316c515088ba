// PEP 503 HTML pages: parsing upstream pages that offer no JSON, and rendering for clients that
// prefer HTML. Attributes follow PEP 503 (hash fragment, data-requires-python), PEP 592
// (data-yanked) and PEP 714 (data-core-metadata, read from data-dist-info-metadata when that is
// all the page has). Parsing mirrors pip's: anchors plus the first <base href>
// (pip/_internal/index/collector.py, HTMLLinkParser).
import {
  absoluteFileUrl,
  apiVersion,
  type FileHref,
  hashFragment,
  type ProjectFile,
  type ProjectList,
  type ProjectPage,
} from './pages.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function parseAttributes(tagBody: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tagBody.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? '').toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

interface Anchor {
  attributes: Map<string, string>;
  text: string;
}

interface ScannedHtml {
  anchors: Anchor[];
  baseHref?: string;
  repositoryVersion?: string;
}

function scanHtml(html: string): ScannedHtml {
  const scanned: ScannedHtml = { anchors: [] };
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const match of withoutComments.matchAll(/<a(\s[^>]*)?>([\s\S]*?)<\/a\s*>/gi)) {
    const text = decodeEntities((match[2] ?? '').replace(/<[^>]*>/g, '')).trim();
    scanned.anchors.push({ attributes: parseAttributes(match[1] ?? ''), text });
  }
  for (const match of withoutComments.matchAll(/<(base|meta)(\s[^>]*)?>/gi)) {
    const attributes = parseAttributes(match[2] ?? '');
    if (match[1]?.toLowerCase() === 'base') {
      if (scanned.baseHref === undefined && attributes.has('href')) scanned.baseHref = attributes.get('href');
    } else if (attributes.get('name') === 'pypi:repository-version') {
      scanned.repositoryVersion = attributes.get('content');
    }
  }
  return scanned;
}

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

function fileFromAnchor(anchor: Anchor, baseUrl: string): ProjectFile | undefined {
  const href = anchor.attributes.get('href');
  if (!href) return undefined;
  const url = absoluteFileUrl(href, baseUrl);
  const filename = anchor.text || decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  if (!filename) return undefined;
  const file: ProjectFile = { filename, url, hashes: hashesFromFragment(href), extra: {} };
  const requiresPython = anchor.attributes.get('data-requires-python');
  if (requiresPython) file.requiresPython = requiresPython;
  const coreMetadata = metadataFromAttribute(
    anchor.attributes.get('data-core-metadata') ?? anchor.attributes.get('data-dist-info-metadata'),
  );
  if (coreMetadata) file.coreMetadata = coreMetadata;
  const yanked = anchor.attributes.get('data-yanked');
  if (yanked !== undefined) file.yanked = yanked === '' ? true : yanked;
  if (anchor.attributes.has('data-gpg-sig')) file.gpgSig = anchor.attributes.get('data-gpg-sig') === 'true';
  return file;
}

export function parseHtmlPage(html: string, pageUrl: string, name: string): ProjectPage {
  const scanned = scanHtml(html);
  const baseUrl = scanned.baseHref ? new URL(scanned.baseHref, pageUrl).toString() : pageUrl;
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
