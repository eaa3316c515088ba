// Simple-index pages as Warehouse (pypi.org) renders them: PEP 503 HTML and PEP 691 JSON,
// chosen by PEP 691 content negotiation. Kept apart from the server so tests can read it as a spec.
import type { BuiltWheel } from './wheels.js';

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
export const HTML_V1_TYPE = 'application/vnd.pypi.simple.v1+html';
export const TEXT_HTML_TYPE = 'text/html; charset=utf-8';
const API_VERSION = '1.1';

export type PageFormat = 'json' | 'html';
export interface Negotiated {
  format: PageFormat;
  contentType: string;
}

// Server preference breaks q-value ties, JSON first, like Warehouse.
const OFFERS: { accepts: string[]; negotiated: Negotiated }[] = [
  {
    accepts: [JSON_TYPE, 'application/vnd.pypi.simple.latest+json'],
    negotiated: { format: 'json', contentType: JSON_TYPE },
  },
  {
    accepts: [HTML_V1_TYPE, 'application/vnd.pypi.simple.latest+html'],
    negotiated: { format: 'html', contentType: HTML_V1_TYPE },
  },
  { accepts: ['text/html', 'text/*', '*/*'], negotiated: { format: 'html', contentType: TEXT_HTML_TYPE } },
];

/** PEP 691 negotiation; a missing Accept means HTML. Returns null when nothing offered is acceptable (406). */
export function negotiate(accept: string | undefined): Negotiated | null {
  if (!accept?.trim()) return OFFERS[2].negotiated;
  const ranges = accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1 };
  });
  let best: { q: number; negotiated: Negotiated } | null = null;
  for (const offer of OFFERS) {
    const q = Math.max(0, ...ranges.filter((r) => offer.accepts.includes(r.type)).map((r) => r.q));
    if (q > 0 && (!best || q > best.q)) best = { q, negotiated: offer.negotiated };
  }
  return best?.negotiated ?? null;
}

export interface PageFile {
  wheel: BuiltWheel;
  url: string;
  /** sha256 of the .metadata file, or null when the file has no PEP 658 metadata. */
  metadataSha256: string | null;
  yanked: string | true | false;
  uploadTime: string;
}

export interface ProjectListing {
  name: string;
  project: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function htmlPage(title: string, links: string[], serial: number): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${API_VERSION}">`,
    `    <title>${escapeHtml(title)}</title>`,
    '  </head>',
    '  <body>',
    ...(title.startsWith('Links for') ? [`    <h1>${escapeHtml(title)}</h1>`] : []),
    ...links.map((link) => `    ${link}<br />`),
    '  </body>',
    '</html>',
    `<!--SERIAL ${serial}-->`,
    '',
  ].join('\n');
}

export function renderRootPage(projects: ProjectListing[], format: PageFormat, serial: number): string {
  if (format === 'json') {
    return JSON.stringify({
      meta: { 'api-version': API_VERSION, '_last-serial': serial },
      projects: projects.map((p) => ({ name: p.name, '_last-serial': serial })),
    });
  }
  const links = projects.map((p) => `<a href="/simple/${p.project}/">${escapeHtml(p.name)}</a>`);
  return htmlPage('Simple index', links, serial);
}

function fileLink(file: PageFile): string {
  const attrs = [`href="${escapeHtml(`${file.url}#sha256=${file.wheel.sha256}`)}"`];
  if (file.wheel.requiresPython)
    attrs.push(`data-requires-python="${escapeHtml(file.wheel.requiresPython)}"`);
  if (file.metadataSha256) {
    // Warehouse still sends the PEP 658 name next to the PEP 714 one for older clients.
    attrs.push(`data-dist-info-metadata="sha256=${file.metadataSha256}"`);
    attrs.push(`data-core-metadata="sha256=${file.metadataSha256}"`);
  }
  if (file.yanked !== false)
    attrs.push(`data-yanked="${file.yanked === true ? '' : escapeHtml(file.yanked)}"`);
  return `<a ${attrs.join(' ')}>${escapeHtml(file.wheel.filename)}</a>`;
}

export function renderProjectPage(
  project: string,
  files: PageFile[],
  format: PageFormat,
  serial: number,
): string {
  if (format === 'html') return htmlPage(`Links for ${project}`, files.map(fileLink), serial);
  const versions = [...new Set(files.map((f) => f.wheel.version))].sort(compareNumerically);
  return JSON.stringify({
    meta: { 'api-version': API_VERSION, '_last-serial': serial },
    name: project,
    versions,
    files: files.map((f) => {
      const coreMetadata = f.metadataSha256 ? { sha256: f.metadataSha256 } : false;
      return {
        filename: f.wheel.filename,
        url: f.url,
        hashes: { sha256: f.wheel.sha256 },
        'requires-python': f.wheel.requiresPython ?? null,
        'core-metadata': coreMetadata,
        // Warehouse still sends the pre-PEP 714 key too.
        'data-dist-info-metadata': coreMetadata,
        yanked: f.yanked,
        size: f.wheel.size,
        'upload-time': f.uploadTime,
      };
    }),
  });
}

/**
 * Numeric-aware order: good enough for test versions like 1.2.10 (no PEP 440 pre/post releases
 * needed) and for file names. One collator: localeCompare with options makes one each call.
 */
export const compareNumerically: (a: string, b: string) => number = new Intl.Collator('en', { numeric: true })
  .compare;
