// Project pages and the project list under the index policy:
// - revalidate: the first request in a run asks upstream (conditionally, with the stored ETag),
//   later ones are answered from memory, whatever `Cache-Control: max-age=0` clients send
//   (pip always sends it: pip/_internal/index/collector.py, pypa/pip#5670).
// - frozen: a page in the store is served with no upstream request at all.
// - pinned (under revalidate): a stored page that lists every version the lockfiles pin for its
//   project is served from the store too; see pins.ts.
// Either way, an upstream failure with the page in the store serves the stored page and warns;
// once an upstream failed a few times in a row, stored pages skip it for a while
// (upstream-health.ts).
// Every page fetch has an overall deadline, not only the socket's idle timeout: pip gives up on a
// read after 15 s (pip/_internal/cli/cmdoptions.py, --timeout), and a trickling upstream never
// goes idle. With a stored copy the deadline is short (the stored page is as good as any answer
// that late) and passing it opens the breaker; without one it still ends before pip's timeout,
// with a 504 naming the upstream.
// Concurrent requests for one page share one upstream request.
// Loaded pages are kept in memory under a byte budget (issue 9, case 14), estimated from the
// JSON they came from; an evicted page is read from the store again, and under revalidate it
// is not asked upstream twice in one run: that it was revalidated is remembered apart from it.

import type { Readable } from 'node:stream';
import { NotFoundError } from '../errors.js';
import type { ProxyStats } from '../stats.js';
import type { ManifestRecorder } from '../store/manifest.js';
import type { ContentStore, UpstreamValidators } from '../store/store.js';
import type { BodySegments } from '../upstream/body-segments.js';
import {
  BodyTooLargeError,
  readBody,
  type UpstreamClient,
  UpstreamDeadlineError,
  UpstreamError,
} from '../upstream/upstream.js';
import { redactUrl, type Upstream } from '../upstream/upstream-config.js';
import { UpstreamHealth } from '../upstream/upstream-health.js';
import { ByteBudgetCache } from './byte-budget-cache.js';
import { estimatedListBytes, estimatedPageBytes } from './model-size.js';
import { HtmlPageParser } from './page-parser-thread.js';
import {
  PageFormatError,
  type ProjectList,
  type ProjectPage,
  parseJsonPage,
  parseJsonProjectList,
} from './pages.js';
import { type Pins, pageHasPinnedVersions } from './pins.js';
import { fromStoredPage, toStoredPage } from './stored-urls.js';

export type IndexPolicy = 'revalidate' | 'frozen';

// uv's Accept header (crates/uv-client/src/registry_client.rs): JSON first, HTML as fallback.
const UPSTREAM_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';
/**
 * Default bound on one page's (decoded) body. PyPI's largest pages are a few MB; parsing is
 * linear but a page still costs memory several times its size, so a page past the bound is
 * refused rather than parsed (issue 9, case 4). ProxyOptions.maxPageBytes raises it.
 */
export const DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024;

export interface PageSource<T> {
  value: T;
  /** memory: already loaded this run; store: from disk; upstream: fetched (or 304) now. */
  source: 'memory' | 'store' | 'upstream';
}

interface Fetched<T> extends UpstreamValidators {
  status: 'ok' | 'not-modified' | 'not-found';
  value?: T;
}

type Parse<T> = (body: BodySegments, contentType: string, url: string) => Promise<T>;

export interface PageServiceOptions {
  store: ContentStore;
  client: UpstreamClient;
  policy: IndexPolicy;
  stats: ProxyStats;
  manifest: ManifestRecorder;
  warn: (message: string) => void;
  pins?: Pins;
  /** How long a stored "not on this index" answer keeps a frozen run from asking (default 24 h). */
  absentLifetimeMs?: number;
  /** Overall limit on a page fetch when the store holds the page (default 3 s). */
  pageDeadlineMs?: number;
  /** Overall limit on a page fetch when it does not (default 12 s: inside pip's 15 s). */
  coldPageDeadlineMs?: number;
  /** Default DEFAULT_MAX_PAGE_BYTES. */
  maxPageBytes?: number;
  /** Bytes the loaded page models may hold in memory (default DEFAULT_PAGE_MEMORY_BYTES). */
  memoryBudgetBytes?: number;
  /** Parses HTML bodies, large ones off the main thread; default: all on the main thread. */
  htmlParser?: HtmlPageParser;
}

export const DEFAULT_PAGE_MEMORY_BYTES = 48 * 1024 * 1024;

export const DEFAULT_PAGE_DEADLINE_MS = 3_000;
export const DEFAULT_COLD_PAGE_DEADLINE_MS = 12_000;

export class PageService {
  /** Loads under way: concurrent requests for one page share one. */
  private readonly pending = new Map<string, Promise<PageSource<unknown>>>();
  /** Loaded pages, within the budget. */
  private readonly kept: ByteBudgetCache<unknown>;
  /** Pages asked upstream (or found sufficient) this run: an evicted one is not asked again. */
  private readonly settled = new Set<string>();
  /** Not-found answers stay remembered for the run. */
  private readonly notFound = new Map<string, NotFoundError>();
  private readonly health = new UpstreamHealth();
  private readonly warnedHosts = new Set<string>();
  private readonly pageDeadlineMs: number;
  private readonly coldPageDeadlineMs: number;
  private readonly absentLifetimeMs: number;
  private readonly html: HtmlPageParser;

  constructor(private readonly options: PageServiceOptions) {
    this.html = options.htmlParser ?? new HtmlPageParser();
    this.pageDeadlineMs = options.pageDeadlineMs ?? DEFAULT_PAGE_DEADLINE_MS;
    this.coldPageDeadlineMs = options.coldPageDeadlineMs ?? DEFAULT_COLD_PAGE_DEADLINE_MS;
    this.absentLifetimeMs = options.absentLifetimeMs ?? 24 * 3600_000;
    this.kept = new ByteBudgetCache(options.memoryBudgetBytes ?? DEFAULT_PAGE_MEMORY_BYTES);
  }

  /** Bytes the kept page models hold (estimated; a stat: stays under the budget). */
  get heldBytes(): number {
    return this.kept.heldBytes;
  }

  async project(upstream: Upstream, project: string): Promise<PageSource<ProjectPage>> {
    const frozen = this.options.policy === 'frozen';
    try {
      const result = await this.once(
        `${upstream.name}/${project}`,
        (settled) => this.loadProject(upstream, project, settled),
        estimatedPageBytes,
      );
      this.options.manifest.page(upstream.name, project);
      return result;
    } catch (error: unknown) {
      // The "not on this index" record is kept with the store, like a page.
      if (frozen && error instanceof NotFoundError) this.options.manifest.page(upstream.name, project);
      throw error;
    }
  }

  /**
   * The page as far as it is known without asking upstream: loaded in this run, or in the store.
   * Interception uses it for the sha256 of a file a client asks for without the page.
   */
  async known(upstream: Upstream, project: string): Promise<ProjectPage | undefined> {
    const key = `${upstream.name}/${project}`;
    const kept = this.kept.get(key) as ProjectPage | undefined;
    if (kept) return kept;
    const pending = this.pending.get(key) as Promise<PageSource<ProjectPage>> | undefined;
    if (pending) return (await pending.catch(() => undefined))?.value;
    const stored = await this.options.store.readPage(upstream.name, project);
    return stored && !stored.absent ? stored.page : undefined;
  }

  /**
   * Under frozen, a 404 is stored as a "not on this index" record for a while (pip asks for
   * /simple/pip/ on every run for its self-check), so a frozen job stays off the network.
   * Revalidate ignores the record and asks.
   */
  private async loadProject(
    upstream: Upstream,
    project: string,
    settled: boolean,
  ): Promise<PageSource<ProjectPage>> {
    const { store, policy } = this.options;
    const stored = await store.readPage(upstream.name, project);
    const url = new URL(`${encodeURIComponent(project)}/`, upstream.indexUrl).toString();
    if (
      stored?.absent &&
      policy === 'frozen' &&
      Date.now() - Date.parse(stored.fetchedAt) < this.absentLifetimeMs
    )
      throw new NotFoundError(`${redactUrl(url, upstream.indexUrl)}: not on this index (stored answer)`);
    try {
      return await this.load<ProjectPage>({
        upstream,
        url,
        settled,
        read: async () =>
          stored && !stored.absent
            ? {
                ...stored,
                value: this.allowedLinks(upstream, fromStoredPage(stored.page, upstream.indexUrl)),
              }
            : undefined,
        write: (value, validators) =>
          store.writePage(upstream.name, project, {
            ...validators,
            fetchedAt: new Date().toISOString(),
            page: toStoredPage(value, upstream.indexUrl),
          }),
        parse: async (body, contentType, url) =>
          this.allowedLinks(
            upstream,
            isJson(contentType)
              ? parseJsonPage(body.whole().toString('utf8'), url, project)
              : await this.html.projectPage(body, url, project),
          ),
        storeSuffices: (page) => pageHasPinnedVersions(page, this.options.pins?.get(project)),
      });
    } catch (error: unknown) {
      if (policy === 'frozen' && error instanceof NotFoundError) {
        await this.storeQuietly(url, () =>
          store.writePage(upstream.name, project, {
            fetchedAt: new Date().toISOString(),
            absent: true,
            page: { name: project, meta: {}, files: [], extra: {} },
          }),
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
  private allowedLinks(upstream: Upstream, page: ProjectPage): ProjectPage {
    const policy = this.options.client.fileHosts(upstream);
    let marked = 0;
    const files = page.files.map((file) => {
      const refused = file.url === '' ? undefined : policy.refusal(file.url);
      if (!refused) return file;
      marked++;
      const host = safeHost(file.url);
      if (!this.warnedHosts.has(`${upstream.name} ${host}`)) {
        this.warnedHosts.add(`${upstream.name} ${host}`);
        this.options.warn(
          `upstream ${upstream.name}: links to ${host} left to the client, not fetched or cached (first: ${file.filename} on ${page.name}): ${refused}`,
        );
      }
      return { ...file, direct: true as const };
    });
    return marked === 0 ? page : { ...page, files };
  }

  async projectList(upstream: Upstream): Promise<PageSource<ProjectList>> {
    const result = await this.once(
      `${upstream.name}/`,
      (settled) =>
        this.load<ProjectList>({
          upstream,
          url: upstream.indexUrl,
          settled,
          read: () =>
            this.options.store.readProjectList(upstream.name).then((s) => s && { ...s, value: s.list }),
          write: (value, validators) =>
            this.options.store.writeProjectList(upstream.name, {
              ...validators,
              fetchedAt: new Date().toISOString(),
              list: value,
            }),
          parse: async (body, contentType) =>
            isJson(contentType)
              ? parseJsonProjectList(body.whole().toString('utf8'))
              : await this.html.projectList(body),
        }),
      estimatedListBytes,
    );
    this.options.manifest.index(upstream.name);
    return result as PageSource<ProjectList>;
  }

  /**
   * First caller loads; later callers in this run get the same answer from memory while it is
   * kept. `load` gets whether the page was already settled this run (then the store suffices).
   */
  private async once<T>(
    key: string,
    load: (settled: boolean) => Promise<PageSource<T>>,
    bytesOf: (value: T) => number,
  ): Promise<PageSource<T>> {
    const kept = this.kept.get(key) as T | undefined;
    if (kept !== undefined) return { value: kept, source: 'memory' };
    const notFound = this.notFound.get(key);
    if (notFound) throw notFound;
    const pending = this.pending.get(key) as Promise<PageSource<T>> | undefined;
    if (pending) {
      const { value } = await pending;
      return { value, source: 'memory' };
    }
    const loading = load(this.settled.has(key)).then((loaded) => {
      this.settled.add(key);
      this.kept.set(key, loaded.value, bytesOf(loaded.value));
      return loaded;
    });
    this.pending.set(key, loading);
    try {
      return await loading;
    } catch (error: unknown) {
      // Not-found stays remembered for the run; other failures may succeed on the next request.
      if (error instanceof NotFoundError) this.notFound.set(key, error);
      throw error;
    } finally {
      this.pending.delete(key);
    }
  }

  private async load<T>(spec: {
    upstream: Upstream;
    url: string;
    /** Already asked upstream this run (then evicted from memory): the stored copy answers. */
    settled: boolean;
    read: () => Promise<(UpstreamValidators & { value: T }) | undefined>;
    write: (value: T, validators: UpstreamValidators) => Promise<void>;
    parse: Parse<T>;
    /** Whether the stored value answers this run without asking upstream, under revalidate. */
    storeSuffices?: (value: T) => boolean;
  }): Promise<PageSource<T>> {
    const stored = await spec.read();
    if (stored && (this.options.policy === 'frozen' || spec.settled || spec.storeSuffices?.(stored.value))) {
      return { value: stored.value, source: 'store' };
    }
    const { name } = spec.upstream;
    if (stored && this.health.isDown(name)) {
      this.options.stats.staleServed++;
      return { value: stored.value, source: 'store' };
    }
    let fetched: Fetched<T>;
    const started = Date.now();
    try {
      fetched = await this.fetchWithin(
        stored ? this.pageDeadlineMs : this.coldPageDeadlineMs,
        spec.upstream,
        spec.url,
        stored,
        spec.parse,
      );
      // A late answer is welcome, but it says the upstream is struggling: no all-clear.
      if (Date.now() - started <= this.pageDeadlineMs) this.health.succeeded(name);
      else this.noteOutage(name, this.health.failed(name));
    } catch (error: unknown) {
      if (error instanceof NotFoundError) throw error;
      if (error instanceof UpstreamDeadlineError) this.noteOutage(name, this.health.tooSlow(name));
      // What withRetries would have retried: connection trouble, timeouts, 429 and 5xx.
      else if (!(error instanceof UpstreamError) || error.retryable)
        this.noteOutage(name, this.health.failed(name));
      if (!stored) throw error;
      this.options.stats.staleServed++;
      this.options.warn(
        `upstream failed for ${redactUrl(spec.url, spec.upstream.indexUrl)}, serving the stored page: ${(error as Error).message}`,
      );
      return { value: stored.value, source: 'store' };
    }
    if (fetched.status === 'not-found')
      throw new NotFoundError(`${redactUrl(spec.url, spec.upstream.indexUrl)}: not on this index`);
    if (fetched.status === 'not-modified' && stored) return { value: stored.value, source: 'upstream' };
    const value = fetched.value as T;
    await this.storeQuietly(spec.url, () =>
      spec.write(value, { etag: fetched.etag, lastModified: fetched.lastModified }),
    );
    return { value, source: 'upstream' };
  }

  /**
   * A page upstream answered is served whether or not the store could keep it (a full disk):
   * the store is an optimisation, the answer is what the client asked for. It warns instead.
   */
  private async storeQuietly(url: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error: unknown) {
      this.options.warn(`could not store the page ${redactUrl(url)}: ${(error as Error).message}`);
    }
  }

  private noteOutage(name: string, opened: boolean): void {
    if (!opened) return;
    this.options.warn(
      `upstream ${name} failed several page requests in a row (errors or past the deadline): stored pages are served without asking it for a while`,
    );
  }

  /** `fetch`, abandoned (request and body destroyed) once `ms` have passed. */
  private async fetchWithin<T>(
    ms: number,
    upstream: Upstream,
    url: string,
    stored: UpstreamValidators | undefined,
    parse: Parse<T>,
  ): Promise<Fetched<T>> {
    const deadline = new AbortController();
    const expired = new Promise<never>((_, fail) => {
      deadline.signal.addEventListener('abort', () => fail(deadline.signal.reason), { once: true });
    });
    expired.catch(() => {});
    const timer = setTimeout(() => {
      deadline.abort(
        new UpstreamDeadlineError(
          `upstream ${upstream.name} gave no complete answer for ${redactUrl(url, upstream.indexUrl)} within ${ms} ms`,
        ),
      );
    }, ms);
    try {
      // The race is the guarantee; the signal is what tears the request down.
      return await Promise.race([this.fetch(upstream, url, stored, parse, deadline.signal), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fetch<T>(
    upstream: Upstream,
    url: string,
    stored: UpstreamValidators | undefined,
    parse: Parse<T>,
    signal: AbortSignal,
  ) {
    const { client, stats } = this.options;
    const headers: Record<string, string> = { accept: UPSTREAM_ACCEPT, 'accept-encoding': 'gzip, deflate' };
    if (stored?.etag) headers['if-none-match'] = stored.etag;
    if (stored?.lastModified) headers['if-modified-since'] = stored.lastModified;
    const shown = (answered: string) => redactUrl(answered, upstream.indexUrl);
    return client.withRetries(
      shown(url),
      async (): Promise<Fetched<T>> => {
        const response = await client.requestOnce(url, { upstream, headers, signal });
        if (response.status === 304) stats.revalidated++;
        else stats.fetchedUpstream++;
        if (response.status === 304 || response.status === 404 || response.status === 410) {
          response.body.resume();
          return { status: response.status === 304 ? 'not-modified' : 'not-found' };
        }
        if (response.status !== 200) {
          response.body.resume();
          const retryable = response.status === 429 || response.status >= 500;
          throw new UpstreamError(
            `${shown(response.url)} answered ${response.status}`,
            retryable,
            response.status,
          );
        }
        const body = await readPageBody(response.body, shown(response.url), this.options.maxPageBytes);
        stats.upstreamBytes += body.length;
        const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
        if (!isJson(contentType) && !isHtml(contentType)) {
          throw new UpstreamError(`${shown(response.url)}: unexpected Content-Type ${contentType}`, false);
        }
        const value = await parseOrFail(parse, body, contentType, response.url, shown);
        return {
          status: 'ok',
          value,
          etag: headerString(response.headers.etag),
          lastModified: headerString(response.headers['last-modified']),
        };
      },
      signal,
    );
  }
}

async function readPageBody(
  body: Readable,
  shownUrl: string,
  maxBytes = DEFAULT_MAX_PAGE_BYTES,
): Promise<BodySegments> {
  try {
    return await readBody(body, maxBytes);
  } catch (error: unknown) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    throw new UpstreamError(
      `${shownUrl}: page larger than ${maxBytes} bytes, refused (raise the bound with --max-page-size)`,
      false,
    );
  }
}

/**
 * Whatever a parser throws on a page is that page's fault, not an outage: it is not retried and
 * does not count against the upstream's health (a TypeError from one bad link used to do both:
 * issue 9, case 13).
 */
async function parseOrFail<T>(
  parse: Parse<T>,
  body: BodySegments,
  contentType: string,
  url: string,
  shown: (url: string) => string,
): Promise<T> {
  try {
    return await parse(body, contentType, url);
  } catch (error: unknown) {
    const reason =
      error instanceof PageFormatError ? error.message : `unreadable page: ${(error as Error).message}`;
    throw new UpstreamError(`${shown(url)}: ${reason}`, false);
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(no host)';
  }
}

function headerString(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isJson(contentType: string): boolean {
  return (
    contentType.startsWith('application/vnd.pypi.simple.v1+json') ||
    contentType.startsWith('application/json')
  );
}

function isHtml(contentType: string): boolean {
  return contentType.startsWith('text/html') || contentType.startsWith('application/vnd.pypi.simple.v1+html');
}
