// A PyPI stand-in on loopback with two origins, like pypi.org (simple index) and
// files.pythonhosted.org (files), so tests and the bench never need the internet.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { type BodySource, deliver, type Reply } from './fake-pypi-delivery.js';
import { type Fault, FaultPlan, type FaultRule } from './fake-pypi-faults.js';
import {
  compareNumerically,
  negotiate,
  type PageFile,
  renderProjectPage,
  renderRootPage,
} from './fake-pypi-pages.js';
import { type BuiltWheel, normalizeProjectName } from './wheels.js';

export type { Fault, FaultRule };

export interface FakePypiOptions {
  wheels: BuiltWheel[];
  /** Added before every response. */
  latencyMs?: number;
  /** Bandwidth cap on file bodies. */
  bytesPerSecond?: number;
  /** Which files advertise and serve PEP 658 .metadata (default: all). */
  withMetadata?: (w: BuiltWheel) => boolean;
  /** filename -> reason (or true for no reason). */
  yanked?: Record<string, string | true>;
  /** How long a 'slow' fault holds the body back after the headers (default 3000 ms). */
  slowFaultMs?: number;
  /** Seed for fault `rate` decisions (default 1). */
  seed?: number;
  /**
   * Serve both origins over TLS with these (a test CA's leaves for pypi.org and
   * files.pythonhosted.org): the stand-in then plays the real hosts for interception tests.
   */
  tls?: Record<Origin, { cert: string; key: string }>;
  /** The origin the pages name for files (default: the files origin itself), e.g. https://files.pythonhosted.org. */
  publicFilesOrigin?: string;
  /**
   * A path before everything, e.g. `<token>/org/repo/python`, as private indexes put a token in
   * the path (dl.cloudsmith.io): the index is `/<prefix>/simple/` and its files are served from
   * the index's own origin under `/<prefix>/packages/`.
   */
  pathPrefix?: string;
}

export interface RecordedRequest {
  origin: 'index' | 'files';
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** 0 while in flight, or when the socket was destroyed before any headers. */
  status: number;
  /** Body bytes written. */
  bytes: number;
}

type Origin = RecordedRequest['origin'];

interface Published {
  wheel: BuiltWheel;
  filePath: string;
  uploadTime: string;
  metadataSha256: string;
  /** The file's bytes once read, for a small file. */
  bytes?: Promise<Buffer>;
}

// Real PyPI pages are cached by clients for 10 minutes, files forever.
const PAGE_CACHE_CONTROL = 'max-age=600, public';
const FILE_CACHE_CONTROL = 'max-age=365000000, immutable, public';
const UPLOAD_EPOCH = Date.UTC(2024, 0, 1);
// Files up to this size are read once and then served from memory: opening and reading a 1 kB
// wheel for each request cost twice the rest of the request.
const IN_MEMORY_FILE = 1024 * 1024;

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    return coding === 'gzip' && !params.includes('q=0');
  });
}

/** One `bytes=` range of a file of `size` bytes; undefined: serve it whole; null: 416. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (!m[1] && !m[2])) return undefined; // absent, multi-range or malformed: 200 is allowed
  if (!m[1]) {
    const suffix = Number(m[2]);
    return suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  return start >= size || end < start ? null : { start, end };
}

function notFound(): Reply {
  const text = Buffer.from('404 Not Found\n');
  return {
    status: 404,
    headers: { 'content-type': 'text/plain', 'content-length': text.length },
    body: { buffer: text },
  };
}

function redirect(location: string): Reply {
  return { status: 301, headers: { location, 'content-length': 0 } };
}

export class FakePypi {
  readonly requests: RecordedRequest[] = [];
  private readonly published = new Map<string, Published>(); // by filename
  private readonly byFilePath = new Map<string, Published>();
  private readonly faults: FaultPlan;
  private readonly rawPages = new Map<string, { contentType: string; body: Buffer }>();
  private servers: Record<Origin, Server> | null = null;
  private stopping = new AbortController();
  private down = false;
  private serial = 0;
  private indexPort = 0;
  private filesPort = 0;

  constructor(private readonly options: FakePypiOptions) {
    this.faults = new FaultPlan(options.seed ?? 1);
    this.addWheels(options.wheels);
  }

  private get scheme(): string {
    return this.options.tls ? 'https' : 'http';
  }

  get indexUrl(): string {
    return `${this.scheme}://127.0.0.1:${this.indexPort}${this.prefix}/simple/`;
  }

  get indexOrigin(): string {
    return `${this.scheme}://127.0.0.1:${this.indexPort}`;
  }

  /** With a path prefix, files are on the index's own origin. */
  get filesOrigin(): string {
    return `${this.scheme}://127.0.0.1:${this.options.pathPrefix ? this.indexPort : this.filesPort}`;
  }

  private get prefix(): string {
    return this.options.pathPrefix ? `/${this.options.pathPrefix}` : '';
  }

  /** Where the page links a file: its path on the public files origin (or this stand-in's). */
  fileUrl(filename: string): string {
    const published = this.published.get(filename);
    if (!published) throw new Error(`${filename} is not published`);
    return `${this.options.publicFilesOrigin ?? this.filesOrigin}${this.prefix}${published.filePath}`;
  }

  async start(): Promise<void> {
    this.stopping = new AbortController();
    const listen = async (origin: Origin) => {
      const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(origin, req, res);
      const tls = this.options.tls?.[origin];
      const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      return server;
    };
    this.servers = { index: await listen('index'), files: await listen('files') };
    this.indexPort = (this.servers.index.address() as AddressInfo).port;
    this.filesPort = (this.servers.files.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = null;
    this.stopping.abort();
    if (!servers) return;
    await Promise.all(
      Object.values(servers).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  resetRequests(): void {
    this.requests.length = 0;
  }

  counts(): {
    total: number;
    pages: number;
    files: number;
    metadata: number;
    byPath: Record<string, number>;
  } {
    const byPath: Record<string, number> = {};
    let pages = 0;
    let files = 0;
    let metadata = 0;
    for (const r of this.requests) {
      byPath[r.path] = (byPath[r.path] ?? 0) + 1;
      if (r.origin === 'index') pages += 1;
      else if (r.path.split('?')[0].endsWith('.metadata')) metadata += 1;
      else files += 1;
    }
    return { total: this.requests.length, pages, files, metadata, byPath };
  }

  /** Publishes more files; pages change (new ETag) from the next request on. */
  addWheels(wheels: BuiltWheel[]): void {
    for (const wheel of wheels) {
      this.serial += 1;
      // Warehouse's path: the file's blake2b-256 (what interception checks a file against).
      const digest = wheel.blake2b256;
      const filePath = `/packages/${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest.slice(4)}/${wheel.filename}`;
      const uploadTime = new Date(UPLOAD_EPOCH + this.serial * 60_000).toISOString().replace('Z', '000Z');
      const entry = { wheel, filePath, uploadTime, metadataSha256: sha256(wheel.metadata) };
      const previous = this.published.get(wheel.filename);
      if (previous) this.byFilePath.delete(previous.filePath);
      this.published.set(wheel.filename, entry);
      this.byFilePath.set(filePath, entry);
    }
  }

  /** Serves `/simple/<project>/` exactly as given from now on: hostile or broken pages. */
  setRawPage(project: string, contentType: string, body: string | Buffer): void {
    this.rawPages.set(project, { contentType, body: Buffer.from(body) });
  }

  injectFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** While down, every connection is cut at once, like an outage in front of PyPI. */
  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const server of Object.values(this.servers ?? {})) server.closeAllConnections();
  }

  private async handle(listener: Origin, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let origin = listener;
    const method = req.method ?? 'GET';
    const record: RecordedRequest = {
      origin,
      method,
      path: req.url ?? '/',
      headers: req.headers,
      status: 0,
      bytes: 0,
    };
    this.requests.push(record);
    if (this.down) {
      req.socket.destroy();
      return;
    }
    try {
      const { signal } = this.stopping;
      if (this.options.latencyMs) await sleep(this.options.latencyMs, undefined, { signal });
      if (this.down) {
        req.socket.destroy();
        return;
      }
      let pathname = new URL(record.path, 'http://fake').pathname;
      if (this.prefix) {
        // Everything lives under the prefix, on the index's origin; anything else is a 404.
        pathname = pathname.startsWith(`${this.prefix}/`) ? pathname.slice(this.prefix.length) : '/-/outside';
        if (pathname.startsWith('/packages/')) record.origin = origin = 'files';
      }
      const fault = this.faults.pick(origin, pathname);
      // A trickle needs a body to trickle: it answers in full, never 304.
      const { 'if-none-match': _etag, 'if-modified-since': _date, ...unconditional } = req.headers;
      const reply = await this.route(
        origin,
        method,
        pathname,
        fault?.fault === 'trickle' ? unconditional : req.headers,
      );
      await deliver(res, reply, {
        head: method === 'HEAD',
        fault,
        slowFaultMs: this.options.slowFaultMs ?? 3000,
        bytesPerSecond: origin === 'files' ? this.options.bytesPerSecond : undefined,
        signal,
        onStatus: (status) => {
          record.status = status;
        },
        onBytes: (bytes) => {
          record.bytes += bytes;
        },
      });
    } catch {
      // The server stopped or the client left mid-reply: nothing to answer any more.
      res.destroy();
    }
  }

  private async route(
    origin: Origin,
    method: string,
    pathname: string,
    headers: IncomingHttpHeaders,
  ): Promise<Reply> {
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, headers: { allow: 'GET, HEAD', 'content-length': 0 } };
    }
    return origin === 'index' ? this.routeIndex(pathname, headers) : this.routeFiles(pathname, headers);
  }

  private routeIndex(pathname: string, headers: IncomingHttpHeaders): Reply {
    if (pathname === '/simple') return redirect(`${this.prefix}/simple/`);
    if (pathname === '/simple/') {
      return this.page(headers, (format) => renderRootPage(this.projectListing(), format, this.serial));
    }
    const m = /^\/simple\/([^/]+)(\/?)$/.exec(pathname);
    if (!m) return notFound();
    const project = normalizeProjectName(decodeURIComponent(m[1]));
    if (project !== m[1] || !m[2]) return redirect(`${this.prefix}/simple/${project}/`);
    const raw = this.rawPages.get(project);
    if (raw) {
      return {
        status: 200,
        headers: { 'content-type': raw.contentType, 'content-length': raw.body.length },
        body: { buffer: raw.body },
      };
    }
    const files = this.projectFiles(project);
    if (files.length === 0) return notFound();
    return this.page(headers, (format) => renderProjectPage(project, files, format, this.serial));
  }

  private page(headers: IncomingHttpHeaders, render: (format: 'json' | 'html') => string): Reply {
    const negotiated = negotiate(headers.accept);
    if (!negotiated) {
      const text = Buffer.from('406 Not Acceptable\n');
      return {
        status: 406,
        headers: { 'content-type': 'text/plain', 'content-length': text.length },
        body: { buffer: text },
      };
    }
    let body = Buffer.from(render(negotiated.format));
    const gzip = acceptsGzip(headers['accept-encoding']);
    // A strong ETag names one representation, so the gzip one gets its own.
    const etag = `"${sha256(Buffer.concat([Buffer.from(negotiated.contentType), body])).slice(0, 32)}${gzip ? '-gzip' : ''}"`;
    const common = {
      'content-type': negotiated.contentType,
      vary: 'Accept, Accept-Encoding',
      etag,
      'cache-control': PAGE_CACHE_CONTROL,
      'x-pypi-last-serial': String(this.serial),
    };
    if (etagMatches(headers['if-none-match'], etag)) return { status: 304, headers: common };
    if (gzip) body = gzipSync(body);
    return {
      status: 200,
      headers: { ...common, 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: { buffer: body },
    };
  }

  private projectListing() {
    const names = new Map<string, string>();
    for (const { wheel } of this.published.values())
      if (!names.has(wheel.project)) names.set(wheel.project, wheel.name);
    return [...names].sort(([a], [b]) => a.localeCompare(b)).map(([project, name]) => ({ project, name }));
  }

  private projectFiles(project: string): PageFile[] {
    const withMetadata = this.options.withMetadata ?? (() => true);
    return [...this.published.values()]
      .filter(({ wheel }) => wheel.project === project)
      .sort((a, b) => compareNumerically(a.wheel.filename, b.wheel.filename))
      .map(({ wheel, filePath, uploadTime, metadataSha256 }) => ({
        wheel,
        url: `${this.options.publicFilesOrigin ?? this.filesOrigin}${this.prefix}${filePath}`,
        metadataSha256: withMetadata(wheel) ? metadataSha256 : null,
        yanked: this.options.yanked?.[wheel.filename] ?? false,
        uploadTime,
      }));
  }

  private async routeFiles(pathname: string, headers: IncomingHttpHeaders): Promise<Reply> {
    const file = this.byFilePath.get(pathname);
    if (file) {
      const { path, size, sha256: etag } = file.wheel;
      if (size > IN_MEMORY_FILE) return this.fileReply(headers, { file: path, size, etag });
      file.bytes ??= readFile(path);
      return this.fileReply(headers, { buffer: await file.bytes, size, etag });
    }
    const base = this.byFilePath.get(pathname.replace(/\.metadata$/, ''));
    const withMetadata = this.options.withMetadata ?? (() => true);
    if (!pathname.endsWith('.metadata') || !base || !withMetadata(base.wheel)) return notFound();
    const buffer = Buffer.from(base.wheel.metadata);
    return this.fileReply(headers, { buffer, size: buffer.length, etag: base.metadataSha256 });
  }

  private fileReply(
    headers: IncomingHttpHeaders,
    source: ({ file: string } | { buffer: Buffer }) & { size: number; etag: string },
  ): Reply {
    const common = {
      'content-type': 'application/octet-stream',
      etag: `"${source.etag}"`,
      'accept-ranges': 'bytes',
      'cache-control': FILE_CACHE_CONTROL,
      'last-modified': new Date(UPLOAD_EPOCH).toUTCString(),
    };
    if (etagMatches(headers['if-none-match'], common.etag)) return { status: 304, headers: common };
    const range = parseRange(headers.range, source.size);
    if (range === null) {
      return {
        status: 416,
        headers: { ...common, 'content-range': `bytes */${source.size}`, 'content-length': 0 },
      };
    }
    const { start, end } = range ?? { start: 0, end: source.size - 1 };
    const body: BodySource =
      'file' in source
        ? { file: source.file, start, end }
        : { buffer: source.buffer.subarray(start, end + 1) };
    const partial = range ? { 'content-range': `bytes ${start}-${end}/${source.size}` } : {};
    return {
      status: range ? 206 : 200,
      headers: { ...common, ...partial, 'content-length': end - start + 1 },
      body,
    };
  }
}
