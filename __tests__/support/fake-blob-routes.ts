import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  BlobNotFoundError,
  type BlobProperties,
  type BlobStore,
  InvalidBlockListError,
} from './fake-blob-store.js';

// The subset of the Azure Blob REST API that @azure/storage-blob uses for @actions/cache:
// Put Blob, Put Block, Put Block List, Get Blob (ranged), Get Blob Properties.
// https://learn.microsoft.com/en-us/rest/api/storageservices/blob-service-rest-api
const API_VERSION = '2025-11-05';

export async function handleBlobRequest(
  store: BlobStore,
  name: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const comp = url.searchParams.get('comp');
  try {
    if (req.method === 'PUT' && comp === 'block') return await putBlock(store, name, url, req, res);
    if (req.method === 'PUT' && comp === 'blocklist') return await putBlockList(store, name, req, res);
    if (req.method === 'PUT' && comp === null) return await putBlob(store, name, req, res);
    if ((req.method === 'GET' || req.method === 'HEAD') && comp === null) {
      return await getBlob(store, name, req, res);
    }
    sendBlobError(res, 400, 'UnsupportedHttpVerb', `${req.method} comp=${comp} is not supported here`);
  } catch (error: unknown) {
    if (error instanceof BlobNotFoundError) return sendBlobError(res, 404, 'BlobNotFound', error.message);
    if (error instanceof InvalidBlockListError)
      return sendBlobError(res, 400, 'InvalidBlockList', error.message);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendBlobError(res, 500, 'InternalError', String(error));
  } finally {
    // Drain a body we answered without reading, so the client sees our status, not EPIPE.
    req.resume();
  }
}

async function putBlob(store: BlobStore, name: string, req: IncomingMessage, res: ServerResponse) {
  if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
    return sendBlobError(res, 400, 'MissingRequiredHeader', 'x-ms-blob-type: BlockBlob is required');
  }
  const props = await store.putBlob(name, req);
  sendCreated(res, props);
}

async function putBlock(store: BlobStore, name: string, url: URL, req: IncomingMessage, res: ServerResponse) {
  const blockId = url.searchParams.get('blockid');
  if (!blockId) return sendBlobError(res, 400, 'InvalidQueryParameterValue', 'blockid is required');
  await store.stageBlock(name, blockId, req);
  sendCreated(res);
}

async function putBlockList(store: BlobStore, name: string, req: IncomingMessage, res: ServerResponse) {
  const xml = await readText(req);
  // <BlockList><Latest>id</Latest>...</BlockList>; every staged block here is uncommitted, so the
  // three list kinds resolve alike.
  const ids = [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2]);
  const props = await store.commitBlockList(name, ids);
  sendCreated(res, props);
}

async function getBlob(store: BlobStore, name: string, req: IncomingMessage, res: ServerResponse) {
  const props = await store.properties(name);
  // The SDK sends its range as x-ms-range; plain HTTP clients send Range.
  const rangeHeader = header(req, 'x-ms-range') ?? header(req, 'range');
  const range = rangeHeader ? parseRange(rangeHeader, props.size) : undefined;
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${props.size}`);
    return sendBlobError(res, 416, 'InvalidRange', `range ${rangeHeader} is outside ${props.size} bytes`);
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? props.size - 1;
  res.statusCode = range ? 206 : 200;
  setCommonHeaders(res, props);
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', String(Math.max(0, end - start + 1)));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('x-ms-blob-type', 'BlockBlob');
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${props.size}`);
  if (req.method === 'HEAD' || props.size === 0) {
    res.end();
    return;
  }
  await pipeline(store.read(name, start, end), res);
}

type ByteRange = { start: number; end: number };

function parseRange(value: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d+)-(\d*)$/.exec(value.trim());
  if (!match) return undefined; // Azure, like HTTP, ignores a range it cannot parse.
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function sendCreated(res: ServerResponse, props?: BlobProperties): void {
  res.statusCode = 201;
  setCommonHeaders(res, props);
  res.setHeader('x-ms-request-server-encrypted', 'true');
  res.setHeader('Content-Length', '0');
  res.end();
}

function setCommonHeaders(res: ServerResponse, props?: BlobProperties): void {
  res.setHeader('x-ms-request-id', randomUUID());
  res.setHeader('x-ms-version', API_VERSION);
  if (props) {
    res.setHeader('ETag', props.etag);
    res.setHeader('Last-Modified', props.lastModified.toUTCString());
  }
}

export function sendBlobError(res: ServerResponse, status: number, code: string, message: string): void {
  const body =
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error>`;
  res.statusCode = status;
  setCommonHeaders(res);
  res.setHeader('x-ms-error-code', code);
  res.setHeader('Content-Type', 'application/xml');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
