#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  Blake2b256,
  BodyTooLargeError,
  CONTENT_TYPES,
  FileService,
  FileTooLargeError,
  IntegrityError,
  InterceptConfigError,
  NotFoundError,
  OriginMap,
  TunnelRefusedError,
  UpstreamClient,
  UpstreamDeadlineError,
  UpstreamError,
  contentEncoding,
  createProxyServer,
  openPlainTunnel,
  parseConnectTarget,
  readBody,
  readLockedHashesFile,
  refuseConnect,
  sleep
} from "./chunk-N65JQTLL.js";
import {
  ContentStore,
  DEFAULT_SHUTDOWN_GRACE_MS,
  ManifestRecorder,
  PORTS_IN_USE_EXIT_CODE,
  PortsInUseError,
  StoreDirError,
  formatBytes,
  formatPorts,
  isFileHostPattern,
  listenOnFirstFree,
  parsePorts,
  writeManifest
} from "./chunk-4NQIETS3.js";
import {
  OutboundProxy,
  OutboundProxyConfigError,
  UPSTREAMS_ENV,
  UpstreamConfigError,
  indexUrlSecrets,
  jobCaCertificates,
  maskSecrets,
  normalizeProjectName,
  parseUpstreams,
  redactIndexUrl,
  redactUrl
} from "./chunk-K6M7SHUM.js";
import {
  PageFormatError,
  parseHtmlPage,
  parseHtmlProjectList,
  parseJsonPage,
  parseJsonProjectList
} from "./chunk-HKO227F4.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/cli/proxy-command.ts
import { existsSync } from "node:fs";
import { readFile as readFile3, rename, writeFile } from "node:fs/promises";

// src/proxy/index.ts
import { join } from "node:path";

// src/proxy/files/downloads.ts
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { open as open2, rm } from "node:fs/promises";
import { pipeline, Readable, Transform } from "node:stream";

// src/proxy/files/download-bytes.ts
import { open, stat } from "node:fs/promises";
var MAX_UNSTORED_BYTES = 16 * 1024 * 1024;
var STORE_WRITE_ERRORS = /* @__PURE__ */ new Set(["ENOSPC", "EDQUOT", "EIO", "EFBIG", "EROFS"]);
function isStoreWriteError(error) {
  return STORE_WRITE_ERRORS.has(error?.code ?? "");
}
__name(isStoreWriteError, "isStoreWriteError");
var DownloadBytes = class _DownloadBytes {
  constructor(tempPath, writer, reader) {
    this.tempPath = tempPath;
    this.writer = writer;
    this.reader = reader;
  }
  tempPath;
  writer;
  reader;
  static {
    __name(this, "DownloadBytes");
  }
  /** Bytes the temp file holds, every one written in full, from offset 0. */
  onDisk = 0;
  /** Why the store copy was given up; from then on bytes go to `spill`. */
  storeFailure;
  /** Pieces in memory from offset `spillStart` on, in order; `firstPiece` skips dropped ones. */
  spill = [];
  firstPiece = 0;
  /** Bytes in memory, and bytes dropped from memory after every reader had them. */
  spillBytes = 0;
  droppedBytes = 0;
  /** Opens the temp file; a store that cannot even create it gives a memory-only download. */
  static async open(tempPath) {
    let writer;
    try {
      writer = await open(tempPath, "wx");
      const bytes = new _DownloadBytes(tempPath, writer, await open(tempPath, "r"));
      return bytes;
    } catch (error) {
      await writer?.close().catch(() => {
      });
      if (!isStoreWriteError(error)) throw error;
      const bytes = new _DownloadBytes(tempPath, void 0, void 0);
      bytes.storeFailure = error;
      return bytes;
    }
  }
  /** Every byte appended so far, on disk, in memory or dropped. */
  get length() {
    return this.onDisk + this.droppedBytes + this.spillBytes;
  }
  /** Bytes held in memory now. */
  get inMemory() {
    return this.spillBytes;
  }
  get stored() {
    return this.storeFailure === void 0;
  }
  /** Whether every byte from `position` on can still be read (none of them was dropped). */
  readableFrom(position) {
    return this.droppedBytes === 0 || position >= this.onDisk + this.droppedBytes;
  }
  async append(chunk) {
    let rest = chunk;
    if (!this.storeFailure) {
      const written = await this.writeFully(rest);
      if (written === rest.length) return;
      rest = rest.subarray(written);
    }
    this.spill.push({ start: this.length, bytes: rest });
    this.spillBytes += rest.length;
  }
  /**
   * Forgets the pieces of memory that end at or before `offset`: every reader is past them.
   * Whole pieces only (a piece is one network chunk), so nothing is copied.
   */
  dropBefore(offset) {
    for (; ; ) {
      const piece = this.spill[this.firstPiece];
      if (!piece || piece.start + piece.bytes.length > offset) break;
      this.spill[this.firstPiece] = void 0;
      this.firstPiece++;
      this.spillBytes -= piece.bytes.length;
      this.droppedBytes += piece.bytes.length;
    }
    if (this.firstPiece > 1024 && this.firstPiece * 2 > this.spill.length) {
      this.spill = this.spill.slice(this.firstPiece);
      this.firstPiece = 0;
    }
  }
  /** Writes until the file system took all of `chunk` or refused; resolves with what it took. */
  async writeFully(chunk) {
    let done = 0;
    try {
      while (done < chunk.length) {
        const { bytesWritten } = await this.writer.write(
          chunk,
          done,
          chunk.length - done,
          this.onDisk
        );
        if (bytesWritten <= 0) throw Object.assign(new Error("write took no bytes"), { code: "ENOSPC" });
        done += bytesWritten;
        this.onDisk += bytesWritten;
      }
    } catch (error) {
      if (!isStoreWriteError(error)) throw error;
      this.storeFailure = error;
    }
    return done;
  }
  /** Up to `length` bytes at `position`; empty when they were dropped or are not there yet. */
  async readAt(position, length) {
    if (position < this.onDisk) {
      if (!this.reader) throw new Error("download bytes are closed");
      const wanted = Math.min(length, this.onDisk - position);
      const buffer = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await this.reader.read(buffer, 0, wanted, position);
      return buffer.subarray(0, bytesRead);
    }
    return this.readSpill(position, length);
  }
  /** Binary search for the piece holding `position`: readers ask once per piece. */
  readSpill(position, length) {
    let low = this.firstPiece;
    let high = this.spill.length - 1;
    while (low <= high) {
      const middle = low + high >>> 1;
      const piece = this.spill[middle];
      if (position < piece.start) high = middle - 1;
      else if (position >= piece.start + piece.bytes.length) low = middle + 1;
      else {
        const offset = position - piece.start;
        return piece.bytes.subarray(offset, Math.min(piece.bytes.length, offset + length));
      }
    }
    return Buffer.alloc(0);
  }
  /**
   * Closes the temp file for writing and checks that it holds every byte on disk: true when it
   * may be committed. A close that fails (delayed allocation on a full disk) or a size that
   * differs gives the store copy up.
   */
  async finishOnDisk() {
    const writer = this.writer;
    this.writer = void 0;
    if (this.storeFailure) {
      await writer?.close().catch(() => {
      });
      return false;
    }
    try {
      await writer?.close();
      const { size } = await stat(this.tempPath);
      if (size !== this.onDisk) throw new Error(`temp file holds ${size} of ${this.onDisk} bytes`);
      return true;
    } catch (error) {
      this.giveUpStore(error);
      return false;
    }
  }
  /** The store copy cannot be committed after all (a failed rename): the bytes stay readable. */
  giveUpStore(reason) {
    this.storeFailure ??= reason;
  }
  async closeWriter() {
    const writer = this.writer;
    this.writer = void 0;
    await writer?.close().catch(() => {
    });
  }
  async close() {
    await this.closeWriter();
    const reader = this.reader;
    this.reader = void 0;
    this.spill = [];
    this.firstPiece = 0;
    this.spillBytes = 0;
    await reader?.close();
  }
};

// src/proxy/files/downloads.ts
var Download = class extends EventEmitter {
  constructor(target, run2, another) {
    super();
    this.target = target;
    this.run = run2;
    this.another = another;
    this.setMaxListeners(0);
    let markStarted = /* @__PURE__ */ __name(() => {
    }, "markStarted");
    this.started = new Promise((resolve) => {
      markStarted = resolve;
    });
    this.once("started", markStarted);
    this.done = this.run(this);
    this.started = Promise.race([this.started, this.done.then(() => void 0)]);
    this.done.catch(() => {
    });
    this.started.catch(() => {
    });
  }
  target;
  run;
  another;
  static {
    __name(this, "Download");
  }
  state = "starting";
  written = 0;
  /** Bytes the file will have, when the upstream or the index said so. */
  total;
  /** Bytes past which the body is cut off: `total`, else --max-file-size. */
  limit = Number.POSITIVE_INFINITY;
  sha256;
  error;
  /** Settles once the upstream answered 200 (readers may start) or failed. */
  started;
  /** Settles with the sha256 once the file is in the store. */
  done;
  /** Where the bytes are once committed: late readers open it there. */
  committedPath;
  bytes;
  committedHandle;
  readers = 0;
  /** Whether the writer waits for a reader to make room in memory (roomForMore). */
  heldBack = false;
  /** Where each attached reader is: bytes in memory before all of them can go. */
  positions = /* @__PURE__ */ new Map();
  /** Whether any client has read bytes of this download while it was under way. */
  streamed = false;
  setBytes(bytes) {
    this.bytes = bytes;
  }
  /** Bytes of this download held in memory (the store gave its copy up). */
  get inMemory() {
    return this.bytes?.inMemory ?? 0;
  }
  /** Whether the bytes can be read to the end: the sha256 checked out, stored or not. */
  get complete() {
    return this.state === "committed" || this.state === "verified";
  }
  /** Waits for the next write, commit or failure. */
  changed() {
    return new Promise((resolve) => this.once("change", resolve));
  }
  /** How far readers may go: one byte short of the writer until the hash checked out. */
  readableLimit() {
    return this.complete ? this.written : Math.max(0, this.written - 1);
  }
  async readAt(position, length) {
    if (this.bytes) return this.bytes.readAt(position, length);
    if (!this.committedPath) throw new Error("download has no data any more");
    this.committedHandle ??= open2(this.committedPath, "r");
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await (await this.committedHandle).read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }
  /**
   * A reader of the bytes from `start`, attached at once so that nothing it needs is dropped;
   * undefined when some of them were dropped already (the store gave up and every earlier
   * reader was past them): that client needs `another()` download.
   */
  openReader(start = 0, end) {
    if (this.bytes && !this.bytes.readableFrom(start)) return void 0;
    return new TailReader(this, start, end);
  }
  attach(reader, position) {
    this.readers++;
    this.streamed = true;
    this.positions.set(reader, position);
  }
  /** A reader moved on: memory behind every reader is freed, and a held-back writer goes on. */
  advance(reader, position) {
    this.positions.set(reader, position);
    this.dropRead();
  }
  async detach(reader) {
    this.positions.delete(reader);
    this.dropRead();
    await this.release();
  }
  dropRead() {
    if (this.bytes && this.positions.size > 0) this.bytes.dropBefore(Math.min(...this.positions.values()));
    this.emit("room");
  }
  /**
   * Resolves once the writer may append more: at once while the bytes in memory fit the window;
   * else when a reader freed some ('held-back' says the writer waits). With no reader attached nobody is going to read them: they
   * are dropped, and a client that comes later gets another() download.
   */
  async roomForMore() {
    for (; ; ) {
      const bytes = this.bytes;
      if (!bytes || bytes.inMemory <= MAX_UNSTORED_BYTES) return;
      if (this.positions.size === 0) {
        bytes.dropBefore(bytes.length);
        return;
      }
      const room = new Promise((resolve) => this.once("room", resolve));
      this.heldBack = true;
      this.emit("held-back");
      await room;
      this.heldBack = false;
    }
  }
  /** Keeps the bytes readable for a client that waits for the end before reading (release()). */
  hold() {
    this.readers++;
  }
  /** A failed attempt may start over only when no client has seen its bytes. */
  get restartable() {
    return !this.streamed;
  }
  /**
   * Forgets a failed attempt's bytes before the next one. `total` stays: a client arriving
   * meanwhile must still see a small file as small and wait for the verified copy, or it would
   * stream the next attempt and keep any later one from starting over.
   */
  async restart() {
    const bytes = this.bytes;
    this.bytes = void 0;
    this.state = "starting";
    this.written = 0;
    await bytes?.close();
  }
  async release() {
    this.readers--;
    await this.closeIfIdle();
  }
  async closeIfIdle() {
    if (this.readers > 0 || !this.complete && this.state !== "failed") return;
    const { bytes, committedHandle } = this;
    this.bytes = void 0;
    this.committedHandle = void 0;
    await bytes?.close();
    await (await committedHandle)?.close();
  }
};
var TailReader = class extends Readable {
  /** Through Download.openReader(), which checks that the bytes from `start` are still there. */
  constructor(download, start, end) {
    super({ highWaterMark: 256 * 1024 });
    this.download = download;
    this.end = end;
    this.position = start;
    download.attach(this, start);
  }
  download;
  end;
  static {
    __name(this, "TailReader");
  }
  position;
  attached = true;
  _read(size) {
    this.pump(size).catch((error) => this.destroy(error));
  }
  async pump(size) {
    for (; ; ) {
      if (this.download.state === "failed")
        throw this.download.error ?? new IntegrityError("download failed");
      const limit = Math.min(this.download.readableLimit(), this.end ?? Number.POSITIVE_INFINITY);
      if (this.position < limit) {
        const chunk = await this.download.readAt(
          this.position,
          Math.min(size, limit - this.position, 256 * 1024)
        );
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
  _destroy(error, callback) {
    if (!this.attached) {
      callback(error);
      return;
    }
    this.attached = false;
    this.download.detach(this).then(
      () => callback(error),
      () => callback(error)
    );
  }
};
var DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3;
var MAX_RESUMES = 16;
var DownloadCoordinator = class {
  constructor(store, client, events = {}, maxFileBytes = DEFAULT_MAX_FILE_BYTES) {
    this.store = store;
    this.client = client;
    this.events = events;
    this.maxFileBytes = maxFileBytes;
  }
  store;
  client;
  events;
  maxFileBytes;
  static {
    __name(this, "DownloadCoordinator");
  }
  inFlight = /* @__PURE__ */ new Map();
  /** Downloads of one late client each (Download.another). */
  ownDownloads = /* @__PURE__ */ new Set();
  /** The download under way for this target, or a new one. */
  get(target) {
    const existing = this.inFlight.get(target.key);
    if (existing) return existing;
    const download = new Download(
      target,
      (d) => this.fetchToStore(d),
      () => this.ownDownload(target)
    );
    this.inFlight.set(target.key, download);
    download.done.finally(() => {
      this.inFlight.delete(target.key);
      return download.closeIfIdle();
    }).catch(() => {
    });
    return download;
  }
  /** A download for one client only: the shared one dropped bytes that client still needs. */
  ownDownload(target) {
    const download = new Download(
      target,
      (d) => this.fetchToStore(d),
      () => this.ownDownload(target)
    );
    this.ownDownloads.add(download);
    download.done.finally(() => {
      this.ownDownloads.delete(download);
      return download.closeIfIdle();
    }).catch(() => {
    });
    return download;
  }
  get activeCount() {
    return this.inFlight.size + this.ownDownloads.size;
  }
  /** Lets every download under way finish (or fail): used on shutdown. */
  async drain() {
    await Promise.allSettled(
      [...this.inFlight.values(), ...this.ownDownloads].map((download) => download.done)
    );
  }
  async fetchToStore(download) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce(download);
      } catch (error) {
        const again = download.state === "streaming" && download.restartable && attempt < this.client.retries && // Another attempt would hit the same bound.
        !(error instanceof FileTooLargeError);
        if (!again) {
          const failure = typedFailure(
            error,
            redactUrl(download.target.url, download.target.upstream.indexUrl)
          );
          download.error = failure;
          download.state = "failed";
          download.emit("change");
          throw failure;
        }
        this.events.onRestart?.(`${error.message}; downloading it again`);
        await download.restart();
        await sleep(this.client.backoffDelay(attempt));
      }
    }
  }
  /** One download attempt into a fresh temp file; the store only gets it verified. */
  async fetchOnce(download) {
    const { target } = download;
    const tempPath = this.store.tempPath();
    let bytes;
    try {
      const response = await this.client.request(target.url, {
        upstream: target.upstream,
        // Files are stored byte for byte; ask for no transfer coding at all.
        headers: { "accept-encoding": "identity" },
        decode: false
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
          response.status
        );
      }
      refuseEncoded(response, target.url);
      download.total = this.announcedSize(target, response.contentLength);
      download.limit = download.total ?? this.maxFileBytes;
      bytes = await DownloadBytes.open(tempPath);
      download.setBytes(bytes);
      download.state = "streaming";
      download.emit("started");
      this.events.onFetched?.(target);
      const sha256 = await this.copyHashing(download, response.body, bytes);
      download.sha256 = sha256;
      download.state = await this.commit(download, bytes, sha256) ? "committed" : "verified";
      download.emit("change");
      return sha256;
    } catch (error) {
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
  announcedSize(target, contentLength) {
    const file = redactUrl(target.url, target.upstream.indexUrl);
    if (target.expectedSize !== void 0) {
      if (contentLength !== void 0 && contentLength !== target.expectedSize) {
        throw new IntegrityError(
          `${file}: upstream announced ${contentLength} bytes, the index says ${target.expectedSize}`
        );
      }
      return target.expectedSize;
    }
    if (contentLength !== void 0 && contentLength > this.maxFileBytes) {
      throw new FileTooLargeError(
        `${file}: upstream announced ${contentLength} bytes, over --max-file-size (${this.maxFileBytes} bytes); refused`
      );
    }
    return contentLength;
  }
  /**
   * Moves the verified temp file into the store when the file system took every byte; resolves
   * false when it could not (the bytes stay readable for the clients under way, from memory and
   * the unlinked temp file). Only a committed file reaches `onCommitted` and so the manifest.
   */
  async commit(download, bytes, sha256) {
    const { target } = download;
    if (await bytes.finishOnDisk()) {
      try {
        download.committedPath = await this.store.commitFile(bytes.tempPath, sha256);
      } catch (error) {
        if (!isStoreWriteError(error)) throw error;
        bytes.giveUpStore(error);
      }
    }
    if (!download.committedPath) {
      await rm(bytes.tempPath, { force: true });
      this.events.onStoreFailure?.(
        `${redactUrl(target.url, target.upstream.indexUrl)}: the store could not take it (${bytes.storeFailure?.message}); served without storing it`
      );
      return false;
    }
    try {
      await target.onCommitted?.(sha256);
    } catch (error) {
      if (!isStoreWriteError(error)) throw error;
      this.events.onStoreFailure?.(
        `${redactUrl(target.url, target.upstream.indexUrl)}: ${error.message}`
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
  async copyHashing(download, firstBody, bytes) {
    const { target } = download;
    const hash = createHash("sha256");
    const blake2b = target.expectedBlake2b256 !== void 0 ? await Blake2b256.create() : void 0;
    const hashes = {
      update: /* @__PURE__ */ __name((chunk) => {
        hash.update(chunk);
        blake2b?.update(chunk);
      }, "update")
    };
    let body = firstBody;
    let stalled = 0;
    for (let resumes = 0; ; resumes++) {
      const before = download.written;
      try {
        await this.appendBody(download, body, bytes, hashes);
        break;
      } catch (error) {
        const resumable = !(error instanceof IntegrityError) && (target.expectedSha256 !== void 0 || target.expectedBlake2b256 !== void 0);
        stalled = download.written > before ? 0 : stalled + 1;
        if (!resumable || stalled > this.client.retries || resumes >= MAX_RESUMES) throw error;
        await sleep(this.client.backoffDelay(Math.max(0, stalled - 1)));
        body = await this.reopenAt(target, download.written);
      }
    }
    if (download.total !== void 0 && download.written !== download.total) {
      throw new IntegrityError(
        `${redactUrl(target.url, target.upstream.indexUrl)}: got ${download.written} of ${download.total} bytes`
      );
    }
    const sha256 = hash.digest("hex");
    if (target.expectedSha256 !== void 0 && sha256 !== target.expectedSha256) {
      throw new IntegrityError(
        `${redactUrl(target.url, target.upstream.indexUrl)}: sha256 ${sha256} does not match the index`
      );
    }
    const digest = blake2b?.hex();
    if (digest !== void 0 && digest !== target.expectedBlake2b256) {
      throw new IntegrityError(
        `${redactUrl(target.url, target.upstream.indexUrl)}: blake2b-256 ${digest} does not match the URL's path`
      );
    }
    return sha256;
  }
  async appendBody(download, body, bytes, hash) {
    for await (const chunk of body) {
      if (download.written + chunk.length > download.limit) {
        body.destroy();
        throw download.total !== void 0 ? new IntegrityError(
          `${redactUrl(download.target.url, download.target.upstream.indexUrl)}: more bytes than announced (${download.total}); cut off, not stored`
        ) : new FileTooLargeError(
          `${redactUrl(download.target.url, download.target.upstream.indexUrl)}: body larger than --max-file-size (${download.limit} bytes); cut off, not stored`
        );
      }
      hash.update(chunk);
      try {
        await bytes.append(chunk);
      } catch (error) {
        body.destroy();
        throw error;
      }
      download.written += chunk.length;
      this.events.onUpstreamBytes?.(chunk.length);
      download.emit("change");
      await download.roomForMore();
    }
  }
  /** The rest of the file from `offset`: a 206 as asked, or a 200 with the prefix skipped. */
  async reopenAt(target, offset) {
    const response = await this.client.request(target.url, {
      upstream: target.upstream,
      headers: { "accept-encoding": "identity", range: `bytes=${offset}-` },
      decode: false
    });
    refuseEncoded(response, target.url);
    const contentRange = String(response.headers["content-range"] ?? "");
    if (response.status === 206 && contentRange.startsWith(`bytes ${offset}-`)) return response.body;
    if (response.status === 200) {
      const rest = skipBytes(offset);
      pipeline(response.body, rest, () => {
      });
      return rest;
    }
    response.body.destroy();
    throw new UpstreamError(
      `${redactUrl(response.url, target.upstream.indexUrl)}: cannot resume (status ${response.status})`,
      true
    );
  }
};
function refuseEncoded(response, url) {
  const encoding = contentEncoding(response.headers);
  if (encoding === "identity") return;
  response.body.destroy();
  throw new UpstreamError(
    `${redactUrl(url)}: upstream sent the file with Content-Encoding ${encoding.slice(0, 40)} although identity was asked for; refused (a file is hashed and stored as sent)`,
    false
  );
}
__name(refuseEncoded, "refuseEncoded");
function typedFailure(error, shownUrl) {
  if (error instanceof IntegrityError || error instanceof UpstreamError || error instanceof NotFoundError)
    return error;
  return new UpstreamError(`${shownUrl}: ${error.message}`, true);
}
__name(typedFailure, "typedFailure");
function skipBytes(count) {
  let toSkip = count;
  return new Transform({
    transform(chunk, _encoding, callback) {
      if (toSkip >= chunk.length) {
        toSkip -= chunk.length;
        return callback();
      }
      const rest = chunk.subarray(toSkip);
      toSkip = 0;
      callback(null, rest);
    }
  });
}
__name(skipBytes, "skipBytes");

// src/proxy/pages/byte-budget-cache.ts
var ByteBudgetCache = class {
  constructor(budgetBytes) {
    this.budgetBytes = budgetBytes;
  }
  budgetBytes;
  static {
    __name(this, "ByteBudgetCache");
  }
  entries = /* @__PURE__ */ new Map();
  held = 0;
  /** Bytes the values held now; at most the budget, except a single value larger than it. */
  get heldBytes() {
    return this.held;
  }
  get(key) {
    const entry = this.entries.get(key);
    if (!entry) return void 0;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }
  /** Stores `value`; a value over the whole budget is not kept at all. */
  set(key, value, bytes) {
    this.delete(key);
    if (bytes > this.budgetBytes) return;
    this.entries.set(key, { value, bytes });
    this.held += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
  }
  /** Corrects the size of a value that grew after it was stored (a gzip added later). */
  resize(key, bytes) {
    const entry = this.entries.get(key);
    if (entry) this.set(key, entry.value, bytes);
  }
  delete(key) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.bytes;
  }
};

// src/proxy/files/stored-file-memory.ts
var DEFAULT_FILE_MEMORY_BYTES = 32 * 1024 * 1024;
var SMALL_FILE_MAX_BYTES = 1024 * 1024;
var ENTRY_BYTES = 256;
var StoredFileMemory = class {
  static {
    __name(this, "StoredFileMemory");
  }
  files;
  routes;
  constructor(budgetBytes = DEFAULT_FILE_MEMORY_BYTES) {
    this.routes = new ByteBudgetCache(Math.floor(budgetBytes / 16));
    this.files = new ByteBudgetCache(budgetBytes - this.routes.budgetBytes);
  }
  get heldBytes() {
    return this.files.heldBytes + this.routes.heldBytes;
  }
  get budgetBytes() {
    return this.files.budgetBytes + this.routes.budgetBytes;
  }
  file(sha256) {
    return this.files.get(sha256);
  }
  /** Keeps a file's size, and its bytes when given (a small file). */
  rememberFile(sha256, known) {
    this.files.set(sha256, known, ENTRY_BYTES + (known.bytes?.length ?? 0));
  }
  /** The stored file's sha256 for a route key (the request path) seen before. */
  route(key) {
    return this.routes.get(key);
  }
  rememberRoute(key, sha256) {
    this.routes.set(key, sha256, ENTRY_BYTES + 2 * key.length);
  }
};

// src/proxy/files/stored-files.ts
import { readFile } from "node:fs/promises";
var StoredFiles = class {
  constructor(store, manifest, memory) {
    this.store = store;
    this.manifest = manifest;
    this.memory = memory;
  }
  store;
  manifest;
  memory;
  static {
    __name(this, "StoredFiles");
  }
  /** The stored file with this sha256, recorded in the manifest as used; undefined when absent. */
  async find(sha256) {
    const path = this.store.filePath(sha256);
    let known = this.memory.file(sha256);
    if (!known) {
      const size = await this.store.fileSize(sha256);
      if (size === void 0) return void 0;
      known = { size, bytes: size <= SMALL_FILE_MAX_BYTES ? await readFile(path) : void 0 };
      if (known.bytes && known.bytes.length !== size) known = { size };
      this.memory.rememberFile(sha256, known);
    }
    this.manifest.file(sha256);
    return { kind: "stored", sha256, path, size: known.size, bytes: known.bytes };
  }
};

// src/proxy/http/access-log.ts
import { closeSync, openSync, writeSync } from "node:fs";
var FLUSH_EVERY_MS = 1e3;
var FLUSH_PAST_BYTES = 64 * 1024;
var ProxyLog = class {
  constructor(path, onWarning = () => {
  }, secrets = []) {
    this.path = path;
    this.onWarning = onWarning;
    this.secrets = secrets;
    if (!path) return;
    this.fd = openSync(path, "a");
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS).unref();
    process.once("exit", this.flushOnExit);
  }
  path;
  onWarning;
  secrets;
  static {
    __name(this, "ProxyLog");
  }
  fd;
  pending = [];
  pendingBytes = 0;
  timer;
  flushOnExit = /* @__PURE__ */ __name(() => this.flush(), "flushOnExit");
  access(entry) {
    this.write({ time: (/* @__PURE__ */ new Date()).toISOString(), ...entry });
  }
  warn(message) {
    this.onWarning(this.mask(message));
    this.write({ time: (/* @__PURE__ */ new Date()).toISOString(), level: "warn", message });
    this.flush();
  }
  /** `text` with every upstream secret replaced by `***`: for anything that leaves the process. */
  mask(text) {
    return this.secrets.length === 0 ? text : maskSecrets(text, this.secrets);
  }
  write(record) {
    if (this.fd === void 0) return;
    const line = `${this.mask(JSON.stringify(record))}
`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_PAST_BYTES) this.flush();
  }
  /** Writes the lines kept so far. */
  flush() {
    if (this.fd === void 0 || this.pending.length === 0) return;
    const batch = this.pending.join("");
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, batch);
    } catch (error) {
      this.stop();
      this.onWarning(`access log ${this.path} disabled: ${error.message}`);
    }
  }
  stop() {
    clearInterval(this.timer);
    process.off("exit", this.flushOnExit);
    if (this.fd !== void 0) closeSync(this.fd);
    this.fd = void 0;
  }
  close() {
    this.flush();
    this.stop();
    return Promise.resolve();
  }
};

// src/proxy/pages/page-parser-thread.ts
import { Worker } from "node:worker_threads";
var OFF_THREAD_MIN_BYTES = 1024 * 1024;
var WorkerUnavailableError = class extends Error {
  static {
    __name(this, "WorkerUnavailableError");
  }
};
var HtmlPageParser = class {
  /** `script`: the worker's module (dist/page-parser.js); undefined parses on the main thread. */
  constructor(script) {
    this.script = script;
  }
  script;
  static {
    __name(this, "HtmlPageParser");
  }
  running;
  waiting = /* @__PURE__ */ new Map();
  nextId = 0;
  /** Pages the worker parsed so far. */
  done = 0;
  /** Set once the worker could not start: the main thread parses from then on. */
  unavailable;
  async projectPage(body, url, name) {
    const here = /* @__PURE__ */ __name(() => parseHtmlPage(body.whole().toString("utf8"), url, name), "here");
    if (!this.offThread(body)) return here();
    return await this.inWorker({ kind: "page", url, name }, body, here);
  }
  async projectList(body) {
    const here = /* @__PURE__ */ __name(() => parseHtmlProjectList(body.whole().toString("utf8")), "here");
    if (!this.offThread(body)) return here();
    return await this.inWorker({ kind: "list", url: "", name: "" }, body, here);
  }
  /** Pages the worker is parsing now, or has yet to. */
  get inProgress() {
    return this.waiting.size;
  }
  /** Stops the worker; pages still being parsed fail. */
  async close() {
    const worker = this.running?.worker;
    this.running = void 0;
    await worker?.terminate();
  }
  offThread(body) {
    return this.script !== void 0 && this.unavailable === void 0 && body.length >= OFF_THREAD_MIN_BYTES;
  }
  async inWorker(request, body, here) {
    const running = this.started();
    const { worker } = running;
    try {
      await running.online;
      if (this.running !== running) throw new Error("the page parser thread exited before the page was sent");
      const id = this.nextId++;
      const answer = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      const segments = body.handOver();
      worker.postMessage(
        { ...request, id, body: segments },
        segments.map((segment) => segment.buffer)
      );
      return await answer;
    } catch (error) {
      if (error instanceof WorkerUnavailableError) return here();
      throw error;
    }
  }
  started() {
    if (this.running) return this.running;
    const worker = new Worker(this.script);
    worker.unref();
    let online = false;
    let up = /* @__PURE__ */ __name(() => {
    }, "up");
    let neverUp = /* @__PURE__ */ __name(() => {
    }, "neverUp");
    const onlinePromise = new Promise((resolve, reject) => {
      up = resolve;
      neverUp = reject;
    });
    onlinePromise.catch(() => {
    });
    worker.on("message", (answer) => {
      if ("ready" in answer) {
        online = true;
        up();
        return;
      }
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if ("error" in answer) waiting?.reject(new Error(answer.error));
      else {
        this.done++;
        waiting?.resolve(answer.value);
      }
    });
    const lost = /* @__PURE__ */ __name((reason) => {
      if (this.running?.worker === worker) this.running = void 0;
      const error = online ? new Error(`the page parser thread ${reason}`) : new WorkerUnavailableError(`the page parser thread could not start: ${reason}`);
      if (!online) this.unavailable = error;
      neverUp(error);
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    }, "lost");
    worker.on("error", (error) => lost(`failed: ${error.message}`));
    worker.on("exit", (code) => lost(`exited (code ${code})`));
    this.running = { worker, online: onlinePromise };
    return this.running;
  }
};

// src/proxy/pages/page-responses.ts
import { createHash as createHash2 } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
var gzipAsync = promisify(gzip);
var GZIP_MIN_BYTES = 200;
var DEFAULT_RENDER_BUDGET_BYTES = 64 * 1024 * 1024;
function acceptsGzip(header) {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith("q="));
    return (coding === "gzip" || coding === "x-gzip") && (q === void 0 || Number(q.slice(2)) > 0);
  });
}
__name(acceptsGzip, "acceptsGzip");
var PageRenderer = class {
  static {
    __name(this, "PageRenderer");
  }
  rendered;
  constructor(budgetBytes = DEFAULT_RENDER_BUDGET_BYTES) {
    this.rendered = new ByteBudgetCache(budgetBytes);
  }
  /** Bytes the kept renderings hold (a stat: stays under the budget). */
  get heldBytes() {
    return this.rendered.heldBytes;
  }
  /** The rendered bytes of `model` (the page at `key`) in `format`, produced on first use. */
  get(key, format, model, produce) {
    const cacheKey = `${format}:${key}`;
    let rendered = this.rendered.get(cacheKey);
    if (rendered?.model !== model) {
      const body = Buffer.from(produce());
      const digest = createHash2("sha256").update(body).digest("base64url").slice(0, 32);
      rendered = { key: cacheKey, model, body, etag: `"${digest}-${format}"` };
      this.rendered.set(cacheKey, rendered, body.length);
    }
    return rendered;
  }
  async send(req, res, rendered, format) {
    const useGzip = rendered.body.length >= GZIP_MIN_BYTES && acceptsGzip(req.headers["accept-encoding"]);
    const etag = useGzip ? `${rendered.etag.slice(0, -1)}-gzip"` : rendered.etag;
    const headers = {
      "content-type": CONTENT_TYPES[format],
      vary: "Accept, Accept-Encoding",
      etag,
      // As PyPI: clients may reuse a page for ten minutes; pip revalidates anyway.
      "cache-control": "max-age=600, public"
    };
    const ifNoneMatch = req.headers["if-none-match"];
    if (ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
      res.writeHead(304, headers).end();
      return;
    }
    let body = rendered.body;
    if (useGzip) {
      rendered.gzipped ??= gzipAsync(rendered.body);
      body = await rendered.gzipped;
      this.rendered.resize(rendered.key, rendered.body.length + body.length);
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? void 0 : body);
  }
};

// src/proxy/upstream/upstream-health.ts
var UpstreamHealth = class {
  static {
    __name(this, "UpstreamHealth");
  }
  failuresInRow = /* @__PURE__ */ new Map();
  openUntil = /* @__PURE__ */ new Map();
  threshold;
  openMs;
  now;
  constructor(options = {}) {
    this.threshold = options.threshold ?? 2;
    this.openMs = options.openMs ?? 3e4;
    this.now = options.now ?? Date.now;
  }
  /** Whether stored pages of this upstream should be served without asking it. */
  isDown(upstream) {
    return (this.openUntil.get(upstream) ?? 0) > this.now();
  }
  succeeded(upstream) {
    this.failuresInRow.delete(upstream);
    this.openUntil.delete(upstream);
  }
  /** Records a fetch that ran past its deadline: open at once; true when this opened it. */
  tooSlow(upstream) {
    this.failuresInRow.set(upstream, Math.max(this.threshold, (this.failuresInRow.get(upstream) ?? 0) + 1));
    const wasDown = this.isDown(upstream);
    this.openUntil.set(upstream, this.now() + this.openMs);
    return !wasDown;
  }
  /** Records a failed fetch; true when this failure opened the breaker. */
  failed(upstream) {
    const failures = (this.failuresInRow.get(upstream) ?? 0) + 1;
    this.failuresInRow.set(upstream, failures);
    if (failures < this.threshold) return false;
    const wasDown = this.isDown(upstream);
    this.openUntil.set(upstream, this.now() + this.openMs);
    return !wasDown;
  }
};

// src/proxy/pages/model-size.ts
var OBJECT_BYTES = 64;
function stringBytes(value) {
  return value === void 0 ? 0 : 16 + 2 * value.length;
}
__name(stringBytes, "stringBytes");
function recordBytes(record) {
  let bytes = OBJECT_BYTES;
  for (const key in record) {
    const value = record[key];
    bytes += stringBytes(key) + (typeof value === "string" ? stringBytes(value) : 2 * JSON.stringify(value ?? null).length);
  }
  return bytes;
}
__name(recordBytes, "recordBytes");
function fileBytes(file) {
  return OBJECT_BYTES * 2 + stringBytes(file.filename) + stringBytes(file.url) + stringBytes(file.requiresPython) + stringBytes(file.uploadTime) + stringBytes(typeof file.yanked === "string" ? file.yanked : void 0) + recordBytes(file.hashes) + (typeof file.coreMetadata === "object" ? recordBytes(file.coreMetadata) : 0) + recordBytes(file.extra);
}
__name(fileBytes, "fileBytes");
function estimatedPageBytes(page) {
  let bytes = OBJECT_BYTES + stringBytes(page.name) + recordBytes(page.meta) + recordBytes(page.extra);
  for (const file of page.files) bytes += fileBytes(file);
  for (const version of page.versions ?? []) bytes += stringBytes(version);
  return bytes;
}
__name(estimatedPageBytes, "estimatedPageBytes");
function estimatedListBytes(list) {
  let bytes = OBJECT_BYTES + recordBytes(list.meta);
  for (const project of list.projects) bytes += 8 + stringBytes(project);
  return bytes;
}
__name(estimatedListBytes, "estimatedListBytes");

// src/proxy/pages/pins.ts
import { readFile as readFile2 } from "node:fs/promises";
async function readPinsFile(path) {
  const parsed = JSON.parse(await readFile2(path, "utf8"));
  const pins = /* @__PURE__ */ new Map();
  for (const [project, versions] of Object.entries(parsed.projects ?? {})) {
    if (!Array.isArray(versions)) continue;
    pins.set(
      normalizeProjectName(project),
      versions.filter((v) => typeof v === "string")
    );
  }
  return pins;
}
__name(readPinsFile, "readPinsFile");
function pageHasPinnedVersions(page, pinned) {
  if (!pinned || pinned.length === 0) return false;
  const offered = new Set(page.files.map((file) => fileVersion(file.filename)).filter(Boolean));
  return pinned.every((version) => offered.has(normalizeVersion(version)));
}
__name(pageHasPinnedVersions, "pageHasPinnedVersions");
function fileVersion(filename) {
  if (filename.endsWith(".whl")) {
    const parts = filename.slice(0, -4).split("-");
    return parts.length >= 5 ? normalizeVersion(parts[1] ?? "") : void 0;
  }
  const sdist = /^(.+)-([^-]+)\.(tar\.gz|zip|tar\.bz2|tar\.xz|tgz|tar)$/i.exec(filename);
  return sdist ? normalizeVersion(sdist[2] ?? "") : void 0;
}
__name(fileVersion, "fileVersion");
function normalizeVersion(version) {
  const lower = version.trim().toLowerCase().replace(/^v/, "");
  const match = /^(\d+(?:\.\d+)*)(.*)$/.exec(lower);
  if (!match) return lower;
  const release = (match[1] ?? "").split(".").map(Number);
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  return `${release.join(".")}${match[2] ?? ""}`;
}
__name(normalizeVersion, "normalizeVersion");

// src/proxy/pages/stored-urls.ts
function storedFileUrl(url, indexUrl) {
  const target = new URL(url);
  const index = new URL(indexUrl);
  let stored = url;
  if (target.origin === index.origin) {
    const relative = relativeReference(index.pathname, target.pathname) + target.search;
    if (new URL(relative, indexUrl).toString() === url) stored = relative;
  }
  const secrets = indexUrlSecrets(indexUrl);
  return secrets.some((secret) => stored.includes(secret)) ? "" : stored;
}
__name(storedFileUrl, "storedFileUrl");
function resolveStoredFileUrl(stored, indexUrl) {
  if (stored === "") return "";
  try {
    return new URL(stored, indexUrl).toString();
  } catch {
    return "";
  }
}
__name(resolveStoredFileUrl, "resolveStoredFileUrl");
function toStoredPage(page, indexUrl) {
  return { ...page, files: page.files.map((file) => withUrl(file, storedFileUrl(file.url, indexUrl))) };
}
__name(toStoredPage, "toStoredPage");
function fromStoredPage(page, indexUrl) {
  return {
    ...page,
    files: page.files.map((file) => withUrl(file, resolveStoredFileUrl(file.url, indexUrl)))
  };
}
__name(fromStoredPage, "fromStoredPage");
function withUrl(file, url) {
  const copy = { ...file, url };
  delete copy.direct;
  return copy;
}
__name(withUrl, "withUrl");
function relativeReference(indexPath, targetPath) {
  const from = indexPath.split("/").slice(1, -1);
  const to = targetPath.split("/").slice(1);
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const rest = to.slice(common).join("/");
  return `${"../".repeat(from.length - common)}${rest.includes(":") || rest.startsWith("/") ? "./" : ""}${rest}`;
}
__name(relativeReference, "relativeReference");

// src/proxy/pages/page-service.ts
var UPSTREAM_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
var DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024;
var DEFAULT_PAGE_MEMORY_BYTES = 48 * 1024 * 1024;
var DEFAULT_PAGE_DEADLINE_MS = 3e3;
var DEFAULT_COLD_PAGE_DEADLINE_MS = 12e3;
var PageService = class {
  constructor(options) {
    this.options = options;
    this.html = options.htmlParser ?? new HtmlPageParser();
    this.pageDeadlineMs = options.pageDeadlineMs ?? DEFAULT_PAGE_DEADLINE_MS;
    this.coldPageDeadlineMs = options.coldPageDeadlineMs ?? DEFAULT_COLD_PAGE_DEADLINE_MS;
    this.absentLifetimeMs = options.absentLifetimeMs ?? 24 * 36e5;
    this.kept = new ByteBudgetCache(options.memoryBudgetBytes ?? DEFAULT_PAGE_MEMORY_BYTES);
  }
  options;
  static {
    __name(this, "PageService");
  }
  /** Loads under way: concurrent requests for one page share one. */
  pending = /* @__PURE__ */ new Map();
  /** Loaded pages, within the budget. */
  kept;
  /** Pages asked upstream (or found sufficient) this run: an evicted one is not asked again. */
  settled = /* @__PURE__ */ new Set();
  /** Not-found answers stay remembered for the run. */
  notFound = /* @__PURE__ */ new Map();
  health = new UpstreamHealth();
  warnedHosts = /* @__PURE__ */ new Set();
  pageDeadlineMs;
  coldPageDeadlineMs;
  absentLifetimeMs;
  html;
  /** Bytes the kept page models hold (estimated; a stat: stays under the budget). */
  get heldBytes() {
    return this.kept.heldBytes;
  }
  async project(upstream, project) {
    const frozen = this.options.policy === "frozen";
    try {
      const result = await this.once(
        `${upstream.name}/${project}`,
        (settled) => this.loadProject(upstream, project, settled),
        estimatedPageBytes
      );
      this.options.manifest.page(upstream.name, project);
      return result;
    } catch (error) {
      if (frozen && error instanceof NotFoundError) this.options.manifest.page(upstream.name, project);
      throw error;
    }
  }
  /**
   * The page as far as it is known without asking upstream: loaded in this run, or in the store.
   * Interception uses it for the sha256 of a file a client asks for without the page.
   */
  async known(upstream, project) {
    const key = `${upstream.name}/${project}`;
    const kept = this.kept.get(key);
    if (kept) return kept;
    const pending = this.pending.get(key);
    if (pending) return (await pending.catch(() => void 0))?.value;
    const stored = await this.options.store.readPage(upstream.name, project);
    return stored && !stored.absent ? stored.page : void 0;
  }
  /**
   * Under frozen, a 404 is stored as a "not on this index" record for a while (pip asks for
   * /simple/pip/ on every run for its self-check), so a frozen job stays off the network.
   * Revalidate ignores the record and asks.
   */
  async loadProject(upstream, project, settled) {
    const { store, policy } = this.options;
    const stored = await store.readPage(upstream.name, project);
    const url = new URL(`${encodeURIComponent(project)}/`, upstream.indexUrl).toString();
    if (stored?.absent && policy === "frozen" && Date.now() - Date.parse(stored.fetchedAt) < this.absentLifetimeMs)
      throw new NotFoundError(`${redactUrl(url, upstream.indexUrl)}: not on this index (stored answer)`);
    try {
      return await this.load({
        upstream,
        url,
        settled,
        read: /* @__PURE__ */ __name(async () => stored && !stored.absent ? {
          ...stored,
          value: this.allowedLinks(upstream, fromStoredPage(stored.page, upstream.indexUrl))
        } : void 0, "read"),
        write: /* @__PURE__ */ __name((value, validators) => store.writePage(upstream.name, project, {
          ...validators,
          fetchedAt: (/* @__PURE__ */ new Date()).toISOString(),
          page: toStoredPage(value, upstream.indexUrl)
        }), "write"),
        parse: /* @__PURE__ */ __name(async (body, contentType, url2) => this.allowedLinks(
          upstream,
          isJson(contentType) ? parseJsonPage(body.whole().toString("utf8"), url2, project) : await this.html.projectPage(body, url2, project)
        ), "parse"),
        storeSuffices: /* @__PURE__ */ __name((page) => pageHasPinnedVersions(page, this.options.pins?.get(project)), "storeSuffices")
      });
    } catch (error) {
      if (policy === "frozen" && error instanceof NotFoundError) {
        await this.storeQuietly(
          url,
          () => store.writePage(upstream.name, project, {
            fetchedAt: (/* @__PURE__ */ new Date()).toISOString(),
            absent: true,
            page: { name: project, meta: {}, files: [], extra: {} }
          })
        );
      }
      throw error;
    }
  }
  /**
   * Links to hosts this index may not send the proxy to (file-hosts.ts) are marked `direct`:
   * the client gets their upstream URLs and fetches them itself, as it would without the proxy
   * (skipping them could fail an install that works without it). One warning per upstream and host.
   */
  allowedLinks(upstream, page) {
    const policy = this.options.client.fileHosts(upstream);
    let marked = 0;
    const files = page.files.map((file) => {
      const refused = file.url === "" ? void 0 : policy.refusal(file.url);
      if (!refused) return file;
      marked++;
      const host = safeHost(file.url);
      if (!this.warnedHosts.has(`${upstream.name} ${host}`)) {
        this.warnedHosts.add(`${upstream.name} ${host}`);
        this.options.warn(
          `upstream ${upstream.name}: links to ${host} left to the client, not fetched or cached (first: ${file.filename} on ${page.name}): ${refused}`
        );
      }
      return { ...file, direct: true };
    });
    return marked === 0 ? page : { ...page, files };
  }
  async projectList(upstream) {
    const result = await this.once(
      `${upstream.name}/`,
      (settled) => this.load({
        upstream,
        url: upstream.indexUrl,
        settled,
        read: /* @__PURE__ */ __name(() => this.options.store.readProjectList(upstream.name).then((s) => s && { ...s, value: s.list }), "read"),
        write: /* @__PURE__ */ __name((value, validators) => this.options.store.writeProjectList(upstream.name, {
          ...validators,
          fetchedAt: (/* @__PURE__ */ new Date()).toISOString(),
          list: value
        }), "write"),
        parse: /* @__PURE__ */ __name(async (body, contentType) => isJson(contentType) ? parseJsonProjectList(body.whole().toString("utf8")) : await this.html.projectList(body), "parse")
      }),
      estimatedListBytes
    );
    this.options.manifest.index(upstream.name);
    return result;
  }
  /**
   * First caller loads; later callers in this run get the same answer from memory while it is
   * kept. `load` gets whether the page was already settled this run (then the store suffices).
   */
  async once(key, load, bytesOf) {
    const kept = this.kept.get(key);
    if (kept !== void 0) return { value: kept, source: "memory" };
    const notFound = this.notFound.get(key);
    if (notFound) throw notFound;
    const pending = this.pending.get(key);
    if (pending) {
      const { value } = await pending;
      return { value, source: "memory" };
    }
    const loading = load(this.settled.has(key)).then((loaded) => {
      this.settled.add(key);
      this.kept.set(key, loaded.value, bytesOf(loaded.value));
      return loaded;
    });
    this.pending.set(key, loading);
    try {
      return await loading;
    } catch (error) {
      if (error instanceof NotFoundError) this.notFound.set(key, error);
      throw error;
    } finally {
      this.pending.delete(key);
    }
  }
  async load(spec) {
    const stored = await spec.read();
    if (stored && (this.options.policy === "frozen" || spec.settled || spec.storeSuffices?.(stored.value))) {
      return { value: stored.value, source: "store" };
    }
    const { name } = spec.upstream;
    if (stored && this.health.isDown(name)) {
      this.options.stats.staleServed++;
      return { value: stored.value, source: "store" };
    }
    let fetched;
    const started = Date.now();
    try {
      fetched = await this.fetchWithin(
        stored ? this.pageDeadlineMs : this.coldPageDeadlineMs,
        spec.upstream,
        spec.url,
        stored,
        spec.parse
      );
      if (Date.now() - started <= this.pageDeadlineMs) this.health.succeeded(name);
      else this.noteOutage(name, this.health.failed(name));
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      if (error instanceof UpstreamDeadlineError) this.noteOutage(name, this.health.tooSlow(name));
      else if (!(error instanceof UpstreamError) || error.retryable)
        this.noteOutage(name, this.health.failed(name));
      if (!stored) throw error;
      this.options.stats.staleServed++;
      this.options.warn(
        `upstream failed for ${redactUrl(spec.url, spec.upstream.indexUrl)}, serving the stored page: ${error.message}`
      );
      return { value: stored.value, source: "store" };
    }
    if (fetched.status === "not-found")
      throw new NotFoundError(`${redactUrl(spec.url, spec.upstream.indexUrl)}: not on this index`);
    if (fetched.status === "not-modified" && stored) return { value: stored.value, source: "upstream" };
    const value = fetched.value;
    await this.storeQuietly(
      spec.url,
      () => spec.write(value, { etag: fetched.etag, lastModified: fetched.lastModified })
    );
    return { value, source: "upstream" };
  }
  /**
   * A page upstream answered is served whether or not the store could keep it (a full disk):
   * the store is an optimisation, the answer is what the client asked for. It warns instead.
   */
  async storeQuietly(url, write) {
    try {
      await write();
    } catch (error) {
      this.options.warn(`could not store the page ${redactUrl(url)}: ${error.message}`);
    }
  }
  noteOutage(name, opened) {
    if (!opened) return;
    this.options.warn(
      `upstream ${name} failed several page requests in a row (errors or past the deadline): stored pages are served without asking it for a while`
    );
  }
  /** `fetch`, abandoned (request and body destroyed) once `ms` have passed. */
  async fetchWithin(ms, upstream, url, stored, parse) {
    const deadline = new AbortController();
    const expired = new Promise((_, fail) => {
      deadline.signal.addEventListener("abort", () => fail(deadline.signal.reason), { once: true });
    });
    expired.catch(() => {
    });
    const timer = setTimeout(() => {
      deadline.abort(
        new UpstreamDeadlineError(
          `upstream ${upstream.name} gave no complete answer for ${redactUrl(url, upstream.indexUrl)} within ${ms} ms`
        )
      );
    }, ms);
    try {
      return await Promise.race([this.fetch(upstream, url, stored, parse, deadline.signal), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
  fetch(upstream, url, stored, parse, signal) {
    const { client, stats } = this.options;
    const headers = { accept: UPSTREAM_ACCEPT, "accept-encoding": "gzip, deflate" };
    if (stored?.etag) headers["if-none-match"] = stored.etag;
    if (stored?.lastModified) headers["if-modified-since"] = stored.lastModified;
    const shown = /* @__PURE__ */ __name((answered) => redactUrl(answered, upstream.indexUrl), "shown");
    return client.withRetries(
      shown(url),
      async () => {
        const response = await client.requestOnce(url, { upstream, headers, signal });
        if (response.status === 304) stats.revalidated++;
        else stats.fetchedUpstream++;
        if (response.status === 304 || response.status === 404 || response.status === 410) {
          response.body.resume();
          return { status: response.status === 304 ? "not-modified" : "not-found" };
        }
        if (response.status !== 200) {
          response.body.resume();
          const retryable = response.status === 429 || response.status >= 500;
          throw new UpstreamError(
            `${shown(response.url)} answered ${response.status}`,
            retryable,
            response.status
          );
        }
        const body = await readPageBody(response.body, shown(response.url), this.options.maxPageBytes);
        stats.upstreamBytes += body.length;
        const contentType = String(response.headers["content-type"] ?? "").toLowerCase();
        if (!isJson(contentType) && !isHtml(contentType)) {
          throw new UpstreamError(`${shown(response.url)}: unexpected Content-Type ${contentType}`, false);
        }
        const value = await parseOrFail(parse, body, contentType, response.url, shown);
        return {
          status: "ok",
          value,
          etag: headerString(response.headers.etag),
          lastModified: headerString(response.headers["last-modified"])
        };
      },
      signal
    );
  }
};
async function readPageBody(body, shownUrl, maxBytes = DEFAULT_MAX_PAGE_BYTES) {
  try {
    return await readBody(body, maxBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new UpstreamError(
      `${shownUrl}: page larger than ${maxBytes} bytes, refused (raise the bound with --max-page-size)`,
      false
    );
  }
}
__name(readPageBody, "readPageBody");
async function parseOrFail(parse, body, contentType, url, shown) {
  try {
    return await parse(body, contentType, url);
  } catch (error) {
    const reason = error instanceof PageFormatError ? error.message : `unreadable page: ${error.message}`;
    throw new UpstreamError(`${shown(url)}: ${reason}`, false);
  }
}
__name(parseOrFail, "parseOrFail");
function safeHost(url) {
  try {
    return new URL(url).host;
  } catch {
    return "(no host)";
  }
}
__name(safeHost, "safeHost");
function headerString(value) {
  return typeof value === "string" ? value : void 0;
}
__name(headerString, "headerString");
function isJson(contentType) {
  return contentType.startsWith("application/vnd.pypi.simple.v1+json") || contentType.startsWith("application/json");
}
__name(isJson, "isJson");
function isHtml(contentType) {
  return contentType.startsWith("text/html") || contentType.startsWith("application/vnd.pypi.simple.v1+html");
}
__name(isHtml, "isHtml");

// src/proxy/stats.ts
import { monitorEventLoopDelay } from "node:perf_hooks";
var ProxyStats = class {
  static {
    __name(this, "ProxyStats");
  }
  startedAt = Date.now();
  requests = 0;
  servedFromStore = 0;
  storeBytes = 0;
  fetchedUpstream = 0;
  revalidated = 0;
  upstreamBytes = 0;
  errors = 0;
  pageRequests = 0;
  fileRequests = 0;
  notFound = 0;
  staleServed = 0;
  verified = { page: 0, lockfile: 0, "path-digest": 0 };
  connects = { intercepted: 0, tunnelled: 0, refused: 0 };
  // Sampled every 10 ms by libuv; costs next to nothing and keeps no process alive.
  loopDelay = monitorEventLoopDelay({ resolution: 10 });
  /** Set by whoever owns the caches. */
  memory = /* @__PURE__ */ __name(() => ({ budgetBytes: 0, pagesBytes: 0, renderingsBytes: 0, filesBytes: 0 }), "memory");
  /** Set by whoever owns the page parser. */
  offThreadParses = /* @__PURE__ */ __name(() => ({ inProgress: 0, done: 0 }), "offThreadParses");
  constructor() {
    this.loopDelay.enable();
  }
  close() {
    this.loopDelay.disable();
  }
  snapshot() {
    return {
      requests: this.requests,
      servedFromStore: this.servedFromStore,
      storeBytes: this.storeBytes,
      fetchedUpstream: this.fetchedUpstream,
      revalidated: this.revalidated,
      upstreamBytes: this.upstreamBytes,
      errors: this.errors,
      pageRequests: this.pageRequests,
      fileRequests: this.fileRequests,
      notFound: this.notFound,
      staleServed: this.staleServed,
      verified: { ...this.verified },
      connects: { ...this.connects },
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1e3),
      eventLoopDelay: {
        maxMs: Math.round(this.loopDelay.max / 1e5) / 10,
        p99Ms: Math.round(this.loopDelay.percentile(99) / 1e5) / 10
      },
      memory: this.memory(),
      offThreadParses: this.offThreadParses()
    };
  }
};

// src/proxy/intercept/tunnel-relay.ts
import http from "node:http";
var RELAY_LIFETIME_MS = 7 * 60 * 60 * 1e3;
var NOT_A_PROXY_ANSWER = "pypi-cache-action's tunnel relay: the job's caching proxy has stopped, and only CONNECT tunnels are passed on here.\n";
async function startTunnelRelay(options) {
  const origins = new OriginMap(options.testOrigins);
  const sockets = /* @__PURE__ */ new Set();
  let opened = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/-/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok", relay: true }));
      return;
    }
    res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
    res.end(NOT_A_PROXY_ANSWER);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("connect", (req, socket, head) => {
    socket.on("error", () => {
    });
    const target = parseConnectTarget(req.url);
    if (!target) {
      refuseConnect(
        socket,
        400,
        `CONNECT needs host:port, got ${JSON.stringify(String(req.url).slice(0, 100))}`
      );
      return;
    }
    openPlainTunnel({ origins, outbound: options.outbound }, target, socket, head, () => opened++).catch(
      (error) => {
        options.onWarning?.(`CONNECT ${target.host}:${target.port} refused: ${error.message}`);
        refuseConnect(socket, error instanceof TunnelRefusedError ? 403 : 502, error.message);
      }
    );
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const close = /* @__PURE__ */ __name(() => new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }), "close");
  setTimeout(() => void close(), options.lifetimeMs ?? RELAY_LIFETIME_MS).unref();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, tunnels: /* @__PURE__ */ __name(() => opened, "tunnels"), close };
}
__name(startTunnelRelay, "startTunnelRelay");

// src/proxy/index.ts
var DEFAULT_MEMORY_BUDGET_BYTES = 96 * 1024 * 1024;
function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.then(() => void 0),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    })
  ]).finally(() => clearTimeout(timer));
}
__name(withTimeout, "withTimeout");
function trackUnfinished(server) {
  const unfinished = /* @__PURE__ */ new Set();
  server.on("request", (_req, res) => {
    unfinished.add(res);
    res.once("close", () => unfinished.delete(res));
  });
  return unfinished;
}
__name(trackUnfinished, "trackUnfinished");
function answerUnfinished(unfinished) {
  for (const res of unfinished) {
    if (res.headersSent) {
      res.destroy();
      continue;
    }
    const body = "the proxy is shutting down; retry\n";
    res.writeHead(503, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      "retry-after": "1",
      connection: "close"
    });
    res.end(body);
  }
}
__name(answerUnfinished, "answerUnfinished");
async function startProxy(options) {
  const upstreams = parseUpstreams(options.upstreams ?? [], options.env ?? process.env);
  const store = await ContentStore.open(options.storeDir);
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const stats = new ProxyStats();
  const log = new ProxyLog(
    options.logFile,
    options.onWarning,
    upstreams.flatMap((upstream) => indexUrlSecrets(upstream.indexUrl))
  );
  const policy = store.readOnly ? "frozen" : options.indexPolicy ?? "revalidate";
  const manifestPath = options.manifestPath ?? (store.readOnly ? false : join(store.root, "manifest.json"));
  if (store.readOnly) {
    log.warn(
      `the store ${store.root} is read-only: serving what it holds under the frozen policy; nothing new will be stored${options.manifestPath === void 0 ? " and no manifest written" : ""}`
    );
  }
  const manifest = new ManifestRecorder();
  const origins = new OriginMap(options.intercept?.testOrigins);
  const client = new UpstreamClient({
    timeoutMs: options.upstreamTimeoutMs,
    retries: options.upstreamRetries,
    backoffMs: options.retryBackoffMs,
    onRetry: /* @__PURE__ */ __name((message) => log.warn(message), "onRetry"),
    ...origins.isTestMapping ? { mapUrl: /* @__PURE__ */ __name((url) => origins.mapUrl(url), "mapUrl") } : {},
    extraCa: [...options.trustedCa ?? [], ...options.intercept?.testUpstreamCa ?? []],
    allowFileHosts: options.allowFileHosts,
    hostLookup: options.hostLookup,
    outboundProxy: options.outboundProxy
  });
  const htmlParser = new HtmlPageParser(options.pageParserScript);
  const pages = new PageService({
    htmlParser,
    store,
    client,
    policy,
    stats,
    manifest,
    warn: /* @__PURE__ */ __name((message) => log.warn(message), "warn"),
    pins: options.pins,
    pageDeadlineMs: options.pageDeadlineMs,
    coldPageDeadlineMs: options.coldPageDeadlineMs,
    maxPageBytes: options.maxPageBytes,
    memoryBudgetBytes: Math.floor(budget * 3 / 8)
  });
  const downloads = new DownloadCoordinator(
    store,
    client,
    {
      onFetched: /* @__PURE__ */ __name(() => stats.fetchedUpstream++, "onFetched"),
      onRestart: /* @__PURE__ */ __name((message) => log.warn(message), "onRestart"),
      onStoreFailure: /* @__PURE__ */ __name((message) => log.warn(message), "onStoreFailure"),
      onUpstreamBytes: /* @__PURE__ */ __name((bytes) => {
        stats.upstreamBytes += bytes;
      }, "onUpstreamBytes")
    },
    options.maxFileBytes
  );
  const fileMemory = new StoredFileMemory(Math.floor(budget / 4));
  const storedFiles = new StoredFiles(store, manifest, fileMemory);
  const files = new FileService(store, pages, downloads, manifest, storedFiles);
  const renderer = new PageRenderer(Math.floor(budget * 3 / 8));
  stats.offThreadParses = () => ({ inProgress: htmlParser.inProgress, done: htmlParser.done });
  stats.memory = () => ({
    budgetBytes: budget,
    pagesBytes: pages.heldBytes,
    renderingsBytes: renderer.heldBytes,
    filesBytes: fileMemory.heldBytes
  });
  const server = createProxyServer({
    upstreams,
    pages,
    files,
    renderer,
    stats,
    log,
    manifest: /* @__PURE__ */ __name(() => manifest.build(), "manifest")
  });
  const interception = options.intercept ? await import("./chunk-7BH2AJHT.js").then(
    ({ attachInterception }) => attachInterception(server, {
      upstreams,
      options: options.intercept,
      origins,
      outbound: options.outboundProxy,
      deps: { store, pages, downloads, manifest, stats, log, renderer, client, storedFiles }
    })
  ).catch(async (error) => {
    await store.close();
    throw error;
  }) : void 0;
  const ports = typeof options.port === "number" ? [options.port] : options.port ?? [0];
  await listenOnFirstFree(server, options.host ?? "127.0.0.1", ports).catch(async (error) => {
    await store.close();
    throw error;
  });
  const unfinished = trackUnfinished(server);
  const address = server.address();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const grace = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  let closing;
  const close = /* @__PURE__ */ __name(async () => {
    const closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await withTimeout(Promise.all([downloads.drain(), closed]), grace);
    answerUnfinished(unfinished);
    await new Promise((resolve) => setImmediate(resolve));
    server.closeAllConnections();
    interception?.close();
    client.close();
    await htmlParser.close();
    const used = manifest.build();
    if (manifestPath !== false)
      await writeManifest(manifestPath, used).catch(
        (error) => log.warn(`could not write the manifest ${manifestPath}: ${error.message}`)
      );
    await log.close();
    await store.close();
    stats.close();
    return used;
  }, "close");
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    upstreams: upstreams.map(({ name, indexUrl }) => ({ name, indexUrl })),
    storeDir: store.root,
    indexPolicy: policy,
    readOnly: store.readOnly,
    stats: /* @__PURE__ */ __name(() => stats.snapshot(), "stats"),
    manifest: /* @__PURE__ */ __name(() => manifest.build(), "manifest"),
    ...interception ? { caCertPem: interception.caCertPem } : {},
    ...options.outboundProxy ? { outboundProxy: options.outboundProxy.display } : {},
    close: /* @__PURE__ */ __name(() => {
      closing ??= close();
      return closing;
    }, "close")
  };
}
__name(startProxy, "startProxy");

// src/cli/proxy-args.ts
import { homedir } from "node:os";
import { join as join2 } from "node:path";
var UsageError = class extends Error {
  static {
    __name(this, "UsageError");
  }
};
var HELP = `Usage: pypi-cache-proxy [options]

A local caching proxy for the Python simple repository API (PEP 503/691). Point pip or uv at
<url>/simple/ (extra upstreams at <url>/<name>/simple/).

Options:
  --store DIR             store directory (default: ~/.cache/pypi-cache-proxy)
  --upstream [NAME=]URL   upstream index, repeatable; the first (default name "pypi") serves
                          /simple/, others /<NAME>/simple/. Default: https://pypi.org/simple/
                          Credentials: URL userinfo or PYPI_CACHE_PROXY_AUTH_<NAME>=user:password
                          Without --upstream: PYPI_CACHE_PROXY_UPSTREAMS, one [NAME=]URL a line
                          (keeps a token in an index path off the command line, which every
                          user can read)
  --allow-file-host HOST  also fetch files and follow redirects to HOST (repeatable;
                          *.example.com for its subdomains). Without it, only the index's
                          own host (and files.pythonhosted.org for pypi.org); never
                          link-local addresses, loopback only for an index on loopback
  --host HOST             address to bind (default: 127.0.0.1)
  --port N                port, 0 picks a free one (default: 0); a list (31415-31434,0):
                          the first that is free, in order
  --index-policy POLICY   revalidate: ask upstream once per run for each page (default)
                          frozen: serve pages in the store without asking upstream
  --ready-file FILE       write the proxy URL to FILE once listening
  --log FILE              append an access log (JSON lines) to FILE
  --manifest FILE         where to write the manifest of used entries on shutdown
                          (default: <store>/manifest.json)
  --pins FILE             JSON {"projects": {"<name>": ["<version>", ...]}}: versions the
                          lockfiles pin; under revalidate, a stored page that lists all of a
                          project's pinned versions is served without asking upstream
  --page-deadline-ms N    when the store holds a page, serve it if upstream has not answered
                          in full after N ms (hung or trickling upstream; default 3000)
  --max-page-size SIZE    refuse upstream pages larger than SIZE (bytes, or with K, M, G:
                          binary units; default 64M)
  --max-file-size SIZE    cut off (and never store) a file body past SIZE when the index gives
                          no size for it (a PEP 691 size is the bound when given; same units;
                          default 4G)
  --intercept CA_FILE     also be an HTTPS forward proxy (CONNECT): terminate TLS for
                          pypi.org and files.pythonhosted.org with a CA made for this run
                          (its key stays in memory), written to CA_FILE (the certificate
                          only); other hosts are plain tunnels (never to loopback or
                          link-local addresses)
  --intercept-upstream NAME  intercept this upstream's host too (a PyPI mirror), repeatable
  --locked-hashes FILE    JSON {"files": {"<url>": "<sha256>"}}: what lockfiles lock, checked
                          under interception when a file is asked for without its page
  --memory-budget SIZE    memory for what a run keeps for repeats: parsed pages, rendered
                          pages, stored files' sizes and small files' bytes (default 96M)
  --tunnel-relay          only relay CONNECT tunnels on --host/--port, every host plain,
                          nothing read or stored (what the action leaves on the proxy's
                          address after its post step, for the steps that follow)
  -h, --help              show this help

Environment:
  PYPI_CACHE_PROXY_OUTBOUND_PROXY     http(s)://[user:password@]host:port: send the proxy's own
                                      connections (upstream fetches, tunnels) through this proxy
                                      by CONNECT (the job's HTTPS_PROXY; kept off argv); https://
                                      is TLS to the proxy, checked against Node's roots and the
                                      files SSL_CERT_FILE, REQUESTS_CA_BUNDLE, PIP_CERT and
                                      NODE_EXTRA_CA_CERTS name
  PYPI_CACHE_PROXY_OUTBOUND_NO_PROXY  hosts reached directly instead (NO_PROXY syntax)
  SSL_CERT_FILE, REQUESTS_CA_BUNDLE,  CA files trusted besides Node's roots for every
  PIP_CERT, NODE_EXTRA_CA_CERTS       upstream certificate (a corporate or internal CA), as
                                      pip and uv trust them

SIGTERM or SIGINT: finish what is under way within 5 s, answer the rest 503, write the
manifest, exit 0. A second SIGTERM or SIGINT exits at once (code 1).
Exit codes: 0 success, 1 runtime failure, 2 bad usage, 3 no --port free.
`;
var VALUE_FLAGS = /* @__PURE__ */ new Set([
  "--store",
  "--upstream",
  "--allow-file-host",
  "--host",
  "--port",
  "--index-policy",
  "--ready-file",
  "--log",
  "--manifest",
  "--pins",
  "--page-deadline-ms",
  "--max-page-size",
  "--max-file-size",
  "--intercept",
  "--intercept-upstream",
  "--locked-hashes",
  "--memory-budget"
]);
function parsePort(value) {
  const ports = parsePorts(value);
  if (typeof ports === "string") throw new UsageError(`--port: ${ports}, got ${JSON.stringify(value)}`);
  return ports;
}
__name(parsePort, "parsePort");
function parseMilliseconds(flag, value) {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > 6e5)
    throw new UsageError(`${flag}: expected milliseconds, 1-600000, got ${JSON.stringify(value)}`);
  return ms;
}
__name(parseMilliseconds, "parseMilliseconds");
var SIZE_UNITS = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
function parseByteSize(flag, value) {
  const match = /^(\d{1,15})\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (SIZE_UNITS[(match[2] ?? "").toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new UsageError(`${flag}: expected a size such as 4096, 64M or 2G, got ${JSON.stringify(value)}`);
  return bytes;
}
__name(parseByteSize, "parseByteSize");
function parsePolicy(value) {
  if (value !== "revalidate" && value !== "frozen") {
    throw new UsageError(`--index-policy: expected revalidate or frozen, got ${JSON.stringify(value)}`);
  }
  return value;
}
__name(parsePolicy, "parsePolicy");
function parseUpstream(value, source = "--upstream") {
  const url = /^[A-Za-z0-9_-]+=/.test(value) ? value.slice(value.indexOf("=") + 1) : value;
  let protocol = "";
  try {
    protocol = new URL(url).protocol;
  } catch {
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new UsageError(
      `${source}: expected [NAME=]URL with an http(s) URL, e.g. https://pypi.org/simple/, got ${JSON.stringify(redactIndexUrl(value))}`
    );
  }
  return value;
}
__name(parseUpstream, "parseUpstream");
function parseFileHost(value) {
  if (!isFileHostPattern(value)) {
    throw new UsageError(
      `--allow-file-host: expected a host name (files.example.com), *.example.com or an address, got ${JSON.stringify(value)}`
    );
  }
  return value.toLowerCase();
}
__name(parseFileHost, "parseFileHost");
function parseHost(value) {
  const quad = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(value);
  if (quad?.slice(1).some((octet) => Number(octet) > 255)) {
    throw new UsageError(
      `--host: expected an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or a host name, got ${JSON.stringify(value)}`
    );
  }
  return value;
}
__name(parseHost, "parseHost");
function upstreamsFromEnv(env) {
  return (env[UPSTREAMS_ENV] ?? "").split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "").map((line) => parseUpstream(line, UPSTREAMS_ENV));
}
__name(upstreamsFromEnv, "upstreamsFromEnv");
function defaultStore(env) {
  return join2(env.XDG_CACHE_HOME || join2(homedir(), ".cache"), "pypi-cache-proxy");
}
__name(defaultStore, "defaultStore");
function* flagValues(argv) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "--help" || flag === "-h") {
      yield ["--help", void 0];
      continue;
    }
    if (flag === "--tunnel-relay") {
      yield [flag, void 0];
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    const value = flag !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === void 0 || value === "") throw new UsageError(`${flag} needs a value`);
    if (flag === arg && VALUE_FLAGS.has(value.split("=")[0] ?? "")) {
      throw new UsageError(`${flag} needs a value, got the flag ${JSON.stringify(value)}`);
    }
    yield [flag, value];
  }
}
__name(flagValues, "flagValues");
function parseProxyArgs(argv, env = process.env) {
  const args = {
    help: false,
    store: defaultStore(env),
    upstreams: [],
    allowFileHosts: [],
    host: "127.0.0.1",
    port: [0],
    indexPolicy: "revalidate",
    interceptUpstreams: []
  };
  for (const [flag, value = ""] of flagValues(argv)) {
    if (flag === "--help") args.help = true;
    else if (flag === "--tunnel-relay") args.tunnelRelay = true;
    else if (flag === "--store") args.store = value;
    else if (flag === "--upstream") args.upstreams.push(parseUpstream(value));
    else if (flag === "--allow-file-host") args.allowFileHosts.push(parseFileHost(value));
    else if (flag === "--host") args.host = parseHost(value);
    else if (flag === "--port") args.port = parsePort(value);
    else if (flag === "--index-policy") args.indexPolicy = parsePolicy(value);
    else if (flag === "--ready-file") args.readyFile = value;
    else if (flag === "--log") args.log = value;
    else if (flag === "--manifest") args.manifest = value;
    else if (flag === "--pins") args.pins = value;
    else if (flag === "--page-deadline-ms") args.pageDeadlineMs = parseMilliseconds(flag, value);
    else if (flag === "--max-page-size") args.maxPageBytes = parseByteSize(flag, value);
    else if (flag === "--max-file-size") args.maxFileBytes = parseByteSize(flag, value);
    else if (flag === "--intercept") args.intercept = value;
    else if (flag === "--intercept-upstream") args.interceptUpstreams.push(value);
    else if (flag === "--locked-hashes") args.lockedHashes = value;
    else if (flag === "--memory-budget") args.memoryBudgetBytes = parseByteSize(flag, value);
  }
  if (!args.intercept && (args.interceptUpstreams.length > 0 || args.lockedHashes)) {
    throw new UsageError("--intercept-upstream and --locked-hashes need --intercept CA_FILE");
  }
  if (args.upstreams.length === 0) args.upstreams = upstreamsFromEnv(env);
  return args;
}
__name(parseProxyArgs, "parseProxyArgs");

// src/cli/proxy-report.ts
function startLine(proxy) {
  const upstreams = proxy.upstreams.map((u) => `${u.name}=${redactUrl(u.indexUrl)}`).join(", ");
  const store = proxy.readOnly ? `${proxy.storeDir} (read-only)` : proxy.storeDir;
  return `pypi-cache-proxy listening on ${proxy.url} (index ${proxy.url}/simple/); store ${store}; index policy ${proxy.indexPolicy}; upstream ${upstreams}` + (proxy.outboundProxy ? `; through the job's HTTPS proxy ${proxy.outboundProxy}` : "");
}
__name(startLine, "startLine");
function exitLine(stats) {
  return `pypi-cache-proxy: served ${stats.requests} requests: ${stats.servedFromStore} from the store (${formatBytes(stats.storeBytes)}), ${stats.fetchedUpstream} from upstream (${formatBytes(stats.upstreamBytes)}), ${stats.revalidated} revalidated (304), ${stats.errors} errors`;
}
__name(exitLine, "exitLine");

// src/cli/proxy-command.ts
async function writeReadyFile(path, url) {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, url);
  await rename(temp, path);
}
__name(writeReadyFile, "writeReadyFile");
async function readPins(path) {
  try {
    return await readPinsFile(path);
  } catch (error) {
    const code = error.code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : error instanceof SyntaxError ? `not JSON (${error.message})` : error.message;
    throw new UsageError(
      `--pins ${JSON.stringify(path)}: ${why}; expected a JSON file {"projects": {"<name>": ["<version>", ...]}}`
    );
  }
}
__name(readPins, "readPins");
function storeUsageError(value, error) {
  return new UsageError(
    `--store ${JSON.stringify(value)}: ${error.reason}; expected a folder the proxy can create or write, or a populated store it can read (then served frozen)`
  );
}
__name(storeUsageError, "storeUsageError");
function testShutdownGraceMs(env) {
  const ms = Number(env.PYPI_CACHE_PROXY_TEST_SHUTDOWN_GRACE_MS);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : void 0;
}
__name(testShutdownGraceMs, "testShutdownGraceMs");
async function interceptOptions(args, env = process.env) {
  const testOrigins = env.PYPI_CACHE_PROXY_TEST_ORIGINS;
  const testCa = env.PYPI_CACHE_PROXY_TEST_CA;
  return {
    mirrors: args.interceptUpstreams,
    lockedHashes: args.lockedHashes ? await readLockedHashesFile(args.lockedHashes) : void 0,
    ...testOrigins ? { testOrigins: JSON.parse(testOrigins) } : {},
    ...testCa ? { testUpstreamCa: [await readFile3(testCa, "utf8")] } : {}
  };
}
__name(interceptOptions, "interceptOptions");
function pageParserScript(moduleUrl) {
  const script = new URL(moduleUrl.endsWith(".ts") ? "./page-parser.ts" : "./page-parser.js", moduleUrl);
  return existsSync(script) ? script : void 0;
}
__name(pageParserScript, "pageParserScript");
function parseOrExit(argv) {
  try {
    return parseProxyArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`pypi-cache-proxy: ${error.message}
Try --help.
`);
    process.exit(2);
  }
}
__name(parseOrExit, "parseOrExit");
async function run(argv = process.argv.slice(2)) {
  const args = parseOrExit(argv);
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  if (args.tunnelRelay) {
    await runTunnelRelay(args);
    return;
  }
  try {
    const proxy = await startProxy({
      storeDir: args.store,
      upstreams: args.upstreams,
      allowFileHosts: args.allowFileHosts,
      host: args.host,
      port: args.port,
      indexPolicy: args.indexPolicy,
      logFile: args.log,
      manifestPath: args.manifest,
      pins: args.pins ? await readPins(args.pins) : void 0,
      pageDeadlineMs: args.pageDeadlineMs,
      maxPageBytes: args.maxPageBytes,
      maxFileBytes: args.maxFileBytes,
      intercept: args.intercept ? await interceptOptions(args) : void 0,
      memoryBudgetBytes: args.memoryBudgetBytes,
      shutdownGraceMs: testShutdownGraceMs(process.env),
      pageParserScript: pageParserScript(import.meta.url),
      outboundProxy: OutboundProxy.fromEnv(process.env),
      // The certificates pip and uv check an index against: a corporate or internal CA.
      trustedCa: jobCaCertificates(process.env),
      onWarning: /* @__PURE__ */ __name((message) => process.stderr.write(`warning: ${message}
`), "onWarning")
    });
    let stopping = false;
    const stop = /* @__PURE__ */ __name((signal) => {
      if (stopping) {
        process.stderr.write(`pypi-cache-proxy: ${signal} again, exiting at once
`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(
        `pypi-cache-proxy: ${signal}, finishing what is under way (a few seconds at most; a second signal exits at once)
`
      );
      proxy.close().then(
        () => {
          process.stdout.write(`${exitLine(proxy.stats())}
`);
          process.exit(0);
        },
        (error) => {
          process.stderr.write(`pypi-cache-proxy: shutdown failed: ${error.message}
`);
          process.exit(1);
        }
      );
    }, "stop");
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    if (args.intercept && proxy.caCertPem) await writeReadyFile(args.intercept, proxy.caCertPem);
    if (args.readyFile) await writeReadyFile(args.readyFile, proxy.url);
    process.stdout.write(`${startLine(proxy)}
`);
  } catch (error) {
    const usage = error instanceof StoreDirError ? storeUsageError(args.store, error) : error;
    if (usage instanceof UsageError) {
      process.stderr.write(`pypi-cache-proxy: ${usage.message}
Try --help.
`);
      process.exit(2);
    }
    if (error instanceof PortsInUseError) {
      process.stderr.write(`pypi-cache-proxy: --port ${formatPorts(args.port)}: ${error.message}
`);
      process.exit(PORTS_IN_USE_EXIT_CODE);
    }
    const code = error instanceof UpstreamConfigError || error instanceof InterceptConfigError || error instanceof OutboundProxyConfigError ? 2 : 1;
    process.stderr.write(`pypi-cache-proxy: ${error.message}
`);
    process.exit(code);
  }
}
__name(run, "run");
async function runTunnelRelay(args, env = process.env) {
  const testOrigins = env.PYPI_CACHE_PROXY_TEST_ORIGINS;
  try {
    if (args.port.length !== 1)
      throw new UsageError("--tunnel-relay takes one --port: the address clients already have");
    const relay = await startTunnelRelay({
      host: args.host,
      port: args.port[0],
      outbound: OutboundProxy.fromEnv(env),
      ...testOrigins ? { testOrigins: JSON.parse(testOrigins) } : {},
      onWarning: /* @__PURE__ */ __name((message) => process.stderr.write(`warning: ${message}
`), "onWarning")
    });
    const stop = /* @__PURE__ */ __name(() => relay.close().then(() => process.exit(0)), "stop");
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    if (args.readyFile) await writeReadyFile(args.readyFile, relay.url);
    process.stdout.write(`pypi-cache-proxy: tunnel relay on ${relay.url} (CONNECT only, nothing stored)
`);
  } catch (error) {
    process.stderr.write(`pypi-cache-proxy: tunnel relay: ${error.message}
`);
    process.exit(1);
  }
}
__name(runTunnelRelay, "runTunnelRelay");

// src/cli/proxy.ts
run();
