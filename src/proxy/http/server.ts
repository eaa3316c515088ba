// The HTTP front: plain node:http, GET and HEAD only, no request bodies. Routes come from
// routes.ts; a NotFoundError answers 404 (uv reads 404 as "not on this index"), a
// BadRequestError 400, anything else 502/500. Every answer gets one access-log line.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { BadRequestError, IntegrityError, NotFoundError } from '../errors.js';
import { sendFile } from '../files/file-responses.js';
import { type FileService, indexSha256 } from '../files/file-service.js';
import { normalizeProjectName } from '../names.js';
import { renderHtmlPage, renderHtmlProjectList } from '../pages/html-page.js';
import type { PageRenderer } from '../pages/page-responses.js';
import type { PageService } from '../pages/page-service.js';
import { renderJsonPage, renderJsonProjectList } from '../pages/pages.js';
import type { ProxyStats } from '../stats.js';
import type { Manifest } from '../store/manifest.js';
import { UpstreamDeadlineError, UpstreamError } from '../upstream/upstream.js';
import type { Upstream } from '../upstream/upstream-config.js';
import type { ProxyLog } from './access-log.js';
import { countBodyBytes } from './body-counter.js';
import { homePage } from './home-page.js';
import { negotiatePageFormat } from './negotiation.js';
import { fileHref, type Route, RouteTable } from './routes.js';

export interface ProxyContext {
  upstreams: Upstream[];
  pages: PageService;
  files: FileService;
  renderer: PageRenderer;
  stats: ProxyStats;
  log: ProxyLog;
  /** What this run used so far; the action reads it before stopping the proxy (Windows has no SIGTERM). */
  manifest: () => Manifest;
}

export type Source = 'store' | 'memory' | 'upstream' | 'proxy';

export function statusFor(error: unknown): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof BadRequestError) return 400;
  if (error instanceof UpstreamDeadlineError) return 504;
  if (error instanceof UpstreamError && error.status === undefined && /no data for/.test(error.message))
    return 504;
  if (error instanceof UpstreamError || error instanceof IntegrityError) return 502;
  return 500;
}

/**
 * A request that failed, for the index routes and the intercepted hosts alike: counted, warned
 * about when the fault is ours, and answered with its status and reason (masked: an upstream's
 * URL may hold a token) unless bytes already went out.
 */
export function answerFailure(
  ctx: { stats: ProxyStats; log: ProxyLog },
  res: ServerResponse,
  error: unknown,
  request: string,
): void {
  const status = statusFor(error);
  // A client that hangs up mid-body (pip cancelling, uv done with its range) is no error of ours.
  const clientLeft = (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
  if (status === 404) ctx.stats.notFound++;
  if (!clientLeft && (status >= 500 || res.headersSent)) {
    ctx.stats.errors++;
    ctx.log.warn(`${request}: ${(error as Error).message}`);
  }
  // Once bytes went out the only honest signal left is a broken connection.
  if (res.headersSent) res.destroy();
  else sendText(res, status, status === 404 ? 'not found' : ctx.log.mask((error as Error).message));
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(`${text}\n`);
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function upstreamNamed(ctx: ProxyContext, name: string): Upstream {
  const upstream = ctx.upstreams.find((candidate) => candidate.name === name);
  if (!upstream) throw new NotFoundError(`no upstream ${name}`);
  return upstream;
}

async function answer(
  ctx: ProxyContext,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Source> {
  switch (route.kind) {
    case 'home': {
      const page = homePage(ctx.upstreams, req.headers.accept);
      const body = Buffer.from(page.body);
      res.writeHead(200, {
        'content-type': page.type,
        'content-length': body.length,
        'cache-control': 'no-store',
        vary: 'Accept',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return 'proxy';
    }
    case 'health':
      sendJson(res, { status: 'ok' });
      return 'proxy';
    case 'stats':
      sendJson(res, ctx.stats.snapshot());
      return 'proxy';
    case 'manifest':
      sendJson(res, ctx.manifest());
      return 'proxy';
    case 'redirect':
      sendText(res, 301, `moved to ${route.location}`, { location: route.location });
      return 'proxy';
    case 'project-list': {
      ctx.stats.pageRequests++;
      const { value: list, source } = await ctx.pages.projectList(upstreamNamed(ctx, route.upstream));
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(`${route.upstream}/`, format, list, () =>
        format === 'json'
          ? renderJsonProjectList(list)
          : renderHtmlProjectList(list, route.prefix, normalizeProjectName),
      );
      await ctx.renderer.send(req, res, rendered, format);
      return source;
    }
    case 'project': {
      ctx.stats.pageRequests++;
      const { value: page, source } = await ctx.pages.project(
        upstreamNamed(ctx, route.upstream),
        route.project,
      );
      const format = negotiatePageFormat(req.headers.accept);
      const href = (file: Parameters<typeof indexSha256>[0]) =>
        file.direct ? file.url : fileHref(route.upstream, route.project, indexSha256(file), file.filename);
      const rendered = ctx.renderer.get(`${route.upstream}/${route.project}`, format, page, () =>
        format === 'json' ? renderJsonPage(page, href) : renderHtmlPage(page, href),
      );
      await ctx.renderer.send(req, res, rendered, format);
      return source;
    }
    case 'file': {
      ctx.stats.fileRequests++;
      const resolved = await ctx.files.resolve(upstreamNamed(ctx, route.upstream), route);
      return sendFile(req, res, resolved);
    }
  }
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

async function handle(
  ctx: ProxyContext,
  routes: RouteTable,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = Date.now();
  const bodyBytes = countBodyBytes(res);
  // The proxy's own routes (/-/health, /-/stats, /-/manifest) are not installs' traffic.
  if (!req.url?.startsWith('/-/')) ctx.stats.requests++;
  let source: Source = 'proxy';
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'only GET and HEAD', { allow: 'GET, HEAD' });
    } else if (hasBody(req)) {
      sendText(res, 413, 'requests carry no body here', { connection: 'close' });
    } else {
      source = await answer(ctx, routes.match(req.url ?? '/'), req, res);
      if (source === 'store' || source === 'memory') {
        ctx.stats.servedFromStore++;
        ctx.stats.storeBytes += bodyBytes();
      }
    }
  } catch (error: unknown) {
    answerFailure(ctx, res, error, `${req.method} ${req.url?.slice(0, 200)}`);
  } finally {
    ctx.log.access({
      method: req.method ?? '',
      path: (req.url ?? '').slice(0, 300),
      status: res.statusCode,
      bytes: bodyBytes(),
      ms: Date.now() - started,
      source,
    });
  }
}

export function createProxyServer(ctx: ProxyContext): http.Server {
  const routes = new RouteTable(ctx.upstreams.map((upstream) => upstream.name));
  const server = http.createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 120_000, headersTimeout: 30_000 },
    (req, res) => {
      handle(ctx, routes, req, res).catch((error: unknown) => {
        ctx.log.warn(`unexpected: ${(error as Error).message}`);
        res.destroy();
      });
    },
  );
  return server;
}
