// Writes file answers: from the store with HEAD, Range, If-Range and If-None-Match; or
// streamed from a download under way. Never a Content-Encoding (pip and uv hash the bytes as
// received; a gzip-encoded .tar.gz would be decoded by the client and fail the hash).
// HEAD and Range on a file that is not in the store wait for the whole (single-flight) download
// and then answer from the store: the store warms either way, and a partial upstream answer
// could not be verified. So do GETs of small files (PEP 658 metadata, most wheels): answered
// only once verified, they can be downloaded again when upstream sent bad bytes, where a
// streamed answer could only be cut off. Large files stream, so that a slow upstream never
// keeps a client waiting past its read timeout (pip: 15 s) for the first byte.
import { createReadStream } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { IntegrityError } from '../errors.js';
import { decideRange } from '../http/byte-ranges.js';
import type { Download } from './downloads.js';
import type { ResolvedFile } from './file-service.js';

export type Served = 'store' | 'upstream';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Files up to this size are sent only once verified; larger ones stream as they arrive. */
const VERIFY_FIRST_MAX_BYTES = 8 * 1024 * 1024;

function fileHeaders(etag: string | undefined): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    'cache-control': IMMUTABLE,
  };
  if (etag) headers.etag = etag;
  return headers;
}

export function etagFor(sha256: string): string {
  return `"${sha256}"`;
}

function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

export async function sendStoredFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { sha256: string; path: string; size: number; bytes?: Buffer },
): Promise<void> {
  const etag = etagFor(file.sha256);
  const headers = fileHeaders(etag);
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const decision = decideRange(
    req.headers.range,
    typeof ifRange === 'string' ? ifRange : undefined,
    etag,
    file.size,
  );
  if (decision.kind === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${file.size}` }).end();
    return;
  }
  const { start, end } = decision.kind === 'partial' ? decision.range : { start: 0, end: file.size - 1 };
  const length = end - start + 1;
  if (decision.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
  res.writeHead(decision.kind === 'partial' ? 206 : 200, {
    ...headers,
    'content-length': Math.max(0, length),
  });
  if (req.method === 'HEAD' || length <= 0) {
    res.end();
    return;
  }
  if (file.bytes) {
    res.end(file.bytes.subarray(start, end + 1));
    return;
  }
  activeStoreReads++;
  try {
    await pipeline(createReadStream(file.path, { start, end, highWaterMark: readChunkBytes() }), res);
  } finally {
    activeStoreReads--;
  }
}

// Stored files are read in chunks that share one memory budget: large chunks while few clients
// download (fewer reads and writes: about 1.5x the throughput of 64 KiB chunks on a large file),
// smaller ones under a crowd, so that a hundred clients do not multiply the proxy's memory.
const READ_BUDGET_BYTES = 2 * 1024 * 1024;
const MAX_READ_CHUNK_BYTES = 1024 * 1024;
const MIN_READ_CHUNK_BYTES = 64 * 1024;
let activeStoreReads = 0;

function readChunkBytes(): number {
  const share = Math.floor(READ_BUDGET_BYTES / Math.max(1, activeStoreReads));
  return Math.min(MAX_READ_CHUNK_BYTES, Math.max(MIN_READ_CHUNK_BYTES, share));
}

async function sendDownloading(
  res: ServerResponse,
  download: Download,
  etag?: string,
  own = false,
): Promise<void> {
  const reader = download.openReader();
  if (!reader) {
    // A download of this client's own attaches its reader before any byte arrives.
    if (own) throw new IntegrityError('download bytes were dropped before the client could read them');
    await sendOwnDownload(res, download.another(), etag);
    return;
  }
  const headers = fileHeaders(etag);
  if (download.total !== undefined) headers['content-length'] = download.total;
  res.writeHead(200, headers);
  await pipeline(reader, res);
}

/**
 * A client too late for a download whose store copy was given up (its first bytes left memory
 * already) gets a download of its own, streamed and verified like any other: the install goes
 * on, at the cost of one more upstream fetch.
 */
async function sendOwnDownload(res: ServerResponse, download: Download, etag?: string): Promise<void> {
  download.hold();
  try {
    await download.started;
    await sendDownloading(res, download, etag, true);
  } finally {
    await download.release();
  }
}

/** Answers a resolved file; resolves with where the bytes came from. */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: ResolvedFile,
): Promise<Served> {
  if (file.kind === 'stored') {
    await sendStoredFile(req, res, file);
    return 'store';
  }
  const { download } = file;
  // Held from the start, so that a file the store could not take (its bytes are only in the
  // download) stays readable until it is sent.
  download.hold();
  try {
    // The size is known once upstream answered (or from the index): wait for that first.
    await download.started;
    const small = download.total !== undefined && download.total <= VERIFY_FIRST_MAX_BYTES;
    const waitForCommit = small || req.method === 'HEAD' || req.headers.range !== undefined;
    if (!waitForCommit) {
      await sendDownloading(res, download, file.expectedSha256 && etagFor(file.expectedSha256));
      return 'upstream';
    }
    const sha256 = await download.done;
    if (download.committedPath) {
      await sendStoredFile(req, res, { sha256, path: download.committedPath, size: download.written });
    } else {
      await sendVerifiedUnstored(req, res, download, etagFor(sha256));
    }
    return 'upstream';
  } finally {
    await download.release();
  }
}

/**
 * A verified file the store could not take (disk full): the client gets it whole from the
 * download's bytes while they are all there (a file answered only once verified always is),
 * else from a download of its own. A Range is answered with the whole file (a 200 is a valid
 * answer to one) rather than with a second code path for a rare case.
 */
async function sendVerifiedUnstored(
  req: IncomingMessage,
  res: ServerResponse,
  download: Download,
  etag: string,
): Promise<void> {
  if (req.method === 'HEAD') {
    res.writeHead(200, { ...fileHeaders(etag), 'content-length': download.written }).end();
    return;
  }
  const reader = download.openReader();
  if (!reader) {
    await sendOwnDownload(res, download.another(), etag);
    return;
  }
  res.writeHead(200, { ...fileHeaders(etag), 'content-length': download.written });
  await pipeline(reader, res);
}
