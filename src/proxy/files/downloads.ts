// Single-flight downloads that stream while hashing. The first request for a cold file starts
// one upstream GET written to tmp/ and hashed on the way; every client, the first one included,
// reads the temp file behind the writer (tailing), so fifty clients cost one download. The file
// is renamed into the store only when its size and sha256 match the index; until then readers
// are held one byte short of what was written, so a client whose download fails verification
// gets a cut-off response (an error) and never a complete body with bad bytes.
// A download that fails verification before any client streamed from it (small files are
// answered only once verified: file-responses.ts) starts over, so one bad answer from a CDN
// costs a retry, not a failed install.
// A store that cannot take the file (disk full) costs the store copy, not the answer: the bytes
// go on in memory (download-bytes.ts), are verified all the same, and reach the clients under
// way; the file is neither committed nor listed in the manifest, and is fetched again next time.
// Memory then holds only what the slowest reader has not read, within MAX_UNSTORED_BYTES: past
// that the upstream is held back (its socket is not read), so a file of any size passes and a
// slow client slows the download instead of growing the proxy. A client that comes after bytes
// were dropped gets a download of its own (`another`), verified the same way.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { pipeline, Readable, Transform } from 'node:stream';
import { FileTooLargeError, IntegrityError, NotFoundError } from '../errors.js';
import { Blake2b256 } from '../intercept/path-digest.js';
import type { ContentStore } from '../store/store.js';
import {
  contentEncoding,
  sleep,
  type UpstreamClient,
  UpstreamError,
  type UpstreamResponse,
} from '../upstream/upstream.js';
import { redactUrl, type Upstream } from '../upstream/upstream-config.js';
import { DownloadBytes, isStoreWriteError, MAX_UNSTORED_BYTES } from './download-bytes.js';

export interface DownloadTarget {
  /** Single-flight key: the expected sha256, or a name (or path digest) when there is none. */
  key: string;
  upstream: Upstream;
  url: string;
  expectedSha256?: string;
  /** The blake2b-256 a PyPI file URL names in its path (intercept/path-digest.ts). */
  expectedBlake2b256?: string;
  expectedSize?: number;
  /** Runs after the file is in the store, before readers see the end. */
  onCommitted?: (sha256: string) => Promise<void>;
}

/** verified: the sha256 checked out but the store could not take the file; bytes in memory. */
type DownloadState = 'starting' | 'streaming' | 'committed' | 'verified' | 'failed';

export class Download extends EventEmitter {
  state: DownloadState = 'starting';
  written = 0;
  /** Bytes the file will have, when the upstream or the index said so. */
  total?: number;
  /** Bytes past which the body is cut off: `total`, else --max-file-size. */
  limit = Number.POSITIVE_INFINITY;
  sha256?: string;
  error?: Error;
  /** Settles once the upstream answered 200 (readers may start) or failed. */
  readonly started: Promise<void>;
  /** Settles with the sha256 once the file is in the store. */
  readonly done: Promise<string>;
  /** Where the bytes are once committed: late readers open it there. */
  committedPath?: string;
  private bytes?: DownloadBytes;
  private committedHandle?: Promise<FileHandle>;
  private readers = 0;
  /** Whether the writer waits for a reader to make room in memory (roomForMore). */
  heldBack = false;
  /** Where each attached reader is: bytes in memory before all of them can go. */
  private readonly positions = new Map<TailReader, number>();
  /** Whether any client has read bytes of this download while it was under way. */
  private streamed = false;

  constructor(
    readonly target: DownloadTarget,
    private readonly run: (download: Download) => Promise<string>,
    /** A fresh download of the same file for one client, outside single flight. */
    readonly another: () => Download,
  ) {
    super();
    this.setMaxListeners(0);
    let markStarted: () => void = () => {};
    this.started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    this.once('started', markStarted);
    this.done = this.run(this);
    this.started = Promise.race([this.started, this.done.then(() => undefined)]);
    // Failures are observed by whoever awaits these; this keeps Node quiet otherwise.
    this.done.catch(() => {});
    this.started.catch(() => {});
  }

  setBytes(bytes: DownloadBytes): void {
    this.bytes = bytes;
  }

  /** Bytes of this download held in memory (the store gave its copy up). */
  get inMemory(): number {
    return this.bytes?.inMemory ?? 0;
  }

  /** Whether the bytes can be read to the end: the sha256 checked out, stored or not. */
  get complete(): boolean {
    return this.state === 'committed' || this.state === 'verified';
  }

  /** Waits for the next write, commit or failure. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.once('change', resolve));
  }

  /** How far readers may go: one byte short of the writer until the hash checked out. */
  readableLimit(): number {
    return this.complete ? this.written : Math.max(0, this.written - 1);
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    if (this.bytes) return this.bytes.readAt(position, length);
    if (!this.committedPath) throw new Error('download has no data any more');
    this.committedHandle ??= open(this.committedPath, 'r');
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await (await this.committedHandle).read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }

  /**
   * A reader of the bytes from `start`, attached at once so that nothing it needs is dropped;
   * undefined when some of them were dropped already (the store gave up and every earlier
   * reader was past them): that client needs `another()` download.
   */
  openReader(start = 0, end?: number): TailReader | undefined {
    if (this.bytes && !this.bytes.readableFrom(start)) return undefined;
    return new TailReader(this, start, end);
  }

  attach(reader: TailReader, position: number): void {
    this.readers++;
    this.streamed = true;
    this.positions.set(reader, position);
  }

  /** A reader moved on: memory behind every reader is freed, and a held-back writer goes on. */
  advance(reader: TailReader, position: number): void {
    this.positions.set(reader, position);
    this.dropRead();
  }

  async detach(reader: TailReader): Promise<void> {
    this.positions.delete(reader);
    this.dropRead();
    await this.release();
  }

  private dropRead(): void {
    if (this.bytes && this.positions.size > 0) this.bytes.dropBefore(Math.min(...this.positions.values()));
    this.emit('room');
  }

  /**
   * Resolves once the writer may append more: at once while the bytes in memory fit the window;
   * else when a reader freed some ('held-back' says the writer waits). With no reader attached nobody is going to read them: they
   * are dropped, and a client that comes later gets another() download.
   */
  async roomForMore(): Promise<void> {
    for (;;) {
      const bytes = this.bytes;
      if (!bytes || bytes.inMemory <= MAX_UNSTORED_BYTES) return;
      if (this.positions.size === 0) {
        bytes.dropBefore(bytes.length);
        return;
      }
      const room = new Promise((resolve) => this.once('room', resolve));
      this.heldBack = true;
      this.emit('held-back');
      await room;
      this.heldBack = false;
    }
  }

  /** Keeps the bytes readable for a client that waits for the end before reading (release()). */
  hold(): void {
    this.readers++;
  }

  /** A failed attempt may start over only when no client has seen its bytes. */
  get restartable(): boolean {
    return !this.streamed;
  }

  /**
   * Forgets a failed attempt's bytes before the next one. `total` stays: a client arriving
   * meanwhile must still see a small file as small and wait for the verified copy, or it would
   * stream the next attempt and keep any later one from starting over.
   */
  async restart(): Promise<void> {
    const bytes = this.bytes;
    this.bytes = undefined;
    this.state = 'starting';
    this.written = 0;
    await bytes?.close();
  }

  async release(): Promise<void> {
    this.readers--;
    await this.closeIfIdle();
  }

  async closeIfIdle(): Promise<void> {
    if (this.readers > 0 || (!this.complete && this.state !== 'failed')) return;
    const { bytes, committedHandle } = this;
    this.bytes = undefined;
    this.committedHandle = undefined;
    await bytes?.close();
    await (await committedHandle)?.close();
  }
}

/** Reads a download's bytes [start, end) as they arrive. */
export class TailReader extends Readable {
  private position: number;
  private attached = true;

  /** Through Download.openReader(), which checks that the bytes from `start` are still there. */
  constructor(
    private readonly download: Download,
    start: number,
    private readonly end?: number,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.position = start;
    download.attach(this, start);
  }

  override _read(size: number): void {
    this.pump(size).catch((error: unknown) => this.destroy(error as Error));
  }

  private async pump(size: number): Promise<void> {
    for (;;) {
      if (this.download.state === 'failed')
        throw this.download.error ?? new IntegrityError('download failed');
      const limit = Math.min(this.download.readableLimit(), this.end ?? Number.POSITIVE_INFINITY);
      if (this.position < limit) {
        const chunk = await this.download.readAt(
          this.position,
          Math.min(size, limit - this.position, 256 * 1024),
        );
        // Pushing an empty chunk would wait for ever for a _read() that never comes.
        if (chunk.length === 0) throw new IntegrityError(`download bytes missing at offset ${this.position}`);
        this.position += chunk.length;
        this.download.advance(this, this.position);
        this.push(chunk);
        return;
      }
      if (this.download.complete) {
        this.push(null);
        return;
      }
      await this.download.changed();
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.attached) {
      callback(error);
      return;
    }
    this.attached = false;
    this.download.detach(this).then(
      () => callback(error),
      () => callback(error),
    );
  }
}

export interface DownloadEvents {
  onUpstreamBytes?: (bytes: number) => void;
  onFetched?: (target: DownloadTarget) => void;
  /** A download failed verification and starts over. */
  onRestart?: (message: string) => void;
  /** The store could not take a verified file (disk full): served, not stored. */
  onStoreFailure?: (message: string) => void;
}

/** The bound on a file body the index gives no size for (--max-file-size). */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3;

/** Resumes of one download attempt at most, however much each one brought. */
const MAX_RESUMES = 16;

export class DownloadCoordinator {
  private readonly inFlight = new Map<string, Download>();
  /** Downloads of one late client each (Download.another). */
  private readonly ownDownloads = new Set<Download>();

  constructor(
    private readonly store: ContentStore,
    private readonly client: UpstreamClient,
    private readonly events: DownloadEvents = {},
    private readonly maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  ) {}

  /** The download under way for this target, or a new one. */
  get(target: DownloadTarget): Download {
    const existing = this.inFlight.get(target.key);
    if (existing) return existing;
    const download = new Download(
      target,
      (d) => this.fetchToStore(d),
      () => this.ownDownload(target),
    );
    this.inFlight.set(target.key, download);
    download.done
      .finally(() => {
        this.inFlight.delete(target.key);
        return download.closeIfIdle();
      })
      .catch(() => {});
    return download;
  }

  /** A download for one client only: the shared one dropped bytes that client still needs. */
  private ownDownload(target: DownloadTarget): Download {
    const download = new Download(
      target,
      (d) => this.fetchToStore(d),
      () => this.ownDownload(target),
    );
    this.ownDownloads.add(download);
    download.done
      .finally(() => {
        this.ownDownloads.delete(download);
        return download.closeIfIdle();
      })
      .catch(() => {});
    return download;
  }

  get activeCount(): number {
    return this.inFlight.size + this.ownDownloads.size;
  }

  /** Lets every download under way finish (or fail): used on shutdown. */
  async drain(): Promise<void> {
    await Promise.allSettled(
      [...this.inFlight.values(), ...this.ownDownloads].map((download) => download.done),
    );
  }

  private async fetchToStore(download: Download): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce(download);
      } catch (error: unknown) {
        // Upstream answered 200 and then failed (bad bytes, a body cut short too often): worth a
        // fresh download while no client has seen any byte. Failures before that (404, an
        // upstream that is down) were retried by the client already.
        const again =
          download.state === 'streaming' &&
          download.restartable &&
          attempt < this.client.retries &&
          // Another attempt would hit the same bound.
          !(error instanceof FileTooLargeError);
        if (!again) {
          const failure = typedFailure(
            error,
            redactUrl(download.target.url, download.target.upstream.indexUrl),
          );
          download.error = failure;
          download.state = 'failed';
          download.emit('change');
          throw failure;
        }
        this.events.onRestart?.(`${(error as Error).message}; downloading it again`);
        await download.restart();
        await sleep(this.client.backoffDelay(attempt));
      }
    }
  }

  /** One download attempt into a fresh temp file; the store only gets it verified. */
  private async fetchOnce(download: Download): Promise<string> {
    const { target } = download;
    const tempPath = this.store.tempPath();
    let bytes: DownloadBytes | undefined;
    try {
      const response = await this.client.request(target.url, {
        upstream: target.upstream,
        // Files are stored byte for byte; ask for no transfer coding at all.
        headers: { 'accept-encoding': 'identity' },
        decode: false,
      });
      if (response.status === 404 || response.status === 410) {
        response.body.destroy();
        throw new NotFoundError(`${redactUrl(target.url, target.upstream.indexUrl)} is gone upstream`);
      }
      if (response.status !== 200) {
        response.body.destroy();
        throw new UpstreamError(
          `${redactUrl(response.url, target.upstream.indexUrl)} answered ${response.status}`,
          false,
          response.status,
        );
      }
      refuseEncoded(response, target.url);
      download.total = this.announcedSize(target, response.contentLength);
      download.limit = download.total ?? this.maxFileBytes;
      bytes = await DownloadBytes.open(tempPath);
      download.setBytes(bytes);
      download.state = 'streaming';
      download.emit('started');
      this.events.onFetched?.(target);
      const sha256 = await this.copyHashing(download, response.body, bytes);
      download.sha256 = sha256;
      download.state = (await this.commit(download, bytes, sha256)) ? 'committed' : 'verified';
      download.emit('change');
      return sha256;
    } catch (error: unknown) {
      await bytes?.closeWriter();
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  /**
   * The size the file must have: the index's (PEP 691 `size`) when it gives one, else the
   * upstream's Content-Length; either one past what is allowed or contradicting the other is
   * refused before a byte is read. Undefined: only --max-file-size bounds the body.
   */
  private announcedSize(target: DownloadTarget, contentLength: number | undefined): number | undefined {
    const file = redactUrl(target.url, target.upstream.indexUrl);
    if (target.expectedSize !== undefined) {
      if (contentLength !== undefined && contentLength !== target.expectedSize) {
        throw new IntegrityError(
          `${file}: upstream announced ${contentLength} bytes, the index says ${target.expectedSize}`,
        );
      }
      return target.expectedSize;
    }
    if (contentLength !== undefined && contentLength > this.maxFileBytes) {
      throw new FileTooLargeError(
        `${file}: upstream announced ${contentLength} bytes, over --max-file-size (${this.maxFileBytes} bytes); refused`,
      );
    }
    return contentLength;
  }

  /**
   * Moves the verified temp file into the store when the file system took every byte; resolves
   * false when it could not (the bytes stay readable for the clients under way, from memory and
   * the unlinked temp file). Only a committed file reaches `onCommitted` and so the manifest.
   */
  private async commit(download: Download, bytes: DownloadBytes, sha256: string): Promise<boolean> {
    const { target } = download;
    if (await bytes.finishOnDisk()) {
      try {
        download.committedPath = await this.store.commitFile(bytes.tempPath, sha256);
      } catch (error: unknown) {
        if (!isStoreWriteError(error)) throw error;
        bytes.giveUpStore(error as Error);
      }
    }
    if (!download.committedPath) {
      await rm(bytes.tempPath, { force: true });
      this.events.onStoreFailure?.(
        `${redactUrl(target.url, target.upstream.indexUrl)}: the store could not take it (${bytes.storeFailure?.message}); served without storing it`,
      );
      return false;
    }
    try {
      await target.onCommitted?.(sha256);
    } catch (error: unknown) {
      // The file is in the store and verified; a name record that could not be written only
      // means it is fetched again next run.
      if (!isStoreWriteError(error)) throw error;
      this.events.onStoreFailure?.(
        `${redactUrl(target.url, target.upstream.indexUrl)}: ${(error as Error).message}`,
      );
    }
    return true;
  }

  /**
   * Copies the body to the temp file while hashing. A body cut short (reset, timeout, early
   * close) is resumed with a Range request from the bytes already written: safe because the
   * final sha256 covers the whole file, and readers are held back until it matched. Files
   * without an expected hash are never stitched together; they fail instead.
   */
  private async copyHashing(download: Download, firstBody: Readable, bytes: DownloadBytes): Promise<string> {
    const { target } = download;
    const hash = createHash('sha256');
    const blake2b = target.expectedBlake2b256 !== undefined ? await Blake2b256.create() : undefined;
    const hashes = {
      update: (chunk: Buffer) => {
        hash.update(chunk);
        blake2b?.update(chunk);
      },
    };
    let body = firstBody;
    // A cut that brought no new bytes counts against the retries; one after progress starts the
    // count over (the upstream is alive), within a cap so that a trickle cannot loop for ever.
    let stalled = 0;
    for (let resumes = 0; ; resumes++) {
      const before = download.written;
      try {
        await this.appendBody(download, body, bytes, hashes);
        break;
      } catch (error: unknown) {
        const resumable =
          !(error instanceof IntegrityError) &&
          (target.expectedSha256 !== undefined || target.expectedBlake2b256 !== undefined);
        stalled = download.written > before ? 0 : stalled + 1;
        if (!resumable || stalled > this.client.retries || resumes >= MAX_RESUMES) throw error;
        await sleep(this.client.backoffDelay(Math.max(0, stalled - 1)));
        body = await this.reopenAt(target, download.written);
      }
    }
    if (download.total !== undefined && download.written !== download.total) {
      throw new IntegrityError(
        `${redactUrl(target.url, target.upstream.indexUrl)}: got ${download.written} of ${download.total} bytes`,
      );
    }
    const sha256 = hash.digest('hex');
    if (target.expectedSha256 !== undefined && sha256 !== target.expectedSha256) {
      throw new IntegrityError(
        `${redactUrl(target.url, target.upstream.indexUrl)}: sha256 ${sha256} does not match the index`,
      );
    }
    const digest = blake2b?.hex();
    if (digest !== undefined && digest !== target.expectedBlake2b256) {
      throw new IntegrityError(
        `${redactUrl(target.url, target.upstream.indexUrl)}: blake2b-256 ${digest} does not match the URL's path`,
      );
    }
    return sha256;
  }

  private async appendBody(
    download: Download,
    body: Readable,
    bytes: DownloadBytes,
    hash: { update: (chunk: Buffer) => unknown },
  ): Promise<void> {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (download.written + chunk.length > download.limit) {
        body.destroy();
        // Past the announced size: a broken answer, worth a fresh download like bad bytes.
        throw download.total !== undefined
          ? new IntegrityError(
              `${redactUrl(download.target.url, download.target.upstream.indexUrl)}: more bytes than announced (${download.total}); cut off, not stored`,
            )
          : new FileTooLargeError(
              `${redactUrl(download.target.url, download.target.upstream.indexUrl)}: body larger than --max-file-size (${download.limit} bytes); cut off, not stored`,
            );
      }
      hash.update(chunk);
      try {
        await bytes.append(chunk);
      } catch (error: unknown) {
        body.destroy();
        throw error;
      }
      download.written += chunk.length;
      this.events.onUpstreamBytes?.(chunk.length);
      download.emit('change');
      // Not reading the body meanwhile holds the upstream back (TCP flow control).
      await download.roomForMore();
    }
  }

  /** The rest of the file from `offset`: a 206 as asked, or a 200 with the prefix skipped. */
  private async reopenAt(target: DownloadTarget, offset: number): Promise<Readable> {
    const response = await this.client.request(target.url, {
      upstream: target.upstream,
      headers: { 'accept-encoding': 'identity', range: `bytes=${offset}-` },
      decode: false,
    });
    refuseEncoded(response, target.url);
    const contentRange = String(response.headers['content-range'] ?? '');
    if (response.status === 206 && contentRange.startsWith(`bytes ${offset}-`)) return response.body;
    if (response.status === 200) {
      const rest = skipBytes(offset);
      pipeline(response.body, rest, () => {});
      return rest;
    }
    response.body.destroy();
    throw new UpstreamError(
      `${redactUrl(response.url, target.upstream.indexUrl)}: cannot resume (status ${response.status})`,
      true,
    );
  }
}

/**
 * A file's sha256 is over its bytes as sent: a body with a Content-Encoding (we asked for
 * identity) is neither decoded (a small gzip body can inflate to any size) nor stored as is.
 */
function refuseEncoded(response: UpstreamResponse, url: string): void {
  const encoding = contentEncoding(response.headers);
  if (encoding === 'identity') return;
  response.body.destroy();
  throw new UpstreamError(
    `${redactUrl(url)}: upstream sent the file with Content-Encoding ${encoding.slice(0, 40)} although identity was asked for; refused (a file is hashed and stored as sent)`,
    false,
  );
}

/** Errors as the routes map them: a socket's own error (`aborted`) is an upstream failure, a 502. */
function typedFailure(error: unknown, shownUrl: string): Error {
  if (error instanceof IntegrityError || error instanceof UpstreamError || error instanceof NotFoundError)
    return error;
  return new UpstreamError(`${shownUrl}: ${(error as Error).message}`, true);
}

function skipBytes(count: number): Transform {
  let toSkip = count;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (toSkip >= chunk.length) {
        toSkip -= chunk.length;
        return callback();
      }
      const rest = chunk.subarray(toSkip);
      toSkip = 0;
      callback(null, rest);
    },
  });
}
