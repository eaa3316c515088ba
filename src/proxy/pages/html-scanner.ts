// A single-pass scanner for PEP 503 pages: anchors (attributes and text), the first
// <base href>, and <meta> tags. Hand-written because the regular expressions it replaces went
// quadratic on hostile or broken pages (300 KB of `<a ` froze the proxy for 39 s: pypi-cache-action
// issue 9, case 4). Every step moves the position forward and nothing is scanned twice, so a page
// costs time linear in its length whatever it holds.
//
// Tolerant the way pip's HTMLParser-based reader is (pip/_internal/index/collector.py): an
// unclosed comment hides the rest of the page, a tag without its `>` ends the scan, an anchor
// that is never closed still counts (with no text; the file name then comes from its URL).
//
// Cheap per character, since a hostile page is millions of tiny tags or attributes: it reads
// char codes (no one-character strings), and it keeps only the attributes a reader of the page
// uses (KEPT): a tag or an attribute nobody reads costs no string and no object, and those it
// keeps sit in plain objects (a Map each made a page of 700,000 anchors mostly garbage
// collection).
import { decodeEntities } from './html-entities.js';

/** The kept attributes (KEPT) a tag has, by lower-case name, entities decoded. */
export type ScannedAttributes = Readonly<Record<string, string | undefined>>;

export interface ScannedTag {
  attributes: ScannedAttributes;
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

/** The tags the scanner reports, and the attributes of each that html-page.ts reads. */
const KEPT = {
  a: [
    'href',
    'data-requires-python',
    'data-core-metadata',
    'data-dist-info-metadata',
    'data-yanked',
    'data-gpg-sig',
  ],
  base: ['href'],
  meta: ['name', 'content'],
} as const;
type KeptTag = keyof typeof KEPT;
const KEPT_TAGS = Object.keys(KEPT) as KeptTag[];

const NO_ATTRIBUTES: ScannedAttributes = Object.freeze({});

// Code-unit classes below 128; every other code unit is part of a name.
const SPACE_CLASS = 1;
const NAME_END_CLASS = 2;
const CLASS = new Uint8Array(128);
for (const code of [9, 10, 12, 13, 32]) CLASS[code] = SPACE_CLASS;
for (const char of '>/=<') CLASS[char.charCodeAt(0)] = NAME_END_CLASS;
const GT = 62;
const SLASH = 47;
const EQUALS = 61;
const BANG = 33;
const QUESTION = 63;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;

function isSpace(code: number): boolean {
  return code < 128 && CLASS[code] === SPACE_CLASS;
}

/** NaN (past the end) is no name character. */
function isNameCode(code: number): boolean {
  return code >= 128 || (code >= 0 && CLASS[code] === 0);
}

function isLetterCode(code: number): boolean {
  const lower = code | 0x20;
  return lower >= 97 && lower <= 122;
}

/** Whether html[start, end) is `word` (lower-case ASCII letters and '-') in any case. */
function isWord(html: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    // `| 0x20` lower-cases ASCII letters; of the codes it maps onto '-', CR ends a name.
    if ((html.charCodeAt(start + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function keptTag(html: string, start: number, end: number): KeptTag | undefined {
  for (const tag of KEPT_TAGS) if (isWord(html, start, end, tag)) return tag;
  return undefined;
}

function keptAttribute(
  names: readonly string[],
  html: string,
  start: number,
  end: number,
): string | undefined {
  for (const name of names) if (isWord(html, start, end, name)) return name;
  return undefined;
}

interface Tag {
  name?: KeptTag;
  closing: boolean;
  attributes: ScannedAttributes;
  /** Position just after the tag's `>`. */
  end: number;
}

/** Reads the tag opening at `start` (html[start] is '<'); undefined when it never closes. */
function readTag(html: string, start: number): Tag | undefined {
  const length = html.length;
  let i = start + 1;
  const closing = html.charCodeAt(i) === SLASH;
  if (closing) i++;
  const nameStart = i;
  while (i < length && isNameCode(html.charCodeAt(i))) i++;
  const name = keptTag(html, nameStart, i);
  // A closing tag's attributes are nobody's.
  const wanted = name && !closing ? KEPT[name] : undefined;
  let attributes: Record<string, string> | undefined;
  while (i < length) {
    const code = html.charCodeAt(i);
    if (code === GT) return { name, closing, attributes: attributes ?? NO_ATTRIBUTES, end: i + 1 };
    if (code < 128 && CLASS[code] !== 0) {
      i++;
      continue;
    }
    const attrStart = i;
    while (i < length && isNameCode(html.charCodeAt(i))) i++;
    const attrEnd = i;
    let j = i;
    while (isSpace(html.charCodeAt(j))) j++;
    let valueStart = -1;
    let valueEnd = -1;
    if (html.charCodeAt(j) === EQUALS) {
      j++;
      while (isSpace(html.charCodeAt(j))) j++;
      const quote = html.charCodeAt(j);
      if (quote === DOUBLE_QUOTE || quote === SINGLE_QUOTE) {
        const close = html.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", j + 1);
        if (close < 0) return undefined;
        valueStart = j + 1;
        valueEnd = close;
        i = close + 1;
      } else {
        valueStart = j;
        while (j < length && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== GT) j++;
        valueEnd = j;
        i = j;
      }
    }
    const kept = wanted && keptAttribute(wanted, html, attrStart, attrEnd);
    // HTML keeps the first of repeated attributes.
    if (kept && attributes?.[kept] === undefined) {
      attributes ??= {};
      attributes[kept] = valueStart < 0 ? '' : decodeEntities(html.slice(valueStart, valueEnd));
    }
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
  // The anchor open now: its attributes, and its text pieces (made only once there is text).
  let openAttributes: ScannedAttributes | undefined;
  let openText: string[] | undefined;
  const addText = (text: string) => {
    if (openText) openText.push(text);
    else openText = [text];
  };
  const closeAnchor = (closedProperly: boolean) => {
    if (!openAttributes) return;
    const text = closedProperly && openText ? decodeEntities(openText.join('')).trim() : '';
    // An anchor with neither a link nor a name is nothing to either reader: not kept, or a page
    // of a million `<a x>` would hold a million objects (seconds of garbage collection).
    if (text !== '' || openAttributes.href !== undefined)
      scanned.anchors.push({ attributes: openAttributes, text });
    openAttributes = undefined;
    openText = undefined;
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? html.length : lt;
    if (openAttributes && textEnd > i) addText(html.slice(i, textEnd));
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    if (next === BANG || next === QUESTION) {
      i = skipDeclaration(html, lt);
      continue;
    }
    if (!isLetterCode(next) && next !== SLASH) {
      // A lone `<` is text.
      if (openAttributes) addText('<');
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
        openAttributes = tag.attributes;
      }
    } else if (!tag.closing && tag.name === 'base') {
      scanned.baseHref ??= tag.attributes.href;
    } else if (!tag.closing && tag.name === 'meta') {
      if (tag.attributes.name === 'pypi:repository-version')
        scanned.repositoryVersion = tag.attributes.content;
    }
  }
  closeAnchor(false);
  return scanned;
}
