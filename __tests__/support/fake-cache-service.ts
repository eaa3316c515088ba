import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleBlobRequest, sendBlobError } from './fake-blob-routes.js';
import { BlobStore } from './fake-blob-store.js';
import { type CacheEntryRecord, CacheIndex, type StoredEntry } from './fake-cache-index.js';
import { callCacheService, TWIRP_PREFIX, TwirpError } from './fake-cache-twirp.js';

export type { CacheEntryRecord } from './fake-cache-index.js';

/**
 * up: normal; down: every connection is reset (ECONNRESET); error-500: every call answers 500;
 * slow: every answer waits `slowDelayMs` first.
 */
export type CacheServiceMode = 'up' | 'down' | 'error-500' | 'slow';

export interface FakeCacheServiceOptions {
  /** Delay of each answer in 'slow' mode; default 2000 ms. */
  slowDelayMs?: number;
  /** ACTIONS_RUNTIME_TOKEN the service expects as bearer token. */
  token?: string;
  /**
   * Host name for the signed blob URLs. @actions/cache downloads through the Azure SDK (HEAD, then
   * ranged GETs, with SEGMENT_DOWNLOAD_TIMEOUT_MINS) only for `*.blob.core.windows.net`, and with a
   * plain streamed GET otherwise. Give such a name together with routeHostsToLoopback() to take the
   * production path. Default: 127.0.0.1.
   */
  blobHost?: string;
}

export interface CallRecord {
  method: string;
  /** Path without query, plus `?comp=...` for blob block operations. */
  path: string;
  /** 0 when the connection closed before an answer. */
  status: number;
  /** Sent by the Azure SDK (it names its API version in x-ms-version), not a plain HTTP client. */
  azureSdk: boolean;
}

const BLOB_PATH = /^\/blob\/cache\/(\d+)$/;

/**
 * A stand-in for the GitHub Actions cache service v2 (Twirp API plus the Azure blob URLs it signs),
 * so the real @actions/cache runs end to end on loopback.
 */
export class FakeCacheService {
  readonly calls: CallRecord[] = [];
  private readonly index = new CacheIndex();
  private readonly sockets = new Set<Socket>();
  private readonly token: string;
  private readonly blobHost: string;
  private slowDelayMs: number;
  private mode: CacheServiceMode = 'up';
  private server?: Server;
  private root?: string;
  private store?: BlobStore;

  constructor(options: FakeCacheServiceOptions = {}) {
    this.token = options.token ?? 'fake-actions-runtime-token';
    this.slowDelayMs = options.slowDelayMs ?? 2000;
    this.blobHost = options.blobHost ?? '127.0.0.1';
  }

  get url(): string {
    return `http://127.0.0.1:${this.port()}`;
  }

  async start(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'fake-cache-service-'));
    this.store = new BlobStore(this.root);
    await this.store.init();
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    server.on('connection', (socket) => this.track(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Clients such as the Azure SDK keep connections alive; close() alone would wait for them.
      server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
    if (this.root) await rm(this.root, { recursive: true, force: true });
    this.root = undefined;
  }

  /** The environment that makes @actions/cache take the v2 path to this service. */
  env(): Record<string, string> {
    return {
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: `${this.url}/`,
      ACTIONS_RUNTIME_TOKEN: this.token,
      // isGhes() falls back to v1 for any other server; pin it in case the caller's env says otherwise.
      GITHUB_SERVER_URL: 'https://github.com',
    };
  }

  /** env() but pointing at a port nothing listens on: a service that is down answers ECONNREFUSED. */
  async closedPortEnv(): Promise<Record<string, string>> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return { ...this.env(), ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/` };
  }

  entries(): CacheEntryRecord[] {
    return this.index.list();
  }

  setMode(mode: CacheServiceMode, options: { slowDelayMs?: number } = {}): void {
    this.mode = mode;
    if (options.slowDelayMs !== undefined) this.slowDelayMs = options.slowDelayMs;
    if (mode === 'down') {
      for (const socket of this.sockets) socket.destroy();
    }
  }

  private track(socket: Socket): void {
    if (this.mode === 'down') {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const comp = url.searchParams.get('comp');
    const call: CallRecord = {
      method: req.method ?? '',
      path: url.pathname + (comp ? `?comp=${comp}` : ''),
      status: 0,
      azureSdk: req.headers['x-ms-version'] !== undefined,
    };
    this.calls.push(call);
    res.on('close', () => {
      call.status = res.writableFinished ? res.statusCode : 0;
    });
    if (this.mode === 'down') {
      req.socket.destroy();
      return;
    }
    // unref: a test that stops the service mid-delay must not keep jest alive for the rest of it.
    if (this.mode === 'slow') await sleep(this.slowDelayMs, undefined, { ref: false });
    const twirpMethod = url.pathname.startsWith(TWIRP_PREFIX)
      ? url.pathname.slice(TWIRP_PREFIX.length)
      : undefined;
    const blob = BLOB_PATH.exec(url.pathname);
    if (twirpMethod !== undefined) return this.handleTwirp(twirpMethod, req, res);
    if (blob) return this.handleBlob(Number(blob[1]), url, req, res);
    req.resume();
    sendJson(res, 404, { code: 'bad_route', msg: `no route ${req.method} ${url.pathname}` });
  }

  private async handleTwirp(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readText(req);
      if (this.mode === 'error-500')
        throw new TwirpError(500, 'internal', 'fake cache service: error-500 mode');
      if (req.method !== 'POST') throw new TwirpError(404, 'bad_route', 'Twirp routes take POST');
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        throw new TwirpError(401, 'unauthenticated', 'missing or wrong ACTIONS_RUNTIME_TOKEN');
      }
      const request = parseJsonObject(body);
      sendJson(res, 200, await callCacheService(this.twirpContext(), method, request));
    } catch (error: unknown) {
      if (error instanceof TwirpError)
        return sendJson(res, error.status, { code: error.code, msg: error.message });
      sendJson(res, 500, { code: 'internal', msg: String(error) });
    }
  }

  private async handleBlob(id: number, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry = this.index.byId(id);
    const permissions = url.searchParams.get('sp') ?? '';
    const needed = req.method === 'PUT' ? 'w' : 'r';
    if (this.mode === 'error-500') {
      req.resume();
      return sendBlobError(res, 500, 'InternalError', 'fake cache service: error-500 mode');
    }
    if (!entry || url.searchParams.get('sig') !== entry.signature || !permissions.includes(needed)) {
      req.resume();
      return sendBlobError(res, 403, 'AuthenticationFailed', 'signature did not match');
    }
    await handleBlobRequest(this.requireStore(), String(id), url, req, res);
  }

  private twirpContext() {
    return {
      index: this.index,
      store: this.requireStore(),
      signedUrl: (entry: StoredEntry, permissions: 'r' | 'cw') =>
        `http://${this.blobHost}:${this.port()}/blob/cache/${entry.id}?sv=2025-11-05&sr=b&sp=${permissions}&sig=${entry.signature}`,
    };
  }

  private port(): number {
    if (!this.server) throw new Error('FakeCacheService is not started');
    return (this.server.address() as AddressInfo).port;
  }

  private requireStore(): BlobStore {
    if (!this.store) throw new Error('FakeCacheService is not started');
    return this.store;
  }
}

function parseJsonObject(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the Twirp error
  }
  throw new TwirpError(400, 'malformed', 'request body is not a JSON object');
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.end(text);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
