#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ContentStore,
  DEFAULT_SHUTDOWN_GRACE_MS,
  ManifestRecorder,
  __name,
  credentialsEnvName,
  isNormalizedProjectName,
  isSha256Hex,
  isValidFileName,
  isValidProjectName,
  isValidUpstreamName,
  normalizeProjectName,
  writeManifest
} from "./chunk-ERAEHS2B.js";

// src/cli/proxy-command.ts
import { rename, writeFile } from "node:fs/promises";

// src/proxy/index.ts
import { join } from "node:path";

// src/proxy/files/downloads.ts
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { open, rm } from "node:fs/promises";
import { pipeline as pipeline2, Readable, Transform } from "node:stream";

// src/proxy/errors.ts
var NotFoundError = class extends Error {
  static {
    __name(this, "NotFoundError");
  }
};
var BadRequestError = class extends Error {
  static {
    __name(this, "BadRequestError");
  }
};
var IntegrityError = class extends Error {
  static {
    __name(this, "IntegrityError");
  }
};

// src/proxy/upstream/upstream.ts
import http from "node:http";
import https from "node:https";
import { PassThrough, pipeline } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

// src/proxy/upstream/upstream-config.ts
var DEFAULT_UPSTREAM_URL = "https://pypi.org/simple/";
var DEFAULT_UPSTREAM_NAME = "pypi";
var UpstreamConfigError = class extends Error {
  static {
    __name(this, "UpstreamConfigError");
  }
};
function basicAuthorization(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
__name(basicAuthorization, "basicAuthorization");
function splitSpec(spec, position) {
  const named = /^([^=:/]+)=(.+)$/.exec(spec);
  if (named?.[1] && named[2]) return { name: named[1], rawUrl: named[2] };
  return { name: position === 0 ? DEFAULT_UPSTREAM_NAME : `upstream${position + 1}`, rawUrl: spec };
}
__name(splitSpec, "splitSpec");
function parseIndexUrl(rawUrl, name) {
  let url;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UpstreamConfigError(`--upstream ${name}: not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UpstreamConfigError(`--upstream ${name}: only http and https URLs are supported`);
  }
  if (url.search || url.hash)
    throw new UpstreamConfigError(`--upstream ${name}: no query or fragment, please`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}
__name(parseIndexUrl, "parseIndexUrl");
function parseUpstream(spec, position, env = process.env) {
  const { name, rawUrl } = splitSpec(spec.trim(), position);
  if (!isValidUpstreamName(name)) {
    throw new UpstreamConfigError(
      `--upstream: invalid name ${JSON.stringify(name)} (lowercase letters, digits, - and _; not simple or files)`
    );
  }
  const url = parseIndexUrl(rawUrl, name);
  let authorization;
  if (url.username || url.password) {
    authorization = basicAuthorization(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = "";
    url.password = "";
  }
  const fromEnv = env[credentialsEnvName(name)];
  if (fromEnv) {
    const colon = fromEnv.indexOf(":");
    authorization = colon < 0 ? basicAuthorization(fromEnv, "") : basicAuthorization(fromEnv.slice(0, colon), fromEnv.slice(colon + 1));
  }
  return authorization ? { name, indexUrl: url.toString(), authorization } : { name, indexUrl: url.toString() };
}
__name(parseUpstream, "parseUpstream");
function parseUpstreams(specs, env = process.env) {
  const upstreams = (specs.length > 0 ? specs : [DEFAULT_UPSTREAM_URL]).map(
    (spec, i) => parseUpstream(spec, i, env)
  );
  const names = /* @__PURE__ */ new Set();
  for (const upstream of upstreams) {
    if (names.has(upstream.name))
      throw new UpstreamConfigError(`--upstream: name ${upstream.name} used twice`);
    names.add(upstream.name);
  }
  return upstreams;
}
__name(parseUpstreams, "parseUpstreams");
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "<invalid url>";
  }
}
__name(redactUrl, "redactUrl");

// src/proxy/upstream/upstream.ts
var UpstreamError = class extends Error {
  constructor(message, retryable, status) {
    super(message);
    this.retryable = retryable;
    this.status = status;
  }
  retryable;
  status;
  static {
    __name(this, "UpstreamError");
  }
};
var UpstreamDeadlineError = class extends UpstreamError {
  static {
    __name(this, "UpstreamDeadlineError");
  }
  constructor(message) {
    super(message, true);
  }
};
var RETRYABLE_STATUS = /* @__PURE__ */ __name((status) => status === 429 || status >= 500, "RETRYABLE_STATUS");
var REDIRECT_STATUS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}
__name(sleep, "sleep");
function sleepUnlessAborted(ms, signal) {
  if (!signal) return sleep(ms);
  return new Promise((done, fail) => {
    const onAbort = /* @__PURE__ */ __name(() => {
      clearTimeout(timer);
      fail(signal.reason);
    }, "onAbort");
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      done();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
__name(sleepUnlessAborted, "sleepUnlessAborted");
function decodedBody(response) {
  const encoding = String(response.headers["content-encoding"] ?? "identity").toLowerCase().trim();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : encoding === "br" ? createBrotliDecompress() : new PassThrough();
  pipeline(response, decoder, () => {
  });
  return decoder;
}
__name(decodedBody, "decodedBody");
function announcedLength(response) {
  const encoding = response.headers["content-encoding"];
  const length = Number(response.headers["content-length"]);
  if (encoding && encoding !== "identity" || !Number.isSafeInteger(length) || length < 0) return void 0;
  return length;
}
__name(announcedLength, "announcedLength");
var UpstreamClient = class {
  constructor(options = {}) {
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? 3e4;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxRedirects = options.maxRedirects ?? 5;
  }
  options;
  static {
    __name(this, "UpstreamClient");
  }
  httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  timeoutMs;
  retries;
  backoffMs;
  maxRedirects;
  /** Exponential backoff with jitter, so clients of a struggling upstream do not retry in step. */
  backoffDelay(tries) {
    return this.backoffMs * 2 ** tries * (0.75 + Math.random() / 2);
  }
  /**
   * Runs `attempt` until it succeeds, fails for good, or the retries are used up. Once `signal`
   * aborts, no further attempt starts and its reason is the error.
   */
  async withRetries(label, attempt, signal) {
    for (let tries = 0; ; tries++) {
      signal?.throwIfAborted();
      try {
        return await attempt();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const retryable = !(error instanceof UpstreamError) || error.retryable;
        if (!retryable || tries >= this.retries) throw error;
        const delay = this.backoffDelay(tries);
        this.options.onRetry?.(`${label}: ${error.message}; retrying in ${Math.round(delay)} ms`);
        await sleepUnlessAborted(delay, signal);
      }
    }
  }
  /** One request with redirects and retries; a 429/5xx answer counts as a failed attempt. */
  request(url, options) {
    return this.withRetries(redactUrl(url), async () => {
      const response = await this.requestOnce(url, options);
      if (RETRYABLE_STATUS(response.status)) {
        response.body.destroy();
        throw new UpstreamError(
          `${redactUrl(response.url)} answered ${response.status}`,
          true,
          response.status
        );
      }
      return response;
    });
  }
  /** A single attempt, following redirects. */
  async requestOnce(url, options) {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await this.send(current, options);
      const location = response.headers.location;
      if (!REDIRECT_STATUS.has(response.statusCode ?? 0) || !location) {
        return {
          status: response.statusCode ?? 0,
          headers: response.headers,
          url: current,
          body: decodedBody(response),
          contentLength: announcedLength(response)
        };
      }
      response.resume();
      if (hop >= this.maxRedirects)
        throw new UpstreamError(`too many redirects from ${redactUrl(url)}`, false);
      current = new URL(location, current).toString();
      if (!/^https?:$/.test(new URL(current).protocol)) {
        throw new UpstreamError(`redirect to an unsupported scheme from ${redactUrl(url)}`, false);
      }
    }
  }
  send(url, options) {
    const target = new URL(url);
    const headers = { "user-agent": "pypi-cache-proxy", ...options.headers };
    if (options.upstream.authorization && target.origin === new URL(options.upstream.indexUrl).origin) {
      headers.authorization = options.upstream.authorization;
    }
    const secure = target.protocol === "https:";
    const request = (secure ? https : http).request;
    return new Promise((resolve, reject) => {
      const req = request(target, {
        method: options.method ?? "GET",
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        signal: options.signal
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(new UpstreamError(`${redactUrl(url)}: no data for ${this.timeoutMs} ms`, true));
      });
      req.once("response", resolve);
      req.once("error", (error) => {
        reject(
          options.signal?.aborted ? options.signal.reason : error instanceof UpstreamError ? error : new UpstreamError(`${redactUrl(url)}: ${error.message}`, true)
        );
      });
      req.end();
    });
  }
  close() {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
};
var BodyTooLargeError = class extends UpstreamError {
  constructor(maxBytes) {
    super(`upstream body larger than ${maxBytes} bytes`, false);
    this.maxBytes = maxBytes;
  }
  maxBytes;
  static {
    __name(this, "BodyTooLargeError");
  }
};
async function readBody(body, maxBytes) {
  const chunks = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
__name(readBody, "readBody");

// src/proxy/files/downloads.ts
var Download = class extends EventEmitter {
  constructor(target, run2) {
    super();
    this.target = target;
    this.run = run2;
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
  static {
    __name(this, "Download");
  }
  state = "starting";
  written = 0;
  /** Bytes the file will have, when the upstream or the index said so. */
  total;
  sha256;
  error;
  /** Settles once the upstream answered 200 (readers may start) or failed. */
  started;
  /** Settles with the sha256 once the file is in the store. */
  done;
  /** Where the bytes are once committed: late readers open it there. */
  committedPath;
  readHandle;
  readers = 0;
  /** Whether any client has read bytes of this download while it was under way. */
  streamed = false;
  setReadHandle(handle2) {
    this.readHandle = Promise.resolve(handle2);
  }
  /** Waits for the next write, commit or failure. */
  changed() {
    return new Promise((resolve) => this.once("change", resolve));
  }
  /** How far readers may go: one byte short of the writer until the hash checked out. */
  readableLimit() {
    return this.state === "committed" ? this.written : Math.max(0, this.written - 1);
  }
  async readAt(position, length) {
    if (!this.readHandle && this.committedPath) this.readHandle = open(this.committedPath, "r");
    if (!this.readHandle) throw new Error("download has no data yet");
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await (await this.readHandle).read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }
  acquire() {
    this.readers++;
    this.streamed = true;
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
    const handle2 = this.readHandle;
    this.readHandle = void 0;
    this.state = "starting";
    this.written = 0;
    await (await handle2)?.close();
  }
  async release() {
    this.readers--;
    await this.closeIfIdle();
  }
  async closeIfIdle() {
    if (this.readers > 0 || this.state !== "committed" && this.state !== "failed" || !this.readHandle)
      return;
    const handle2 = this.readHandle;
    this.readHandle = void 0;
    await (await handle2).close();
  }
};
var TailReader = class extends Readable {
  constructor(download, start = 0, end) {
    super({ highWaterMark: 256 * 1024 });
    this.download = download;
    this.end = end;
    this.position = start;
  }
  download;
  end;
  static {
    __name(this, "TailReader");
  }
  position;
  acquired = false;
  _read(size) {
    if (!this.acquired) {
      this.download.acquire();
      this.acquired = true;
    }
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
        this.position += chunk.length;
        this.push(chunk);
        return;
      }
      if (this.download.state === "committed") {
        this.push(null);
        return;
      }
      await this.download.changed();
    }
  }
  _destroy(error, callback) {
    if (!this.acquired) {
      callback(error);
      return;
    }
    this.acquired = false;
    this.download.release().then(
      () => callback(error),
      () => callback(error)
    );
  }
};
var MAX_RESUMES = 16;
var DownloadCoordinator = class {
  constructor(store, client, events = {}) {
    this.store = store;
    this.client = client;
    this.events = events;
  }
  store;
  client;
  events;
  static {
    __name(this, "DownloadCoordinator");
  }
  inFlight = /* @__PURE__ */ new Map();
  /** The download under way for this target, or a new one. */
  get(target) {
    const existing = this.inFlight.get(target.key);
    if (existing) return existing;
    const download = new Download(target, (d) => this.fetchToStore(d));
    this.inFlight.set(target.key, download);
    download.done.finally(() => {
      this.inFlight.delete(target.key);
      return download.closeIfIdle();
    }).catch(() => {
    });
    return download;
  }
  get activeCount() {
    return this.inFlight.size;
  }
  /** Lets every download under way finish (or fail): used on shutdown. */
  async drain() {
    await Promise.allSettled([...this.inFlight.values()].map((download) => download.done));
  }
  async fetchToStore(download) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce(download);
      } catch (error) {
        const again = download.state === "streaming" && download.restartable && attempt < this.client.retries;
        if (!again) {
          const failure = typedFailure(error, download.target.url);
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
    let writer;
    try {
      const response = await this.client.request(target.url, {
        upstream: target.upstream,
        // Files are stored byte for byte; ask for no transfer coding at all.
        headers: { "accept-encoding": "identity" }
      });
      if (response.status === 404 || response.status === 410) {
        response.body.destroy();
        throw new NotFoundError(`${redactUrl(target.url)} is gone upstream`);
      }
      if (response.status !== 200) {
        response.body.destroy();
        throw new UpstreamError(
          `${redactUrl(response.url)} answered ${response.status}`,
          false,
          response.status
        );
      }
      download.total = response.contentLength ?? target.expectedSize;
      writer = await open(tempPath, "wx");
      download.setReadHandle(await open(tempPath, "r"));
      download.state = "streaming";
      download.emit("started");
      this.events.onFetched?.(target);
      const sha256 = await this.copyHashing(download, response.body, writer);
      await writer.close();
      writer = void 0;
      await this.store.commitFile(tempPath, sha256);
      download.committedPath = this.store.filePath(sha256);
      await target.onCommitted?.(sha256);
      download.sha256 = sha256;
      download.state = "committed";
      download.emit("change");
      return sha256;
    } catch (error) {
      await writer?.close().catch(() => {
      });
      await rm(tempPath, { force: true });
      throw error;
    }
  }
  /**
   * Copies the body to the temp file while hashing. A body cut short (reset, timeout, early
   * close) is resumed with a Range request from the bytes already written: safe because the
   * final sha256 covers the whole file, and readers are held back until it matched. Files
   * without an expected hash are never stitched together; they fail instead.
   */
  async copyHashing(download, firstBody, writer) {
    const { target } = download;
    const hash = createHash("sha256");
    let body = firstBody;
    let stalled = 0;
    for (let resumes = 0; ; resumes++) {
      const before = download.written;
      try {
        await this.appendBody(download, body, writer, hash);
        break;
      } catch (error) {
        const resumable = !(error instanceof IntegrityError) && target.expectedSha256 !== void 0;
        stalled = download.written > before ? 0 : stalled + 1;
        if (!resumable || stalled > this.client.retries || resumes >= MAX_RESUMES) throw error;
        await sleep(this.client.backoffDelay(Math.max(0, stalled - 1)));
        body = await this.reopenAt(target, download.written);
      }
    }
    if (download.total !== void 0 && download.written !== download.total) {
      throw new IntegrityError(
        `${redactUrl(target.url)}: got ${download.written} of ${download.total} bytes`
      );
    }
    const sha256 = hash.digest("hex");
    if (target.expectedSha256 !== void 0 && sha256 !== target.expectedSha256) {
      throw new IntegrityError(`${redactUrl(target.url)}: sha256 ${sha256} does not match the index`);
    }
    return sha256;
  }
  async appendBody(download, body, writer, hash) {
    for await (const chunk of body) {
      if (download.total !== void 0 && download.written + chunk.length > download.total) {
        body.destroy();
        throw new IntegrityError(`${redactUrl(download.target.url)}: more bytes than announced`);
      }
      hash.update(chunk);
      await writer.write(chunk);
      download.written += chunk.length;
      this.events.onUpstreamBytes?.(chunk.length);
      download.emit("change");
    }
  }
  /** The rest of the file from `offset`: a 206 as asked, or a 200 with the prefix skipped. */
  async reopenAt(target, offset) {
    const response = await this.client.request(target.url, {
      upstream: target.upstream,
      headers: { "accept-encoding": "identity", range: `bytes=${offset}-` }
    });
    const contentRange = String(response.headers["content-range"] ?? "");
    if (response.status === 206 && contentRange.startsWith(`bytes ${offset}-`)) return response.body;
    if (response.status === 200) {
      const rest = skipBytes(offset);
      pipeline2(response.body, rest, () => {
      });
      return rest;
    }
    response.body.destroy();
    throw new UpstreamError(`${redactUrl(response.url)}: cannot resume (status ${response.status})`, true);
  }
};
function typedFailure(error, url) {
  if (error instanceof IntegrityError || error instanceof UpstreamError || error instanceof NotFoundError)
    return error;
  return new UpstreamError(`${redactUrl(url)}: ${error.message}`, true);
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

// src/proxy/http/routes.ts
var MAX_TARGET_LENGTH = 4096;
var NO_HASH = "nohash";
function splitTarget(target) {
  if (target.length > MAX_TARGET_LENGTH) throw new BadRequestError("request target too long");
  if (!target.startsWith("/")) throw new BadRequestError("request target must be a path");
  const path = target.split(/[?#]/, 1)[0] ?? "/";
  return path.slice(1).split("/").map((raw) => {
    let segment;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new BadRequestError("malformed percent-encoding");
    }
    if (segment === "." || segment === ".." || /[/\\\0]/.test(segment)) {
      throw new BadRequestError("path segment not allowed");
    }
    return segment;
  });
}
__name(splitTarget, "splitTarget");
function fileHref(upstream, project, hash, filename) {
  return `/files/${upstream}/${project}/${hash ?? NO_HASH}/${encodeURIComponent(filename)}`;
}
__name(fileHref, "fileHref");
function simpleRoute(segments, upstream, prefix) {
  const [project, ...rest] = segments;
  if (project === void 0) return { kind: "redirect", location: prefix };
  if (project === "" && rest.length === 0) return { kind: "project-list", upstream, prefix };
  if (!isValidProjectName(project) || rest.length > 1 || rest.length === 1 && rest[0] !== "") {
    throw new NotFoundError("no such page");
  }
  if (!isNormalizedProjectName(project) || rest.length === 0) {
    return { kind: "redirect", location: `${prefix}${normalizeProjectName(project)}/` };
  }
  return { kind: "project", upstream, project };
}
__name(simpleRoute, "simpleRoute");
function fileRoute(segments, upstreams) {
  const [upstream, project, hash, name, ...rest] = segments;
  if (upstream === void 0 || project === void 0 || hash === void 0 || name === void 0) {
    throw new NotFoundError("no such file");
  }
  if (rest.length > 0 || !upstreams.has(upstream) || !isNormalizedProjectName(project)) {
    throw new NotFoundError("no such file");
  }
  if (hash !== NO_HASH && !isSha256Hex(hash)) throw new NotFoundError("no such file");
  if (!isValidFileName(name)) throw new NotFoundError("no such file");
  const metadata = name.endsWith(".metadata");
  const filename = metadata ? name.slice(0, -".metadata".length) : name;
  if (!isValidFileName(filename)) throw new NotFoundError("no such file");
  return { kind: "file", upstream, project, hash, filename, metadata };
}
__name(fileRoute, "fileRoute");
function matchRoute(target, upstreams) {
  const segments = splitTarget(target);
  const [first, second, ...rest] = segments;
  const defaultUpstream = upstreams[0] ?? "";
  if (first === "-" && rest.length === 0 && second === "health") return { kind: "health" };
  if (first === "-" && rest.length === 0 && second === "stats") return { kind: "stats" };
  if (first === "-" && rest.length === 0 && second === "manifest") return { kind: "manifest" };
  if (first === "simple") return simpleRoute(segments.slice(1), defaultUpstream, "/simple/");
  if (first === "files") return fileRoute(segments.slice(1), new Set(upstreams));
  if (first !== void 0 && first !== defaultUpstream && upstreams.includes(first) && second === "simple") {
    return simpleRoute(segments.slice(2), first, `/${first}/simple/`);
  }
  throw new NotFoundError("no such route");
}
__name(matchRoute, "matchRoute");

// src/proxy/files/file-service.ts
var FileService = class {
  constructor(store, pages, downloads, manifest) {
    this.store = store;
    this.pages = pages;
    this.downloads = downloads;
    this.manifest = manifest;
  }
  store;
  pages;
  downloads;
  manifest;
  static {
    __name(this, "FileService");
  }
  async resolve(upstream, route) {
    if (route.hash !== NO_HASH && !route.metadata) {
      const stored = await this.stored(route.hash);
      if (stored) return stored;
    }
    const { value: page } = await this.pages.project(upstream, route.project);
    const origin = originOf(
      page.files.find((file) => file.filename === route.filename),
      route
    );
    if (origin.expectedSha256) {
      const stored = await this.stored(origin.expectedSha256);
      if (stored) return stored;
    } else {
      const named = await this.store.readName(upstream.name, route.project, origin.recordName);
      const stored = named && await this.stored(named);
      if (stored) {
        this.manifest.name(upstream.name, route.project, origin.recordName);
        return stored;
      }
    }
    return this.download(upstream, route, origin);
  }
  download(upstream, route, origin) {
    const download = this.downloads.get({
      key: origin.expectedSha256 ?? `name:${upstream.name}/${route.project}/${origin.recordName}`,
      upstream,
      url: origin.url,
      expectedSha256: origin.expectedSha256,
      expectedSize: origin.expectedSize,
      onCommitted: /* @__PURE__ */ __name(async (sha256) => {
        this.manifest.file(sha256);
        if (origin.expectedSha256) return;
        await this.store.writeName(upstream.name, route.project, origin.recordName, sha256);
        this.manifest.name(upstream.name, route.project, origin.recordName);
      }, "onCommitted")
    });
    return { kind: "download", download, expectedSha256: origin.expectedSha256 };
  }
  async stored(sha256) {
    const size = await this.store.fileSize(sha256);
    if (size === void 0) return void 0;
    this.manifest.file(sha256);
    return { kind: "stored", sha256, path: this.store.filePath(sha256), size };
  }
};
function indexSha256(file) {
  const sha256 = file.hashes.sha256;
  return sha256 !== void 0 && isSha256Hex(sha256) ? sha256 : void 0;
}
__name(indexSha256, "indexSha256");
function originOf(file, route) {
  if (!file || (indexSha256(file) ?? NO_HASH) !== route.hash)
    throw new NotFoundError("no such file on the page");
  if (!route.metadata) {
    return {
      url: file.url,
      expectedSha256: indexSha256(file),
      expectedSize: file.size,
      recordName: file.filename
    };
  }
  if (file.coreMetadata === void 0) throw new NotFoundError("the index offers no metadata for this file");
  return {
    url: `${file.url}.metadata`,
    expectedSha256: file.coreMetadata !== true && isSha256Hex(file.coreMetadata.sha256 ?? "") ? file.coreMetadata.sha256 : void 0,
    recordName: `${file.filename}.metadata`
  };
}
__name(originOf, "originOf");

// src/proxy/http/access-log.ts
import { createWriteStream } from "node:fs";
var ProxyLog = class {
  constructor(path, onWarning = () => {
  }) {
    this.onWarning = onWarning;
    if (path) this.stream = createWriteStream(path, { flags: "a" });
  }
  onWarning;
  static {
    __name(this, "ProxyLog");
  }
  stream;
  access(entry) {
    this.write({ time: (/* @__PURE__ */ new Date()).toISOString(), ...entry });
  }
  warn(message) {
    this.onWarning(message);
    this.write({ time: (/* @__PURE__ */ new Date()).toISOString(), level: "warn", message });
  }
  write(record) {
    this.stream?.write(`${JSON.stringify(record)}
`);
  }
  close() {
    const stream = this.stream;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
};

// src/proxy/http/server.ts
import http2 from "node:http";

// src/proxy/files/file-responses.ts
import { createReadStream } from "node:fs";
import { pipeline as pipeline3 } from "node:stream/promises";

// src/proxy/http/byte-ranges.ts
function decideRange(rangeHeader, ifRange, etag, size) {
  if (!rangeHeader) return { kind: "full" };
  if (ifRange !== void 0 && ifRange.trim() !== etag) return { kind: "full" };
  const spec = parseRangeSpec(rangeHeader);
  if (!spec) return { kind: "full" };
  const { first, last } = spec;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: "unsatisfiable" };
  return { kind: "partial", range: { start, end } };
}
__name(decideRange, "decideRange");
var DIGITS = /^\d*$/;
function parseRangeSpec(header) {
  const equals = header.indexOf("=");
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return void 0;
  const set = header.slice(equals + 1);
  const dash = set.indexOf("-");
  if (dash < 0) return void 0;
  const first = set.slice(0, dash).trim();
  const last = set.slice(dash + 1).trim();
  if (!DIGITS.test(first) || !DIGITS.test(last) || first === "" && last === "") return void 0;
  return { first, last };
}
__name(parseRangeSpec, "parseRangeSpec");

// src/proxy/files/file-responses.ts
var IMMUTABLE = "public, max-age=31536000, immutable";
var VERIFY_FIRST_MAX_BYTES = 8 * 1024 * 1024;
function fileHeaders(etag) {
  const headers = {
    "content-type": "application/octet-stream",
    "accept-ranges": "bytes",
    "cache-control": IMMUTABLE
  };
  if (etag) headers.etag = etag;
  return headers;
}
__name(fileHeaders, "fileHeaders");
function etagFor(sha256) {
  return `"${sha256}"`;
}
__name(etagFor, "etagFor");
function matchesIfNoneMatch(header, etag) {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const value = candidate.trim().replace(/^W\//, "");
    return value === "*" || value === etag;
  });
}
__name(matchesIfNoneMatch, "matchesIfNoneMatch");
async function sendStoredFile(req, res, file) {
  const etag = etagFor(file.sha256);
  const headers = fileHeaders(etag);
  if (matchesIfNoneMatch(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const ifRange = req.headers["if-range"];
  const decision = decideRange(
    req.headers.range,
    typeof ifRange === "string" ? ifRange : void 0,
    etag,
    file.size
  );
  if (decision.kind === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${file.size}` }).end();
    return;
  }
  const { start, end } = decision.kind === "partial" ? decision.range : { start: 0, end: file.size - 1 };
  const length = end - start + 1;
  if (decision.kind === "partial") headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
  res.writeHead(decision.kind === "partial" ? 206 : 200, {
    ...headers,
    "content-length": Math.max(0, length)
  });
  if (req.method === "HEAD" || length <= 0) {
    res.end();
    return;
  }
  activeStoreReads++;
  try {
    await pipeline3(createReadStream(file.path, { start, end, highWaterMark: readChunkBytes() }), res);
  } finally {
    activeStoreReads--;
  }
}
__name(sendStoredFile, "sendStoredFile");
var READ_BUDGET_BYTES = 2 * 1024 * 1024;
var MAX_READ_CHUNK_BYTES = 256 * 1024;
var MIN_READ_CHUNK_BYTES = 64 * 1024;
var activeStoreReads = 0;
function readChunkBytes() {
  const share = Math.floor(READ_BUDGET_BYTES / Math.max(1, activeStoreReads));
  return Math.min(MAX_READ_CHUNK_BYTES, Math.max(MIN_READ_CHUNK_BYTES, share));
}
__name(readChunkBytes, "readChunkBytes");
async function sendDownloading(res, download, etag) {
  const headers = fileHeaders(etag);
  if (download.total !== void 0) headers["content-length"] = download.total;
  res.writeHead(200, headers);
  await pipeline3(new TailReader(download), res);
}
__name(sendDownloading, "sendDownloading");
async function sendFile(req, res, file) {
  if (file.kind === "stored") {
    await sendStoredFile(req, res, file);
    return "store";
  }
  const { download } = file;
  await download.started;
  const small = download.total !== void 0 && download.total <= VERIFY_FIRST_MAX_BYTES;
  const waitForCommit = small || req.method === "HEAD" || req.headers.range !== void 0;
  if (waitForCommit) {
    const sha256 = await download.done;
    await sendStoredFile(req, res, { sha256, path: download.committedPath ?? "", size: download.written });
    return "upstream";
  }
  await sendDownloading(res, download, file.expectedSha256 && etagFor(file.expectedSha256));
  return "upstream";
}
__name(sendFile, "sendFile");

// src/proxy/pages/html-entities.ts
var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\xA0" };
var REFERENCE = /&(#x[0-9a-f]{1,8}|#[0-9]{1,10}|[a-z]{1,32});/gi;
function decodeEntities(text) {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (whole, body) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 1114111 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}
__name(decodeEntities, "decodeEntities");
function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
__name(escapeHtml, "escapeHtml");

// src/proxy/pages/html-scanner.ts
var SPACE = /* @__PURE__ */ new Set([" ", "	", "\n", "\r", "\f"]);
function isNameChar(char) {
  return char !== "" && !SPACE.has(char) && char !== ">" && char !== "/" && char !== "=" && char !== "<";
}
__name(isNameChar, "isNameChar");
function isLetter(char) {
  return char >= "a" && char <= "z" || char >= "A" && char <= "Z";
}
__name(isLetter, "isLetter");
function readTag(html, start) {
  let i = start + 1;
  const closing = html[i] === "/";
  if (closing) i++;
  const nameStart = i;
  while (i < html.length && isNameChar(html[i] ?? "")) i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attributes = /* @__PURE__ */ new Map();
  while (i < html.length) {
    const char = html[i] ?? "";
    if (char === ">") return { name, closing, attributes, end: i + 1 };
    if (SPACE.has(char) || char === "/" || char === "=" || char === "<") {
      i++;
      continue;
    }
    const attrStart = i;
    while (i < html.length && isNameChar(html[i] ?? "")) i++;
    const attrName = html.slice(attrStart, i).toLowerCase();
    let j = i;
    while (SPACE.has(html[j] ?? "")) j++;
    let value = "";
    if (html[j] === "=") {
      j++;
      while (SPACE.has(html[j] ?? "")) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) return void 0;
        value = html.slice(j + 1, close);
        i = close + 1;
      } else {
        const valueStart = j;
        while (j < html.length && !SPACE.has(html[j] ?? "") && html[j] !== ">") j++;
        value = html.slice(valueStart, j);
        i = j;
      }
    }
    if (attrName !== "" && !attributes.has(attrName)) attributes.set(attrName, decodeEntities(value));
  }
  return void 0;
}
__name(readTag, "readTag");
function skipDeclaration(html, start) {
  if (html.startsWith("<!--", start)) {
    const close2 = html.indexOf("-->", start + 4);
    return close2 < 0 ? html.length : close2 + 3;
  }
  const close = html.indexOf(">", start + 2);
  return close < 0 ? html.length : close + 1;
}
__name(skipDeclaration, "skipDeclaration");
function scanHtml(html) {
  const scanned = { anchors: [] };
  let open2;
  const closeAnchor = /* @__PURE__ */ __name((closedProperly) => {
    if (!open2) return;
    const text = closedProperly ? decodeEntities(open2.text.join("")).trim() : "";
    scanned.anchors.push({ attributes: open2.attributes, text });
    open2 = void 0;
  }, "closeAnchor");
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    const textEnd = lt < 0 ? html.length : lt;
    if (open2 && textEnd > i) open2.text.push(html.slice(i, textEnd));
    if (lt < 0) break;
    const next = html[lt + 1] ?? "";
    if (next === "!" || next === "?") {
      i = skipDeclaration(html, lt);
      continue;
    }
    if (!isLetter(next) && next !== "/") {
      if (open2) open2.text.push("<");
      i = lt + 1;
      continue;
    }
    const tag = readTag(html, lt);
    if (!tag) break;
    i = tag.end;
    if (tag.name === "a") {
      if (tag.closing) closeAnchor(true);
      else {
        closeAnchor(false);
        open2 = { attributes: tag.attributes, text: [] };
      }
    } else if (!tag.closing && tag.name === "base") {
      if (scanned.baseHref === void 0 && tag.attributes.has("href"))
        scanned.baseHref = tag.attributes.get("href");
    } else if (!tag.closing && tag.name === "meta") {
      if (tag.attributes.get("name") === "pypi:repository-version")
        scanned.repositoryVersion = tag.attributes.get("content");
    }
  }
  closeAnchor(false);
  return scanned;
}
__name(scanHtml, "scanHtml");

// src/proxy/pages/pages.ts
var PageFormatError = class extends Error {
  static {
    __name(this, "PageFormatError");
  }
};
var KNOWN_FILE_KEYS = /* @__PURE__ */ new Set([
  "filename",
  "url",
  "hashes",
  "requires-python",
  "core-metadata",
  "dist-info-metadata",
  "data-dist-info-metadata",
  "yanked",
  "size",
  "upload-time",
  "gpg-sig"
]);
var KNOWN_PAGE_KEYS = /* @__PURE__ */ new Set(["meta", "name", "files", "versions"]);
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
__name(isRecord, "isRecord");
function stringRecord(value) {
  const out = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === "string")
      out[key.toLowerCase()] = key.toLowerCase() === "sha256" ? entry.toLowerCase() : entry;
  }
  return out;
}
__name(stringRecord, "stringRecord");
function absoluteFileUrl(href, pageUrl) {
  let url;
  try {
    url = new URL(href, pageUrl);
  } catch {
    return void 0;
  }
  url.hash = "";
  url.username = "";
  url.password = "";
  return url.toString();
}
__name(absoluteFileUrl, "absoluteFileUrl");
function parseCoreMetadata(value) {
  if (value === true) return true;
  if (isRecord(value)) {
    const hashes = stringRecord(value);
    return Object.keys(hashes).length > 0 ? hashes : true;
  }
  return void 0;
}
__name(parseCoreMetadata, "parseCoreMetadata");
function parseJsonFile(raw, pageUrl) {
  if (!isRecord(raw) || typeof raw.filename !== "string" || typeof raw.url !== "string") return void 0;
  const extra = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_FILE_KEYS.has(key)) extra[key] = value;
  const coreMetadata = parseCoreMetadata(raw["core-metadata"] ?? raw["dist-info-metadata"]);
  const url = absoluteFileUrl(raw.url, pageUrl);
  if (url === void 0) return void 0;
  const file = {
    filename: raw.filename,
    url,
    hashes: stringRecord(raw.hashes),
    extra
  };
  if (typeof raw["requires-python"] === "string") file.requiresPython = raw["requires-python"];
  if (coreMetadata) file.coreMetadata = coreMetadata;
  if (raw.yanked === true || typeof raw.yanked === "string" && raw.yanked !== "") file.yanked = raw.yanked;
  else if (typeof raw.yanked === "string") file.yanked = true;
  if (typeof raw.size === "number" && Number.isSafeInteger(raw.size) && raw.size >= 0) file.size = raw.size;
  if (typeof raw["upload-time"] === "string") file.uploadTime = raw["upload-time"];
  if (typeof raw["gpg-sig"] === "boolean") file.gpgSig = raw["gpg-sig"];
  return file;
}
__name(parseJsonFile, "parseJsonFile");
function parseJsonPage(body, pageUrl, fallbackName) {
  let raw;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new PageFormatError(`upstream page is not valid JSON: ${error.message}`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.files))
    throw new PageFormatError("upstream JSON page has no files list");
  const extra = {};
  for (const [key, value] of Object.entries(raw)) if (!KNOWN_PAGE_KEYS.has(key)) extra[key] = value;
  const page = {
    name: typeof raw.name === "string" ? raw.name : fallbackName,
    meta: isRecord(raw.meta) ? raw.meta : { "api-version": "1.0" },
    files: raw.files.flatMap((file) => parseJsonFile(file, pageUrl) ?? []),
    extra
  };
  if (Array.isArray(raw.versions))
    page.versions = raw.versions.filter((v) => typeof v === "string");
  return page;
}
__name(parseJsonPage, "parseJsonPage");
function parseJsonProjectList(body) {
  let raw;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw new PageFormatError(`upstream index is not valid JSON: ${error.message}`);
  }
  if (!isRecord(raw) || !Array.isArray(raw.projects))
    throw new PageFormatError("upstream JSON index has no projects");
  const projects = raw.projects.flatMap(
    (entry) => isRecord(entry) && typeof entry.name === "string" ? [entry.name] : []
  );
  return { meta: isRecord(raw.meta) ? raw.meta : { "api-version": "1.0" }, projects };
}
__name(parseJsonProjectList, "parseJsonProjectList");
function renderJsonFile(file, href) {
  const out = { filename: file.filename, url: href(file), hashes: file.hashes };
  if (file.requiresPython !== void 0) out["requires-python"] = file.requiresPython;
  if (file.coreMetadata !== void 0) out["core-metadata"] = file.coreMetadata;
  if (file.gpgSig !== void 0) out["gpg-sig"] = file.gpgSig;
  if (file.yanked !== void 0) out.yanked = file.yanked;
  if (file.size !== void 0) out.size = file.size;
  if (file.uploadTime !== void 0) out["upload-time"] = file.uploadTime;
  return { ...file.extra, ...out };
}
__name(renderJsonFile, "renderJsonFile");
function renderJsonPage(page, href) {
  const out = {
    ...page.extra,
    meta: page.meta,
    name: page.name,
    files: page.files.map((file) => renderJsonFile(file, href))
  };
  if (page.versions !== void 0) out.versions = page.versions;
  return JSON.stringify(out);
}
__name(renderJsonPage, "renderJsonPage");
function renderJsonProjectList(list) {
  return JSON.stringify({ meta: list.meta, projects: list.projects.map((name) => ({ name })) });
}
__name(renderJsonProjectList, "renderJsonProjectList");
function hashFragment(hashes) {
  const name = hashes.sha256 !== void 0 ? "sha256" : Object.keys(hashes)[0];
  return name === void 0 ? "" : `#${name}=${hashes[name]}`;
}
__name(hashFragment, "hashFragment");
function apiVersion(meta) {
  return typeof meta["api-version"] === "string" ? meta["api-version"] : "1.0";
}
__name(apiVersion, "apiVersion");

// src/proxy/pages/html-page.ts
function hashesFromFragment(href) {
  const fragment = href.split("#")[1];
  if (!fragment) return {};
  const [name, value] = fragment.split("=");
  if (!name || !value) return {};
  return { [name.toLowerCase()]: name.toLowerCase() === "sha256" ? value.toLowerCase() : value };
}
__name(hashesFromFragment, "hashesFromFragment");
function metadataFromAttribute(value) {
  if (value === void 0) return void 0;
  const [name, digest] = value.split("=");
  if (name && digest)
    return { [name.toLowerCase()]: name.toLowerCase() === "sha256" ? digest.toLowerCase() : digest };
  return true;
}
__name(metadataFromAttribute, "metadataFromAttribute");
function fileNameOfUrl(url) {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  } catch {
    return "";
  }
}
__name(fileNameOfUrl, "fileNameOfUrl");
function fileFromAnchor(anchor, baseUrl) {
  const href = anchor.attributes.get("href");
  if (!href) return void 0;
  const url = absoluteFileUrl(href, baseUrl);
  if (url === void 0) return void 0;
  const filename = anchor.text || fileNameOfUrl(url);
  if (!filename) return void 0;
  const file = { filename, url, hashes: hashesFromFragment(href), extra: {} };
  const requiresPython = anchor.attributes.get("data-requires-python");
  if (requiresPython) file.requiresPython = requiresPython;
  const coreMetadata = metadataFromAttribute(
    anchor.attributes.get("data-core-metadata") ?? anchor.attributes.get("data-dist-info-metadata")
  );
  if (coreMetadata) file.coreMetadata = coreMetadata;
  const yanked = anchor.attributes.get("data-yanked");
  if (yanked !== void 0) file.yanked = yanked === "" ? true : yanked;
  if (anchor.attributes.has("data-gpg-sig")) file.gpgSig = anchor.attributes.get("data-gpg-sig") === "true";
  return file;
}
__name(fileFromAnchor, "fileFromAnchor");
function parseHtmlPage(html, pageUrl, name) {
  const scanned = scanHtml(html);
  const baseUrl = scanned.baseHref && absoluteFileUrl(scanned.baseHref, pageUrl) || pageUrl;
  return {
    name,
    meta: { "api-version": scanned.repositoryVersion ?? "1.0" },
    files: scanned.anchors.flatMap((anchor) => fileFromAnchor(anchor, baseUrl) ?? []),
    extra: {}
  };
}
__name(parseHtmlPage, "parseHtmlPage");
function parseHtmlProjectList(html) {
  const scanned = scanHtml(html);
  return {
    meta: { "api-version": scanned.repositoryVersion ?? "1.0" },
    projects: scanned.anchors.map((anchor) => anchor.text).filter((text) => text !== "")
  };
}
__name(parseHtmlProjectList, "parseHtmlProjectList");
function metadataAttribute(coreMetadata) {
  if (coreMetadata === void 0) return "";
  const fragment = coreMetadata === true ? "" : hashFragment(coreMetadata).slice(1);
  return ` data-core-metadata="${escapeHtml(fragment || "true")}"`;
}
__name(metadataAttribute, "metadataAttribute");
function renderAnchor(file, href) {
  let attributes = ` href="${escapeHtml(href(file) + hashFragment(file.hashes))}"`;
  if (file.requiresPython !== void 0)
    attributes += ` data-requires-python="${escapeHtml(file.requiresPython)}"`;
  attributes += metadataAttribute(file.coreMetadata);
  if (file.gpgSig !== void 0) attributes += ` data-gpg-sig="${file.gpgSig}"`;
  if (file.yanked !== void 0)
    attributes += ` data-yanked="${file.yanked === true ? "" : escapeHtml(file.yanked)}"`;
  return `    <a${attributes}>${escapeHtml(file.filename)}</a><br />`;
}
__name(renderAnchor, "renderAnchor");
function htmlDocument(title, version, body) {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    `    <meta name="pypi:repository-version" content="${escapeHtml(version)}">`,
    `    <title>${escapeHtml(title)}</title>`,
    "  </head>",
    "  <body>",
    `    <h1>${escapeHtml(title)}</h1>`,
    ...body,
    "  </body>",
    "</html>",
    ""
  ].join("\n");
}
__name(htmlDocument, "htmlDocument");
function renderHtmlPage(page, href) {
  return htmlDocument(
    `Links for ${page.name}`,
    apiVersion(page.meta),
    page.files.map((file) => renderAnchor(file, href))
  );
}
__name(renderHtmlPage, "renderHtmlPage");
function renderHtmlProjectList(list, prefix, normalize) {
  return htmlDocument(
    "Simple index",
    apiVersion(list.meta),
    list.projects.map(
      (name) => `    <a href="${escapeHtml(`${prefix}${normalize(name)}/`)}">${escapeHtml(name)}</a><br />`
    )
  );
}
__name(renderHtmlProjectList, "renderHtmlProjectList");

// src/proxy/http/body-counter.ts
function countBodyBytes(res) {
  let bytes = 0;
  const count = /* @__PURE__ */ __name((chunk) => {
    if (typeof chunk === "string") bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  }, "count");
  const write = res.write;
  const end = res.end;
  res.write = function(...args) {
    count(args[0]);
    return Reflect.apply(write, this, args);
  };
  res.end = function(...args) {
    if (typeof args[0] !== "function") count(args[0]);
    return Reflect.apply(end, this, args);
  };
  return () => bytes;
}
__name(countBodyBytes, "countBodyBytes");

// src/proxy/http/negotiation.ts
var CONTENT_TYPES = {
  json: "application/vnd.pypi.simple.v1+json",
  "html-v1": "application/vnd.pypi.simple.v1+html",
  html: "text/html; charset=utf-8"
};
var FORMAT_TYPES = {
  json: ["application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json"],
  "html-v1": ["application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html"],
  html: ["text/html"]
};
function parseAccept(header) {
  const ranges = [];
  header.split(",").forEach((part, order) => {
    const [mediaType = "", ...params] = part.split(";").map((piece) => piece.trim());
    const [type, subtype] = mediaType.toLowerCase().split("/");
    if (!type || !subtype) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((piece) => piece.trim());
      if (key?.toLowerCase() === "q" && value !== void 0) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q, order });
  });
  return ranges;
}
__name(parseAccept, "parseAccept");
function bestMatch(mediaType, ranges) {
  const [type, subtype] = mediaType.split("/");
  let best;
  for (const range of ranges) {
    let specificity = -1;
    if (range.type === type && range.subtype === subtype) specificity = 2;
    else if (range.type === type && range.subtype === "*") specificity = 1;
    else if (range.type === "*" && range.subtype === "*") specificity = 0;
    if (specificity < 0 || best && best.specificity >= specificity) continue;
    best = { q: range.q, specificity, order: range.order };
  }
  return best;
}
__name(bestMatch, "bestMatch");
function formatMatch(format, ranges) {
  let best;
  for (const mediaType of FORMAT_TYPES[format]) {
    const match = bestMatch(mediaType, ranges);
    if (match && match.q > 0 && (!best || isBetter(match, best))) best = match;
  }
  return best;
}
__name(formatMatch, "formatMatch");
function isBetter(a, b) {
  if (a.q !== b.q) return a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  return a.order < b.order;
}
__name(isBetter, "isBetter");
function negotiatePageFormat(accept) {
  const ranges = parseAccept(accept ?? "");
  let chosen = "html";
  let chosenMatch;
  for (const format of ["html", "html-v1", "json"]) {
    const match = formatMatch(format, ranges);
    if (!match) continue;
    if (format !== "html" && match.specificity < 2) continue;
    if (!chosenMatch || isBetter(match, chosenMatch)) {
      chosen = format;
      chosenMatch = match;
    }
  }
  return chosen;
}
__name(negotiatePageFormat, "negotiatePageFormat");

// src/proxy/http/server.ts
function statusFor(error) {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof BadRequestError) return 400;
  if (error instanceof UpstreamDeadlineError) return 504;
  if (error instanceof UpstreamError && error.status === void 0 && /no data for/.test(error.message))
    return 504;
  if (error instanceof UpstreamError || error instanceof IntegrityError) return 502;
  return 500;
}
__name(statusFor, "statusFor");
function sendText(res, status, text, headers = {}) {
  const body = Buffer.from(`${text}
`);
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": body.length,
    "cache-control": "no-store",
    ...headers
  });
  res.end(res.req.method === "HEAD" ? void 0 : body);
}
__name(sendText, "sendText");
function sendJson(res, value) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": body.length,
    "cache-control": "no-store"
  });
  res.end(res.req.method === "HEAD" ? void 0 : body);
}
__name(sendJson, "sendJson");
function upstreamNamed(ctx, name) {
  const upstream = ctx.upstreams.find((candidate) => candidate.name === name);
  if (!upstream) throw new NotFoundError(`no upstream ${name}`);
  return upstream;
}
__name(upstreamNamed, "upstreamNamed");
async function answer(ctx, route, req, res) {
  switch (route.kind) {
    case "health":
      sendJson(res, { status: "ok" });
      return "proxy";
    case "stats":
      sendJson(res, ctx.stats.snapshot());
      return "proxy";
    case "manifest":
      sendJson(res, ctx.manifest());
      return "proxy";
    case "redirect":
      sendText(res, 301, `moved to ${route.location}`, { location: route.location });
      return "proxy";
    case "project-list": {
      ctx.stats.pageRequests++;
      const { value: list, source } = await ctx.pages.projectList(upstreamNamed(ctx, route.upstream));
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(
        `${route.upstream}/`,
        format,
        () => format === "json" ? renderJsonProjectList(list) : renderHtmlProjectList(list, route.prefix, normalizeProjectName)
      );
      await ctx.renderer.send(req, res, rendered, format);
      return source;
    }
    case "project": {
      ctx.stats.pageRequests++;
      const { value: page, source } = await ctx.pages.project(
        upstreamNamed(ctx, route.upstream),
        route.project
      );
      const format = negotiatePageFormat(req.headers.accept);
      const href = /* @__PURE__ */ __name((file) => fileHref(route.upstream, route.project, indexSha256(file), file.filename), "href");
      const rendered = ctx.renderer.get(
        `${route.upstream}/${route.project}`,
        format,
        () => format === "json" ? renderJsonPage(page, href) : renderHtmlPage(page, href)
      );
      await ctx.renderer.send(req, res, rendered, format);
      return source;
    }
    case "file": {
      ctx.stats.fileRequests++;
      const resolved = await ctx.files.resolve(upstreamNamed(ctx, route.upstream), route);
      return sendFile(req, res, resolved);
    }
  }
}
__name(answer, "answer");
function hasBody(req) {
  return req.headers["transfer-encoding"] !== void 0 || Number(req.headers["content-length"] ?? 0) > 0;
}
__name(hasBody, "hasBody");
async function handle(ctx, req, res) {
  const started = Date.now();
  const bodyBytes = countBodyBytes(res);
  if (!req.url?.startsWith("/-/")) ctx.stats.requests++;
  let source = "proxy";
  try {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "only GET and HEAD", { allow: "GET, HEAD" });
    } else if (hasBody(req)) {
      sendText(res, 413, "requests carry no body here", { connection: "close" });
    } else {
      source = await answer(
        ctx,
        matchRoute(
          req.url ?? "/",
          ctx.upstreams.map((u) => u.name)
        ),
        req,
        res
      );
      if (source === "store" || source === "memory") {
        ctx.stats.servedFromStore++;
        ctx.stats.storeBytes += bodyBytes();
      }
    }
  } catch (error) {
    const status = statusFor(error);
    const clientLeft = error.code === "ERR_STREAM_PREMATURE_CLOSE";
    if (status === 404) ctx.stats.notFound++;
    if (!clientLeft && (status >= 500 || res.headersSent)) {
      ctx.stats.errors++;
      ctx.log.warn(`${req.method} ${req.url?.slice(0, 200)}: ${error.message}`);
    }
    if (res.headersSent) res.destroy();
    else sendText(res, status, status === 404 ? "not found" : error.message);
  } finally {
    ctx.log.access({
      method: req.method ?? "",
      path: (req.url ?? "").slice(0, 300),
      status: res.statusCode,
      bytes: bodyBytes(),
      ms: Date.now() - started,
      source
    });
  }
}
__name(handle, "handle");
function createProxyServer(ctx) {
  const server = http2.createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 12e4, headersTimeout: 3e4 },
    (req, res) => {
      handle(ctx, req, res).catch((error) => {
        ctx.log.warn(`unexpected: ${error.message}`);
        res.destroy();
      });
    }
  );
  return server;
}
__name(createProxyServer, "createProxyServer");

// src/proxy/pages/page-responses.ts
import { createHash as createHash2 } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

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

// src/proxy/pages/page-responses.ts
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
  /** The rendered bytes for `key` in `format`, produced on first use. */
  get(key, format, produce) {
    const cacheKey = `${format}:${key}`;
    let rendered = this.rendered.get(cacheKey);
    if (!rendered) {
      const body = Buffer.from(produce());
      const digest = createHash2("sha256").update(body).digest("base64url").slice(0, 32);
      rendered = { key: cacheKey, body, etag: `"${digest}-${format}"` };
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

// src/proxy/pages/pins.ts
import { readFile } from "node:fs/promises";
async function readPinsFile(path) {
  const parsed = JSON.parse(await readFile(path, "utf8"));
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

// src/proxy/pages/page-service.ts
var UPSTREAM_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";
var DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024;
var DEFAULT_PAGE_DEADLINE_MS = 3e3;
var DEFAULT_COLD_PAGE_DEADLINE_MS = 12e3;
var PageService = class {
  constructor(options) {
    this.options = options;
    this.pageDeadlineMs = options.pageDeadlineMs ?? DEFAULT_PAGE_DEADLINE_MS;
    this.coldPageDeadlineMs = options.coldPageDeadlineMs ?? DEFAULT_COLD_PAGE_DEADLINE_MS;
    this.absentLifetimeMs = options.absentLifetimeMs ?? 24 * 36e5;
  }
  options;
  static {
    __name(this, "PageService");
  }
  loaded = /* @__PURE__ */ new Map();
  health = new UpstreamHealth();
  pageDeadlineMs;
  coldPageDeadlineMs;
  absentLifetimeMs;
  async project(upstream, project) {
    const frozen = this.options.policy === "frozen";
    try {
      const result = await this.once(
        `${upstream.name}/${project}`,
        () => this.loadProject(upstream, project)
      );
      this.options.manifest.page(upstream.name, project);
      return result;
    } catch (error) {
      if (frozen && error instanceof NotFoundError) this.options.manifest.page(upstream.name, project);
      throw error;
    }
  }
  /**
   * Under frozen, a 404 is stored as a "not on this index" record for a while (pip asks for
   * /simple/pip/ on every run for its self-check), so a frozen job stays off the network.
   * Revalidate ignores the record and asks.
   */
  async loadProject(upstream, project) {
    const { store, policy } = this.options;
    const stored = await store.readPage(upstream.name, project);
    const url = new URL(`${encodeURIComponent(project)}/`, upstream.indexUrl).toString();
    if (stored?.absent && policy === "frozen" && Date.now() - Date.parse(stored.fetchedAt) < this.absentLifetimeMs)
      throw new NotFoundError(`${redactUrl(url)}: not on this index (stored answer)`);
    try {
      return await this.load({
        upstream,
        url,
        read: /* @__PURE__ */ __name(async () => stored && !stored.absent ? { ...stored, value: stored.page } : void 0, "read"),
        write: /* @__PURE__ */ __name((value, validators) => store.writePage(upstream.name, project, {
          ...validators,
          fetchedAt: (/* @__PURE__ */ new Date()).toISOString(),
          page: value
        }), "write"),
        parse: /* @__PURE__ */ __name((body, contentType, url2) => isJson(contentType) ? parseJsonPage(body, url2, project) : parseHtmlPage(body, url2, project), "parse"),
        storeSuffices: /* @__PURE__ */ __name((page) => pageHasPinnedVersions(page, this.options.pins?.get(project)), "storeSuffices")
      });
    } catch (error) {
      if (policy === "frozen" && error instanceof NotFoundError) {
        await store.writePage(upstream.name, project, {
          fetchedAt: (/* @__PURE__ */ new Date()).toISOString(),
          absent: true,
          page: { name: project, meta: {}, files: [], extra: {} }
        });
      }
      throw error;
    }
  }
  async projectList(upstream) {
    const result = await this.once(
      `${upstream.name}/`,
      () => this.load({
        upstream,
        url: upstream.indexUrl,
        read: /* @__PURE__ */ __name(() => this.options.store.readProjectList(upstream.name).then((s) => s && { ...s, value: s.list }), "read"),
        write: /* @__PURE__ */ __name((value, validators) => this.options.store.writeProjectList(upstream.name, {
          ...validators,
          fetchedAt: (/* @__PURE__ */ new Date()).toISOString(),
          list: value
        }), "write"),
        parse: /* @__PURE__ */ __name((body, contentType) => isJson(contentType) ? parseJsonProjectList(body) : parseHtmlProjectList(body), "parse")
      })
    );
    this.options.manifest.index(upstream.name);
    return result;
  }
  /** First caller loads; later callers in this run get the same answer from memory. */
  async once(key, load) {
    const pending = this.loaded.get(key);
    if (pending) {
      const { value } = await pending;
      return { value, source: "memory" };
    }
    const loading = load();
    this.loaded.set(key, loading);
    try {
      return await loading;
    } catch (error) {
      if (!(error instanceof NotFoundError)) this.loaded.delete(key);
      throw error;
    }
  }
  async load(spec) {
    const stored = await spec.read();
    if (stored && (this.options.policy === "frozen" || spec.storeSuffices?.(stored.value))) {
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
        `upstream failed for ${redactUrl(spec.url)}, serving the stored page: ${error.message}`
      );
      return { value: stored.value, source: "store" };
    }
    if (fetched.status === "not-found") throw new NotFoundError(`${redactUrl(spec.url)}: not on this index`);
    if (fetched.status === "not-modified" && stored) return { value: stored.value, source: "upstream" };
    const value = fetched.value;
    await spec.write(value, { etag: fetched.etag, lastModified: fetched.lastModified });
    return { value, source: "upstream" };
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
          `upstream ${upstream.name} gave no complete answer for ${redactUrl(url)} within ${ms} ms`
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
    return client.withRetries(
      redactUrl(url),
      async () => {
        const response = await client.requestOnce(url, { upstream, headers, signal });
        stats.fetchedUpstream++;
        if (response.status === 304 || response.status === 404 || response.status === 410) {
          response.body.resume();
          return { status: response.status === 304 ? "not-modified" : "not-found" };
        }
        if (response.status !== 200) {
          response.body.resume();
          const retryable = response.status === 429 || response.status >= 500;
          throw new UpstreamError(
            `${redactUrl(response.url)} answered ${response.status}`,
            retryable,
            response.status
          );
        }
        const body = await readPageBody(response.body, response.url, this.options.maxPageBytes);
        stats.upstreamBytes += body.length;
        const contentType = String(response.headers["content-type"] ?? "").toLowerCase();
        if (!isJson(contentType) && !isHtml(contentType)) {
          throw new UpstreamError(
            `${redactUrl(response.url)}: unexpected Content-Type ${contentType}`,
            false
          );
        }
        const value = parseOrFail(parse, body.toString("utf8"), contentType, response.url);
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
async function readPageBody(body, url, maxBytes = DEFAULT_MAX_PAGE_BYTES) {
  try {
    return await readBody(body, maxBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new UpstreamError(
      `${redactUrl(url)}: page larger than ${maxBytes} bytes, refused (raise the bound with --max-page-size)`,
      false
    );
  }
}
__name(readPageBody, "readPageBody");
function parseOrFail(parse, body, contentType, url) {
  try {
    return parse(body, contentType, url);
  } catch (error) {
    const reason = error instanceof PageFormatError ? error.message : `unreadable page: ${error.message}`;
    throw new UpstreamError(`${redactUrl(url)}: ${reason}`, false);
  }
}
__name(parseOrFail, "parseOrFail");
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
var ProxyStats = class {
  static {
    __name(this, "ProxyStats");
  }
  startedAt = Date.now();
  requests = 0;
  servedFromStore = 0;
  storeBytes = 0;
  fetchedUpstream = 0;
  upstreamBytes = 0;
  errors = 0;
  pageRequests = 0;
  fileRequests = 0;
  notFound = 0;
  staleServed = 0;
  snapshot() {
    return {
      requests: this.requests,
      servedFromStore: this.servedFromStore,
      storeBytes: this.storeBytes,
      fetchedUpstream: this.fetchedUpstream,
      upstreamBytes: this.upstreamBytes,
      errors: this.errors,
      pageRequests: this.pageRequests,
      fileRequests: this.fileRequests,
      notFound: this.notFound,
      staleServed: this.staleServed,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1e3)
    };
  }
};

// src/proxy/index.ts
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
  const stats = new ProxyStats();
  const log = new ProxyLog(options.logFile, options.onWarning);
  const manifest = new ManifestRecorder();
  const client = new UpstreamClient({
    timeoutMs: options.upstreamTimeoutMs,
    retries: options.upstreamRetries,
    backoffMs: options.retryBackoffMs,
    onRetry: /* @__PURE__ */ __name((message) => log.warn(message), "onRetry")
  });
  const pages = new PageService({
    store,
    client,
    policy: options.indexPolicy ?? "revalidate",
    stats,
    manifest,
    warn: /* @__PURE__ */ __name((message) => log.warn(message), "warn"),
    pins: options.pins,
    pageDeadlineMs: options.pageDeadlineMs,
    coldPageDeadlineMs: options.coldPageDeadlineMs,
    maxPageBytes: options.maxPageBytes
  });
  const downloads = new DownloadCoordinator(store, client, {
    onFetched: /* @__PURE__ */ __name(() => stats.fetchedUpstream++, "onFetched"),
    onRestart: /* @__PURE__ */ __name((message) => log.warn(message), "onRestart"),
    onUpstreamBytes: /* @__PURE__ */ __name((bytes) => {
      stats.upstreamBytes += bytes;
    }, "onUpstreamBytes")
  });
  const files = new FileService(store, pages, downloads, manifest);
  const server = createProxyServer({
    upstreams,
    pages,
    files,
    renderer: new PageRenderer(),
    stats,
    log,
    manifest: /* @__PURE__ */ __name(() => manifest.build(), "manifest")
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (error) => {
    await store.close();
    throw error;
  });
  const unfinished = trackUnfinished(server);
  const address = server.address();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const manifestPath = options.manifestPath ?? join(store.root, "manifest.json");
  const grace = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  let closing;
  const close = /* @__PURE__ */ __name(async () => {
    const closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await withTimeout(Promise.all([downloads.drain(), closed]), grace);
    answerUnfinished(unfinished);
    await new Promise((resolve) => setImmediate(resolve));
    server.closeAllConnections();
    client.close();
    const used = manifest.build();
    if (manifestPath !== false) await writeManifest(manifestPath, used);
    await log.close();
    await store.close();
    return used;
  }, "close");
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    upstreams: upstreams.map(({ name, indexUrl }) => ({ name, indexUrl })),
    stats: /* @__PURE__ */ __name(() => stats.snapshot(), "stats"),
    manifest: /* @__PURE__ */ __name(() => manifest.build(), "manifest"),
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
  --host HOST             address to bind (default: 127.0.0.1)
  --port N                port, 0 picks a free one (default: 0)
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
  -h, --help              show this help

SIGTERM or SIGINT: finish what is under way within 5 s, answer the rest 503, write the
manifest, exit 0. A second SIGTERM or SIGINT exits at once (code 1).
Exit codes: 0 success, 1 runtime failure, 2 bad usage.
`;
var VALUE_FLAGS = /* @__PURE__ */ new Set([
  "--store",
  "--upstream",
  "--host",
  "--port",
  "--index-policy",
  "--ready-file",
  "--log",
  "--manifest",
  "--pins",
  "--page-deadline-ms",
  "--max-page-size"
]);
function parsePort(value) {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new UsageError(`--port: expected 0-65535, got ${JSON.stringify(value)}`);
  return port;
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
function parseUpstream2(value) {
  const url = /^[A-Za-z0-9_-]+=/.test(value) ? value.slice(value.indexOf("=") + 1) : value;
  let protocol = "";
  try {
    protocol = new URL(url).protocol;
  } catch {
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new UsageError(
      `--upstream: expected [NAME=]URL with an http(s) URL, e.g. https://pypi.org/simple/, got ${JSON.stringify(value)}`
    );
  }
  return value;
}
__name(parseUpstream2, "parseUpstream");
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
    host: "127.0.0.1",
    port: 0,
    indexPolicy: "revalidate"
  };
  for (const [flag, value = ""] of flagValues(argv)) {
    if (flag === "--help") args.help = true;
    else if (flag === "--store") args.store = value;
    else if (flag === "--upstream") args.upstreams.push(parseUpstream2(value));
    else if (flag === "--host") args.host = parseHost(value);
    else if (flag === "--port") args.port = parsePort(value);
    else if (flag === "--index-policy") args.indexPolicy = parsePolicy(value);
    else if (flag === "--ready-file") args.readyFile = value;
    else if (flag === "--log") args.log = value;
    else if (flag === "--manifest") args.manifest = value;
    else if (flag === "--pins") args.pins = value;
    else if (flag === "--page-deadline-ms") args.pageDeadlineMs = parseMilliseconds(flag, value);
    else if (flag === "--max-page-size") args.maxPageBytes = parseByteSize(flag, value);
  }
  return args;
}
__name(parseProxyArgs, "parseProxyArgs");

// src/cli/proxy-command.ts
async function writeReadyFile(path, url) {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, url);
  await rename(temp, path);
}
__name(writeReadyFile, "writeReadyFile");
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
  try {
    const proxy = await startProxy({
      storeDir: args.store,
      upstreams: args.upstreams,
      host: args.host,
      port: args.port,
      indexPolicy: args.indexPolicy,
      logFile: args.log,
      manifestPath: args.manifest,
      pins: args.pins ? await readPinsFile(args.pins) : void 0,
      pageDeadlineMs: args.pageDeadlineMs,
      maxPageBytes: args.maxPageBytes,
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
        () => process.exit(0),
        (error) => {
          process.stderr.write(`pypi-cache-proxy: shutdown failed: ${error.message}
`);
          process.exit(1);
        }
      );
    }, "stop");
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
    if (args.readyFile) await writeReadyFile(args.readyFile, proxy.url);
    process.stdout.write(`pypi-cache-proxy listening on ${proxy.url} (index ${proxy.url}/simple/)
`);
  } catch (error) {
    const code = error instanceof UpstreamConfigError ? 2 : 1;
    process.stderr.write(`pypi-cache-proxy: ${error.message}
`);
    process.exit(code);
  }
}
__name(run, "run");

// src/cli/proxy.ts
run();
