// `Range` and `If-Range` for files (RFC 9110 14). uv reads wheel metadata with a HEAD and then
// suffix/explicit ranges over the zip central directory (uv-client remote_metadata.rs); pip >= 25.2
// resumes broken downloads with `Range` + `If-Range`. One range per request: a multi-range
// request gets the whole file, which RFC 9110 allows.

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' };

export function decideRange(
  rangeHeader: string | undefined,
  ifRange: string | undefined,
  etag: string,
  size: number,
): RangeDecision {
  if (!rangeHeader) return { kind: 'full' };
  // If-Range with another validator (or a date: we send no Last-Modified) means "changed".
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'full' };
  const spec = parseRangeSpec(rangeHeader);
  if (!spec) return { kind: 'full' };
  const { first, last } = spec;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}

const DIGITS = /^\d*$/;

/**
 * `bytes=first-last` with optional spaces; undefined for anything else, multi-range included.
 * Split by hand: the single regular expression this replaces backtracked quadratically over runs
 * of spaces (30 requests of 16,000 spaces held the proxy for 8.7 s: issue 9, case 4).
 */
function parseRangeSpec(header: string): { first: string; last: string } | undefined {
  const equals = header.indexOf('=');
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return undefined;
  const set = header.slice(equals + 1);
  const dash = set.indexOf('-');
  if (dash < 0) return undefined;
  const first = set.slice(0, dash).trim();
  const last = set.slice(dash + 1).trim();
  if (!DIGITS.test(first) || !DIGITS.test(last) || (first === '' && last === '')) return undefined;
  return { first, last };
}
