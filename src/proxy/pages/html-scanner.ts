// A single-pass scanner for PEP 503 pages: anchors (attributes and text), the first
// <base href>, and <meta> tags. Hand-written because the regular expressions it replaces went
// quadratic on hostile or broken pages (300 KB of `<a ` froze the proxy for 39 s: pypi-cache-action
// issue 9, case 4). Every step moves the position forward and nothing is scanned twice, so a page
// costs time linear in its length whatever it holds.
//
// Tolerant the way pip's HTMLParser-based reader is (pip/_internal/index/collector.py): an
// unclosed comment hides the rest of the page, a tag without its `>` ends the scan, an anchor
// that is never closed still counts (with no text; the file name then comes from its URL).
import { decodeEntities } from './html-entities.js';

export interface ScannedTag {
  attributes: Map<string, string>;
}

export interface ScannedAnchor extends ScannedTag {
  /** The anchor's text with inner tags left out, entities decoded and trimmed; '' when unclosed. */
  text: string;
}

export interface ScannedHtml {
  anchors: ScannedAnchor[];
  baseHref?: string;
  repositoryVersion?: string;
}

const SPACE = new Set([' ', '\t', '\n', '\r', '\f']);

function isNameChar(char: string): boolean {
  return char !== '' && !SPACE.has(char) && char !== '>' && char !== '/' && char !== '=' && char !== '<';
}

function isLetter(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z');
}

interface Tag {
  name: string;
  closing: boolean;
  attributes: Map<string, string>;
  /** Position just after the tag's `>`. */
  end: number;
}

/** Reads the tag opening at `start` (html[start] is '<'); undefined when it never closes. */
function readTag(html: string, start: number): Tag | undefined {
  let i = start + 1;
  const closing = html[i] === '/';
  if (closing) i++;
  const nameStart = i;
  while (i < html.length && isNameChar(html[i] ?? '')) i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attributes = new Map<string, string>();
  while (i < html.length) {
    const char = html[i] ?? '';
    if (char === '>') return { name, closing, attributes, end: i + 1 };
    if (SPACE.has(char) || char === '/' || char === '=' || char === '<') {
      i++;
      continue;
    }
    const attrStart = i;
    while (i < html.length && isNameChar(html[i] ?? '')) i++;
    const attrName = html.slice(attrStart, i).toLowerCase();
    let j = i;
    while (SPACE.has(html[j] ?? '')) j++;
    let value = '';
    if (html[j] === '=') {
      j++;
      while (SPACE.has(html[j] ?? '')) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) return undefined;
        value = html.slice(j + 1, close);
        i = close + 1;
      } else {
        const valueStart = j;
        while (j < html.length && !SPACE.has(html[j] ?? '') && html[j] !== '>') j++;
        value = html.slice(valueStart, j);
        i = j;
      }
    }
    // HTML keeps the first of repeated attributes.
    if (attrName !== '' && !attributes.has(attrName)) attributes.set(attrName, decodeEntities(value));
  }
  return undefined;
}

/** Where the markup construct at `start` ends (comment, doctype, processing instruction). */
function skipDeclaration(html: string, start: number): number {
  if (html.startsWith('<!--', start)) {
    const close = html.indexOf('-->', start + 4);
    return close < 0 ? html.length : close + 3;
  }
  const close = html.indexOf('>', start + 2);
  return close < 0 ? html.length : close + 1;
}

export function scanHtml(html: string): ScannedHtml {
  const scanned: ScannedHtml = { anchors: [] };
  let open: { attributes: Map<string, string>; text: string[] } | undefined;
  const closeAnchor = (closedProperly: boolean) => {
    if (!open) return;
    const text = closedProperly ? decodeEntities(open.text.join('')).trim() : '';
    // An anchor with neither a link nor a name is nothing to either reader: not kept, or a page
    // of a million `<a x>` would hold a million objects (seconds of garbage collection).
    if (text !== '' || open.attributes.has('href'))
      scanned.anchors.push({ attributes: open.attributes, text });
    open = undefined;
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? html.length : lt;
    if (open && textEnd > i) open.text.push(html.slice(i, textEnd));
    if (lt < 0) break;
    const next = html[lt + 1] ?? '';
    if (next === '!' || next === '?') {
      i = skipDeclaration(html, lt);
      continue;
    }
    if (!isLetter(next) && next !== '/') {
      // A lone `<` is text.
      if (open) open.text.push('<');
      i = lt + 1;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) break;
    i = tag.end;
    if (tag.name === 'a') {
      if (tag.closing) closeAnchor(true);
      else {
        closeAnchor(false);
        open = { attributes: tag.attributes, text: [] };
      }
    } else if (!tag.closing && tag.name === 'base') {
      if (scanned.baseHref === undefined && tag.attributes.has('href'))
        scanned.baseHref = tag.attributes.get('href');
    } else if (!tag.closing && tag.name === 'meta') {
      if (tag.attributes.get('name') === 'pypi:repository-version')
        scanned.repositoryVersion = tag.attributes.get('content');
    }
  }
  closeAnchor(false);
  return scanned;
}
