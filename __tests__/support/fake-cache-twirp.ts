import { randomBytes } from 'node:crypto';
import { BlobNotFoundError, type BlobStore } from './fake-blob-store.js';
import type { CacheIndex, StoredEntry } from './fake-cache-index.js';

// The three RPCs @actions/cache v2 calls. Requests arrive as protobuf JSON with proto field names
// (snake_case, int64 as string); answers use the same names, which the generated client's
// fromJson accepts. See node_modules/@actions/cache/lib/generated/results/api/v1/cache.js.
export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';

/** A Twirp error: JSON `{code, msg}` with the HTTP status Twirp maps the code to. */
export class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TwirpError';
  }
}

export interface TwirpContext {
  index: CacheIndex;
  store: BlobStore;
  signedUrl(entry: StoredEntry, permissions: 'r' | 'cw'): string;
}

type Json = Record<string, unknown>;

export async function callCacheService(ctx: TwirpContext, method: string, request: Json): Promise<Json> {
  switch (method) {
    case 'CreateCacheEntry':
      return createCacheEntry(ctx, request);
    case 'FinalizeCacheEntryUpload':
      return finalizeCacheEntryUpload(ctx, request);
    case 'GetCacheEntryDownloadURL':
      return getCacheEntryDownloadUrl(ctx, request);
    default:
      throw new TwirpError(404, 'bad_route', `no method ${method}`);
  }
}

function createCacheEntry(ctx: TwirpContext, request: Json): Json {
  const key = requireString(request, 'key');
  const version = requireString(request, 'version');
  const signature = randomBytes(16).toString('hex');
  const entry = ctx.index.create(key, version, (id) => ctx.store.blobPath(String(id)), signature);
  // @actions/cache turns this non-retryable 409 into a ReserveCacheError ("another job may be creating").
  if (!entry)
    throw new TwirpError(
      409,
      'already_exists',
      'cache entry with the same key, version, and scope already exists',
    );
  return { ok: true, signed_upload_url: ctx.signedUrl(entry, 'cw') };
}

async function finalizeCacheEntryUpload(ctx: TwirpContext, request: Json): Promise<Json> {
  const key = requireString(request, 'key');
  const version = requireString(request, 'version');
  const declared = Number(request.size_bytes ?? 0);
  const entry = ctx.index.pending(key, version);
  if (!entry) throw new TwirpError(404, 'not_found', `no pending cache entry for ${key}`);
  let size: number;
  try {
    size = (await ctx.store.properties(String(entry.id))).size;
  } catch (error: unknown) {
    if (error instanceof BlobNotFoundError)
      throw new TwirpError(404, 'not_found', `nothing was uploaded for ${key}`);
    throw error;
  }
  if (size !== declared) {
    throw new TwirpError(400, 'invalid_argument', `size_bytes ${declared} but ${size} bytes were uploaded`);
  }
  entry.size = size;
  entry.finalized = true;
  return { ok: true, entry_id: String(entry.id) };
}

function getCacheEntryDownloadUrl(ctx: TwirpContext, request: Json): Json {
  const key = requireString(request, 'key');
  const version = requireString(request, 'version');
  const restoreKeys = Array.isArray(request.restore_keys) ? request.restore_keys.map(String) : [];
  const entry = ctx.index.match(key, restoreKeys, version);
  // A miss is a normal answer with ok=false, not a Twirp error.
  if (!entry) return { ok: false, signed_download_url: '', matched_key: '' };
  return { ok: true, signed_download_url: ctx.signedUrl(entry, 'r'), matched_key: entry.key };
}

function requireString(request: Json, field: string): string {
  const value = request[field];
  if (typeof value !== 'string' || value === '') {
    throw new TwirpError(400, 'invalid_argument', `${field} is required`);
  }
  return value;
}
