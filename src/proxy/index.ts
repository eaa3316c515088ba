// The proxy's public surface: startProxy() for the action's daemon, the CLI and tests, and
// pruneStoreToManifest() for the action's post step. No @actions/* imports anywhere in here.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DownloadCoordinator } from './files/downloads.js';
import { FileService } from './files/file-service.js';
import { StoredFileMemory } from './files/stored-file-memory.js';
import { StoredFiles } from './files/stored-files.js';
import { ProxyLog } from './http/access-log.js';
import { listenOnFirstFree } from './http/listen-ports.js';
import { createProxyServer } from './http/server.js';
import type { LockedHashes } from './intercept/locked-hashes.js';
import { OriginMap } from './intercept/origin-map.js';
import { HtmlPageParser } from './pages/page-parser-thread.js';
import { PageRenderer } from './pages/page-responses.js';
import { type IndexPolicy, PageService } from './pages/page-service.js';
import type { Pins } from './pages/pins.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './shutdown-grace.js';
import { ProxyStats, type ProxyStatsSnapshot } from './stats.js';
import { type Manifest, ManifestRecorder, writeManifest } from './store/manifest.js';
import { ContentStore } from './store/store.js';
import type { HostLookup } from './upstream/file-hosts.js';
import type { OutboundProxy } from './upstream/outbound-proxy.js';
import { UpstreamClient } from './upstream/upstream.js';
import { parseUpstreams, type Upstream } from './upstream/upstream-config.js';
import { indexUrlSecrets } from './upstream/url-secrets.js';

export { PORTS_IN_USE_EXIT_CODE, PortsInUseError } from './http/listen-ports.js';
export { InterceptConfigError } from './intercept/intercepted-host-names.js';
export { type LockedHashes, readLockedHashesFile } from './intercept/locked-hashes.js';
export { startTunnelRelay, type TunnelRelay } from './intercept/tunnel-relay.js';
export { credentialsEnvName } from './names.js';
export type { IndexPolicy } from './pages/page-service.js';
export { type Pins, readPinsFile } from './pages/pins.js';
export { DEFAULT_SHUTDOWN_GRACE_MS } from './shutdown-grace.js';
export type { ProxyStatsSnapshot } from './stats.js';
export type { Manifest, NameRef, PageRef, PruneResult } from './store/manifest.js';
export { pruneStoreToManifest, readManifest } from './store/manifest.js';
export { STORE_LAYOUT_VERSION } from './store/store.js';
export { StoreDirError } from './store/store-dir.js';
export { StoreLockedError } from './store/store-lock.js';
export { jobCaCertificates } from './upstream/job-trust.js';
export {
  NoProxyList,
  OUTBOUND_NO_PROXY_ENV,
  OUTBOUND_PROXY_ENV,
  OutboundProxy,
  OutboundProxyConfigError,
} from './upstream/outbound-proxy.js';
export { redactUrl, UpstreamConfigError } from './upstream/upstream-config.js';

export interface ProxyOptions {
  /** The store directory (created when missing). */
  storeDir: string;
  /** `[name=]URL` specs; the first serves `/simple/`. Default: PyPI. */
  upstreams?: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * PEM certificates trusted besides Node's roots for every upstream certificate: the job's CA
   * files (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, PIP_CERT, NODE_EXTRA_CA_CERTS; job-trust.ts).
   */
  trustedCa?: string[];
  /** Default 0: a free port. A list: the first of them that is free (listen-ports.ts). */
  port?: number | readonly number[];
  indexPolicy?: IndexPolicy;
  /** Versions the lockfiles pin: stored pages listing them are not revalidated (pins.ts). */
  pins?: Pins;
  /** Access log file (JSON lines); none when unset. */
  logFile?: string;
  /** Where close() writes the manifest; default `<storeDir>/manifest.json`, `false` for none. */
  manifestPath?: string | false;
  /** Warnings (upstream trouble, stale pages); the CLI prints them to stderr. */
  onWarning?: (message: string) => void;
  /** Where credentials are read from (PYPI_CACHE_PROXY_AUTH_<NAME>); default process.env. */
  env?: NodeJS.ProcessEnv;
  upstreamTimeoutMs?: number;
  /** Overall limit on a page fetch when the store holds the page; default 3 s (page-service.ts). */
  pageDeadlineMs?: number;
  /** The same when it does not; default 12 s, inside pip's 15 s read timeout. */
  coldPageDeadlineMs?: number;
  upstreamRetries?: number;
  retryBackoffMs?: number;
  /** Bound on one upstream page's body; larger pages are refused. Default 64 MiB. */
  maxPageBytes?: number;
  /**
   * Bound on a file body the index gives no size for (a PEP 691 `size` is the bound when given);
   * larger bodies are cut off and not stored. Default 4 GiB.
   */
  maxFileBytes?: number;
  /** Hosts (`files.example.com`, `*.example.com`) any index may send file fetches and redirects to. */
  allowFileHosts?: string[];
  /** Test only: resolves host names instead of DNS, so a test never looks a real name up. */
  hostLookup?: HostLookup;
  /** How long close() lets downloads and responses under way finish; the rest get a 503. Default 5 s. */
  shutdownGraceMs?: number;
  /**
   * The job's HTTPS proxy (a corporate proxy): upstream fetches and plain tunnels go through it,
   * hosts in its NO_PROXY directly (outbound-proxy.ts). Unset: every connection is direct.
   */
  outboundProxy?: OutboundProxy;
  /** HTTPS interception (issue 10): the daemon is also a CONNECT proxy; off when unset. */
  intercept?: InterceptOptions;
  /**
   * Memory for what a run keeps for repeats (default 96 MiB): 3/8 for parsed pages, 3/8 for
   * rendered pages, 1/4 for stored files (sizes, small files' bytes). Reported in /-/stats.
   */
  memoryBudgetBytes?: number;
  /**
   * The page parser worker's script (the bundle's dist/page-parser.js): large HTML pages are
   * parsed there, off the event loop (page-parser-thread.ts). Unset: on the main thread.
   */
  pageParserScript?: string | URL;
}

export interface InterceptOptions {
  /** Names of configured upstreams that are PyPI mirrors: their hosts are intercepted too. */
  mirrors?: string[];
  /** URL -> sha256 of the files the lockfiles lock (locked-hashes.ts). */
  lockedHashes?: LockedHashes;
  /** A client that sends no TLS hello within this is cut off. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Test only: host -> loopback origin (origin-map.ts); nothing else is then ever reached. */
  testOrigins?: Record<string, string>;
  /** Test only: CA certificates (PEM) the daemon trusts for upstreams (a TLS stand-in's). */
  testUpstreamCa?: string[];
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 96 * 1024 * 1024;

export interface RunningProxy {
  /** e.g. http://127.0.0.1:41234 (no trailing slash); the default index is `${url}/simple/`. */
  url: string;
  port: number;
  upstreams: ReadonlyArray<Pick<Upstream, 'name' | 'indexUrl'>>;
  /** The store's absolute path. */
  storeDir: string;
  /** The policy in force: `frozen` whatever was asked when the store is read-only. */
  indexPolicy: IndexPolicy;
  /** A populated store this process cannot write: served as it is, nothing new stored. */
  readOnly: boolean;
  stats(): ProxyStatsSnapshot;
  /** What the run used so far. */
  manifest(): Manifest;
  /** The job CA's certificate (PEM) when intercepting: what the clients' CA bundle adds. */
  caCertPem?: string;
  /** `http://host:port` of the job's HTTPS proxy its connections go through (no credentials). */
  outboundProxy?: string;
  /** Stops accepting, lets downloads finish, writes the manifest; resolves with it. */
  close(): Promise<Manifest>;
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function trackUnfinished(server: Server): Set<ServerResponse> {
  const unfinished = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    unfinished.add(res);
    res.once('close', () => unfinished.delete(res));
  });
  return unfinished;
}

function answerUnfinished(unfinished: Set<ServerResponse>): void {
  for (const res of unfinished) {
    if (res.headersSent) {
      res.destroy();
      continue;
    }
    const body = 'the proxy is shutting down; retry\n';
    res.writeHead(503, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'retry-after': '1',
      connection: 'close',
    });
    res.end(body);
  }
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const upstreams = parseUpstreams(options.upstreams ?? [], options.env ?? process.env);
  const store = await ContentStore.open(options.storeDir);
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const stats = new ProxyStats();
  const log = new ProxyLog(
    options.logFile,
    options.onWarning,
    upstreams.flatMap((upstream) => indexUrlSecrets(upstream.indexUrl)),
  );
  // A read-only store can only serve what it holds: revalidated pages could not be kept.
  const policy: IndexPolicy = store.readOnly ? 'frozen' : (options.indexPolicy ?? 'revalidate');
  // The default manifest lives in the store, which a read-only store cannot take.
  const manifestPath = options.manifestPath ?? (store.readOnly ? false : join(store.root, 'manifest.json'));
  if (store.readOnly) {
    log.warn(
      `the store ${store.root} is read-only: serving what it holds under the frozen policy; nothing new will be stored${
        options.manifestPath === undefined ? ' and no manifest written' : ''
      }`,
    );
  }
  const manifest = new ManifestRecorder();
  const origins = new OriginMap(options.intercept?.testOrigins);
  const client = new UpstreamClient({
    timeoutMs: options.upstreamTimeoutMs,
    retries: options.upstreamRetries,
    backoffMs: options.retryBackoffMs,
    onRetry: (message) => log.warn(message),
    ...(origins.isTestMapping ? { mapUrl: (url: URL) => origins.mapUrl(url) } : {}),
    extraCa: [...(options.trustedCa ?? []), ...(options.intercept?.testUpstreamCa ?? [])],
    allowFileHosts: options.allowFileHosts,
    hostLookup: options.hostLookup,
    outboundProxy: options.outboundProxy,
  });
  const htmlParser = new HtmlPageParser(options.pageParserScript);
  const pages = new PageService({
    htmlParser,
    store,
    client,
    policy,
    stats,
    manifest,
    warn: (message) => log.warn(message),
    pins: options.pins,
    pageDeadlineMs: options.pageDeadlineMs,
    coldPageDeadlineMs: options.coldPageDeadlineMs,
    maxPageBytes: options.maxPageBytes,
    memoryBudgetBytes: Math.floor((budget * 3) / 8),
  });
  const downloads = new DownloadCoordinator(
    store,
    client,
    {
      onFetched: () => stats.fetchedUpstream++,
      onRestart: (message) => log.warn(message),
      onStoreFailure: (message) => log.warn(message),
      onUpstreamBytes: (bytes) => {
        stats.upstreamBytes += bytes;
      },
    },
    options.maxFileBytes,
  );
  const fileMemory = new StoredFileMemory(Math.floor(budget / 4));
  const storedFiles = new StoredFiles(store, manifest, fileMemory);
  const files = new FileService(store, pages, downloads, manifest, storedFiles);
  const renderer = new PageRenderer(Math.floor((budget * 3) / 8));
  stats.offThreadParses = () => ({ inProgress: htmlParser.inProgress, done: htmlParser.done });
  stats.memory = () => ({
    budgetBytes: budget,
    pagesBytes: pages.heldBytes,
    renderingsBytes: renderer.heldBytes,
    filesBytes: fileMemory.heldBytes,
  });
  const server = createProxyServer({
    upstreams,
    pages,
    files,
    renderer,
    stats,
    log,
    manifest: () => manifest.build(),
  });
  // Loaded only when asked for: the certificate libraries are most of the daemon's code, and
  // parsing them cost every index-mode start (issue 10).
  const interception = options.intercept
    ? await import('./intercept/interception.js')
        .then(({ attachInterception }) =>
          attachInterception(server, {
            upstreams,
            options: options.intercept as InterceptOptions,
            origins,
            outbound: options.outboundProxy,
            deps: { store, pages, downloads, manifest, stats, log, renderer, client, storedFiles },
          }),
        )
        .catch(async (error: unknown) => {
          await store.close();
          throw error;
        })
    : undefined;

  const ports = typeof options.port === 'number' ? [options.port] : (options.port ?? [0]);
  await listenOnFirstFree(server, options.host ?? '127.0.0.1', ports).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const unfinished = trackUnfinished(server);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const grace = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;

  let closing: Promise<Manifest> | undefined;
  const close = async (): Promise<Manifest> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // One grace period for everything under way; what has not finished by then gets a 503
    // (a client can retry that), never a connection left hanging until the process dies.
    await withTimeout(Promise.all([downloads.drain(), closed]), grace);
    answerUnfinished(unfinished);
    await new Promise((resolve) => setImmediate(resolve));
    server.closeAllConnections();
    interception?.close();
    client.close();
    await htmlParser.close();
    const used = manifest.build();
    // The action reads /-/manifest before stopping the proxy: a manifest that cannot be written
    // (a full disk) is a warning, and the store's lock is still released below.
    if (manifestPath !== false)
      await writeManifest(manifestPath, used).catch((error: unknown) =>
        log.warn(`could not write the manifest ${manifestPath}: ${(error as Error).message}`),
      );
    await log.close();
    await store.close();
    stats.close();
    return used;
  };

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    upstreams: upstreams.map(({ name, indexUrl }) => ({ name, indexUrl })),
    storeDir: store.root,
    indexPolicy: policy,
    readOnly: store.readOnly,
    stats: () => stats.snapshot(),
    manifest: () => manifest.build(),
    ...(interception ? { caCertPem: interception.caCertPem } : {}),
    ...(options.outboundProxy ? { outboundProxy: options.outboundProxy.display } : {}),
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
