// Writes one reply to the socket: streamed from disk or memory, bandwidth-capped, and broken on
// purpose when a fault applies. Counts the body bytes really handed to the socket.
import { open, readFile } from 'node:fs/promises';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { FaultRule } from './fake-pypi-faults.js';

export type BodySource = { buffer: Buffer } | { file: string; start: number; end: number };

export interface Reply {
  status: number;
  headers: OutgoingHttpHeaders;
  /** Omitted for replies without a body (301, 304, 404 ...). */
  body?: BodySource;
}

export interface DeliveryOptions {
  head: boolean;
  fault: FaultRule | null;
  slowFaultMs: number;
  bytesPerSecond?: number;
  /** Aborted when the server stops, so no timer keeps jest alive. */
  signal: AbortSignal;
  /** Called with the status once headers go out and with each body chunk written. */
  onStatus(status: number): void;
  onBytes(bytes: number): void;
}

const CHUNK = 64 * 1024;

function bodyLength(body: BodySource): number {
  return 'buffer' in body ? body.buffer.length : body.end - body.start + 1;
}

/**
 * The body, chunk by chunk, each valid until the next is asked for: a file is read through one
 * reused buffer, as a fresh one each read (a read stream's way) costs more CPU to fault in than
 * the read itself.
 */
async function* chunks(body: BodySource, chunkSize: number): AsyncIterable<Buffer> {
  if ('buffer' in body) {
    for (let i = 0; i < body.buffer.length; i += chunkSize) yield body.buffer.subarray(i, i + chunkSize);
    return;
  }
  const fh = await open(body.file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, bodyLength(body)));
    for (let at = body.start; at <= body.end; ) {
      const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, body.end + 1 - at), at);
      if (bytesRead === 0) return; // the file is shorter than its reply says
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Resolves once the socket has taken `chunk` (its memory may be reused then). */
function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('client went away'));
    const done = (error?: Error | null) => {
      res.off('close', done);
      if (error || res.destroyed) reject(new Error('client went away'));
      else resolve();
    };
    res.on('close', done);
    res.write(chunk, done);
  });
}

/** Streams `limit` bytes of the body, throttled, flipping one byte when asked. */
async function pump(
  res: ServerResponse,
  body: BodySource,
  limit: number,
  corruptAt: number,
  opts: DeliveryOptions,
): Promise<void> {
  const bps = opts.bytesPerSecond;
  const chunkSize = bps ? Math.max(1024, Math.min(CHUNK, Math.floor(bps / 10))) : CHUNK;
  const started = Date.now();
  let sent = 0;
  for await (const piece of chunks(body, chunkSize)) {
    let chunk = piece.subarray(0, Math.max(0, limit - sent));
    if (corruptAt >= sent && corruptAt < sent + chunk.length) {
      chunk = Buffer.from(chunk);
      chunk[corruptAt - sent] ^= 0xff;
    }
    if (chunk.length > 0) {
      await write(res, chunk);
      opts.onBytes(chunk.length);
    }
    sent += chunk.length;
    if (sent >= limit) break;
    if (bps) {
      const wait = (sent / bps) * 1000 - (Date.now() - started);
      if (wait > 0) await sleep(wait, undefined, { signal: opts.signal });
    }
  }
}

/** One byte at a time with a pause between: a connection that is never idle and never done. */
async function trickle(res: ServerResponse, body: BodySource, pauseMs: number, opts: DeliveryOptions) {
  res.flushHeaders();
  for await (const piece of chunks(body, CHUNK)) {
    for (let i = 0; i < piece.length; i++) {
      if (res.destroyed) return;
      await write(res, piece.subarray(i, i + 1));
      opts.onBytes(1);
      await sleep(pauseMs, undefined, { signal: opts.signal });
    }
  }
  res.end();
}

/** Bodies that break the size or the encoding a file promised (issue 9, case 2). */
async function deliverOversized(
  res: ServerResponse,
  reply: Reply,
  body: BodySource,
  kind: 'endless-body' | 'gzip-encoded' | 'longer-than-stated',
  opts: DeliveryOptions,
): Promise<void> {
  const { 'content-length': _length, ...headers } = reply.headers;
  if (kind === 'gzip-encoded') {
    const raw =
      'buffer' in body ? body.buffer : (await readFile(body.file)).subarray(body.start, body.end + 1);
    const gzipped = gzipSync(raw);
    res.writeHead(reply.status, { ...headers, 'content-encoding': 'gzip', 'content-length': gzipped.length });
    opts.onStatus(reply.status);
    await pump(res, { buffer: gzipped }, gzipped.length, -1, opts);
    res.end();
    return;
  }
  res.writeHead(reply.status, headers);
  opts.onStatus(reply.status);
  const filler = Buffer.alloc(CHUNK, 0x5a);
  if (kind === 'longer-than-stated') {
    await pump(res, body, bodyLength(body), -1, opts);
    await write(res, filler);
    opts.onBytes(filler.length);
    res.end();
    return;
  }
  // Until the client hangs up or the server stops (write() rejects then).
  while (!opts.signal.aborted) {
    await write(res, filler);
    opts.onBytes(filler.length);
  }
}

export async function deliver(res: ServerResponse, reply: Reply, opts: DeliveryOptions): Promise<void> {
  res.on('error', () => {}); // a client hanging up mid-body is expected, not a test failure
  const kind = opts.fault?.fault;
  if (kind === 'status-503') {
    const text = Buffer.from('503 Service Unavailable (injected)\n');
    res.writeHead(503, { 'content-type': 'text/plain', 'content-length': text.length, 'retry-after': '1' });
    opts.onStatus(503);
    res.end(text);
    opts.onBytes(text.length);
    return;
  }
  if (kind === 'hang') {
    await sleep(2 ** 31 - 1, undefined, { signal: opts.signal });
    return;
  }
  if (
    (kind === 'endless-body' || kind === 'gzip-encoded' || kind === 'longer-than-stated') &&
    reply.body &&
    !opts.head
  ) {
    await deliverOversized(res, reply, reply.body, kind, opts);
    return;
  }
  const headers = { ...reply.headers };
  // Without `Connection: close` a keep-alive client would wait forever for the missing bytes.
  if (kind === 'truncated-body') headers.connection = 'close';
  res.writeHead(reply.status, headers);
  opts.onStatus(reply.status);
  const length = reply.body ? bodyLength(reply.body) : 0;
  if (kind === 'slow') {
    res.flushHeaders();
    await sleep(opts.fault?.delayMs ?? opts.slowFaultMs, undefined, { signal: opts.signal });
  }
  if (opts.head || !reply.body || length === 0) {
    if (kind === 'reset-mid-body') res.socket?.resetAndDestroy();
    else res.end();
    return;
  }
  if (kind === 'trickle') {
    await trickle(res, reply.body, opts.fault?.delayMs ?? 2000, opts);
    return;
  }
  const broken = kind === 'reset-mid-body' || kind === 'truncated-body';
  const limit = broken ? Math.floor(length / 2) : length;
  const corruptAt = kind === 'wrong-bytes' ? Math.floor(length / 2) : -1;
  await pump(res, reply.body, limit, corruptAt, opts);
  if (kind === 'reset-mid-body') {
    // Let the partial body reach the client before the RST, or the kernel may drop it unread.
    await sleep(25, undefined, { signal: opts.signal });
    res.socket?.resetAndDestroy();
  } else {
    res.end();
  }
}
