// Counters behind `/-/stats`. Plain numbers only: no URLs, so nothing secret can leak here.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface ProxyStatsSnapshot {
  /** Requests received, all routes. */
  requests: number;
  /** Pages and files answered from the store or memory without an upstream request. */
  servedFromStore: number;
  /** Body bytes answered from the store or memory: what upstream did not have to send. */
  storeBytes: number;
  /** Upstream requests that fetched a page or a file (a 404 included, a 304 not). */
  fetchedUpstream: number;
  /**
   * Upstream requests answered 304: the stored page was still current. A request to upstream,
   * but no bytes downloaded (so neither in fetchedUpstream nor in servedFromStore).
   */
  revalidated: number;
  /** Body bytes received from upstreams (decoded). */
  upstreamBytes: number;
  /** Answers with status 500 or more, and responses cut off mid-body. */
  errors: number;
  pageRequests: number;
  fileRequests: number;
  notFound: number;
  /** Pages served from the store because the upstream failed. */
  staleServed: number;
  /**
   * Files stored under interception, by what their bytes were checked against (issue 10): page
   * and lockfile by sha256, path-digest by the blake2b-256 in the URL (only when no sha256 is known).
   */
  verified: { page: number; lockfile: number; 'path-digest': number };
  /** CONNECT requests: TLS terminated for a PyPI host, plain tunnels, refused. */
  connects: { intercepted: number; tunnelled: number; refused: number };
  uptimeSeconds: number;
  /**
   * How long the event loop was kept from turning, since the start: one slow parse or a busy
   * loop delays every other answer by that much (the soak bench reads it under hostile input).
   */
  eventLoopDelay: { maxMs: number; p99Ms: number };
  /** What the run keeps in memory for repeats, against its budget (all in bytes). */
  memory: MemoryHeld;
  /** Large HTML pages parsed in the worker thread (page-parser-thread.ts): now, and so far. */
  offThreadParses: { inProgress: number; done: number };
}

export interface MemoryHeld {
  budgetBytes: number;
  /** Parsed page models (estimated). */
  pagesBytes: number;
  /** Rendered pages, gzip included. */
  renderingsBytes: number;
  /** Stored files' sizes and small files' bytes. */
  filesBytes: number;
}

export class ProxyStats {
  private readonly startedAt = Date.now();
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
  readonly verified = { page: 0, lockfile: 0, 'path-digest': 0 };
  readonly connects = { intercepted: 0, tunnelled: 0, refused: 0 };
  // Sampled every 10 ms by libuv; costs next to nothing and keeps no process alive.
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  /** Set by whoever owns the caches. */
  memory: () => MemoryHeld = () => ({ budgetBytes: 0, pagesBytes: 0, renderingsBytes: 0, filesBytes: 0 });
  /** Set by whoever owns the page parser. */
  offThreadParses: () => { inProgress: number; done: number } = () => ({ inProgress: 0, done: 0 });

  constructor() {
    this.loopDelay.enable();
  }

  close(): void {
    this.loopDelay.disable();
  }

  snapshot(): ProxyStatsSnapshot {
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
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      eventLoopDelay: {
        maxMs: Math.round(this.loopDelay.max / 1e5) / 10,
        p99Ms: Math.round(this.loopDelay.percentile(99) / 1e5) / 10,
      },
      memory: this.memory(),
      offThreadParses: this.offThreadParses(),
    };
  }
}
