// Content negotiation for the simple API, PEP 691:
// https://peps.python.org/pep-0691/#version-format-selection
// pip sends `v1+json, v1+html; q=0.1, text/html; q=0.01` (pip/_internal/index/collector.py),
// uv sends `v1+json, v1+html;q=0.2, text/html;q=0.01` (uv-client registry_client.rs).

export type PageFormat = 'json' | 'html-v1' | 'html';

export const CONTENT_TYPES: Record<PageFormat, string> = {
  json: 'application/vnd.pypi.simple.v1+json',
  'html-v1': 'application/vnd.pypi.simple.v1+html',
  html: 'text/html; charset=utf-8',
};

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

// What each format answers to. `latest` is an alias PEP 691 lets servers resolve to v1.
const FORMAT_TYPES: Record<PageFormat, string[]> = {
  json: ['application/vnd.pypi.simple.v1+json', 'application/vnd.pypi.simple.latest+json'],
  'html-v1': ['application/vnd.pypi.simple.v1+html', 'application/vnd.pypi.simple.latest+html'],
  html: ['text/html'],
};

export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  header.split(',').forEach((part, order) => {
    const [mediaType = '', ...params] = part.split(';').map((piece) => piece.trim());
    const [type, subtype] = mediaType.toLowerCase().split('/');
    if (!type || !subtype) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((piece) => piece.trim());
      if (key?.toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q, order });
  });
  return ranges;
}

interface Match {
  q: number;
  specificity: number;
  order: number;
}

// RFC 9110 12.5.1: the most specific range that matches a media type decides its q.
function bestMatch(mediaType: string, ranges: MediaRange[]): Match | undefined {
  const [type, subtype] = mediaType.split('/');
  let best: Match | undefined;
  for (const range of ranges) {
    let specificity = -1;
    if (range.type === type && range.subtype === subtype) specificity = 2;
    else if (range.type === type && range.subtype === '*') specificity = 1;
    else if (range.type === '*' && range.subtype === '*') specificity = 0;
    if (specificity < 0 || (best && best.specificity >= specificity)) continue;
    best = { q: range.q, specificity, order: range.order };
  }
  return best;
}

function formatMatch(format: PageFormat, ranges: MediaRange[]): Match | undefined {
  let best: Match | undefined;
  for (const mediaType of FORMAT_TYPES[format]) {
    const match = bestMatch(mediaType, ranges);
    if (match && match.q > 0 && (!best || isBetter(match, best))) best = match;
  }
  return best;
}

function isBetter(a: Match, b: Match): boolean {
  if (a.q !== b.q) return a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  return a.order < b.order;
}

/**
 * Picks the representation for an `Accept` header. HTML answers a missing header, `*` / `*`,
 * and headers that accept none of the formats (PEP 691 allows a default instead of 406, and
 * old clients that send odd headers still get a page they can read).
 */
export function negotiatePageFormat(accept: string | undefined): PageFormat {
  const key = accept ?? '';
  let format = recentChoices.get(key);
  if (format === undefined) {
    format = choose(key);
    // Clients send one or two distinct headers; a bounded memo spares parsing them per request.
    if (recentChoices.size >= MAX_REMEMBERED_HEADERS) recentChoices.clear();
    recentChoices.set(key, format);
  }
  return format;
}

const MAX_REMEMBERED_HEADERS = 64;
const recentChoices = new Map<string, PageFormat>();

function choose(accept: string): PageFormat {
  const ranges = parseAccept(accept);
  let chosen: PageFormat = 'html';
  let chosenMatch: Match | undefined;
  for (const format of ['html', 'html-v1', 'json'] as const) {
    const match = formatMatch(format, ranges);
    if (!match) continue;
    // A wildcard alone must not switch old clients from HTML to JSON.
    if (format !== 'html' && match.specificity < 2) continue;
    if (!chosenMatch || isBetter(match, chosenMatch)) {
      chosen = format;
      chosenMatch = match;
    }
  }
  return chosen;
}
