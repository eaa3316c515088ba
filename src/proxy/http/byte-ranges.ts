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
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(rangeHeader);
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };
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
