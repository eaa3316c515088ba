// Requests decrypted inside an intercepted tunnel, answered as the real host would answer them:
// pages from the page service with their upstream file URLs unchanged (so lockfiles and the
// clients' own caches keep stable URLs; a rendering of its own, apart from the proxy-rewritten
// ones), files through InterceptedFiles (verified, stored, served), and anything else on
// pypi.org (the JSON API, say) passed through from upstream without being stored.
// The Host header must name the host of the tunnel: a request for another host inside it is
// answered 421 (RFC 9110 15.5.20), never routed by its Host.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { BadRequestError, NotFoundError } from '../errors.js';
import { sendFile } from '../files/file-responses.js';
import type { ProxyLog } from '../http/access-log.js';
import { countBodyBytes } from '../http/body-counter.js';
import { negotiatePageFormat } from '../http/negotiation.js';
import { type Route, simpleRoute, splitTarget } from '../http/routes.js';
import { answerFailure, type Source, sendText } from '../http/server.js';
import { normalizeProjectName } from '../names.js';
import { renderHtmlPage, renderHtmlProjectList } from '../pages/html-page.js';
import type { PageRenderer } from '../pages/page-responses.js';
import type { PageService } from '../pages/page-service.js';
import { type ProjectFile, renderJsonPage, renderJsonProjectList } from '../pages/pages.js';
import type { ProxyStats } from '../stats.js';
import type { UpstreamClient } from '../upstream/upstream.js';
import type { InterceptedHost } from './intercept-hosts.js';
import type { InterceptedFiles, VerifiedBy } from './intercepted-files.js';

export interface InterceptedRequestContext {
  pages: PageService;
  files: InterceptedFiles;
  renderer: PageRenderer;
  client: UpstreamClient;
  stats: ProxyStats;
  log: ProxyLog;
}

type InterceptedRoute =
  | Extract<Route, { kind: 'redirect' | 'project-list' | 'project' }>
  | { kind: 'file' }
  | { kind: 'passthrough' };

/** What a path on an intercepted host is. */
export function interceptedRoute(host: InterceptedHost, target: string): InterceptedRoute {
  const segments = splitTarget(target);
  if (host.indexPath) {
    const index = host.indexPath.split('/').filter(Boolean);
    if (index.every((segment, i) => segments[i] === segment)) {
      const rest = segments.slice(index.length);
      if (rest.length === 0) return { kind: 'redirect', location: host.indexPath };
      const route = simpleRoute(rest, host.upstream.name, host.indexPath);
      if (route.kind === 'redirect' || route.kind === 'project-list' || route.kind === 'project')
        return route;
      throw new NotFoundError('no such page');
    }
  }
  return { kind: host.otherPaths };
}

const fileUrl = (file: ProjectFile) => file.url.split('#', 1)[0] ?? file.url;

function hostMatches(header: string | undefined, host: InterceptedHost): boolean {
  if (!header) return false;
  const value = header.toLowerCase().replace(/\.$/, '');
  return value === host.host || value === `${host.host}:${host.port}`;
}

const PASSED_REQUEST_HEADERS = ['accept', 'range', 'if-none-match', 'if-modified-since', 'user-agent'];
const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'cache-control',
  'etag',
  'last-modified',
  'location',
  'content-range',
  'accept-ranges',
  'vary',
];

async function passThrough(
  ctx: InterceptedRequestContext,
  host: InterceptedHost,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of PASSED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const response = await ctx.client.requestOnce(`https://${host.host}${req.url}`, {
    upstream: host.upstream,
    method: req.method === 'HEAD' ? 'HEAD' : 'GET',
    headers,
  });
  ctx.stats.fetchedUpstream++;
  const out: Record<string, string | string[]> = {};
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) out[name] = value;
  }
  // The body is decoded: no Content-Encoding, and a length only when upstream's still holds.
  if (response.contentLength !== undefined) out['content-length'] = String(response.contentLength);
  res.writeHead(response.status, out);
  await pipeline(response.body, res);
}

async function answer(
  ctx: InterceptedRequestContext,
  host: InterceptedHost,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ source: Source; verifiedBy?: VerifiedBy }> {
  const route = interceptedRoute(host, req.url ?? '/');
  const upstream = host.upstream;
  switch (route.kind) {
    case 'redirect':
      sendText(res, 301, `moved to ${route.location}`, { location: route.location });
      return { source: 'proxy' };
    case 'project-list': {
      ctx.stats.pageRequests++;
      const { value: list, source } = await ctx.pages.projectList(upstream);
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(`intercept:${upstream.name}/`, format, list, () =>
        format === 'json'
          ? renderJsonProjectList(list)
          : renderHtmlProjectList(list, route.prefix, normalizeProjectName),
      );
      await ctx.renderer.send(req, res, rendered, format);
      return { source };
    }
    case 'project': {
      ctx.stats.pageRequests++;
      const { value: page, source } = await ctx.pages.project(upstream, route.project);
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(`intercept:${upstream.name}/${route.project}`, format, page, () =>
        format === 'json' ? renderJsonPage(page, fileUrl) : renderHtmlPage(page, fileUrl),
      );
      await ctx.renderer.send(req, res, rendered, format);
      return { source };
    }
    case 'file': {
      ctx.stats.fileRequests++;
      const url = new URL(req.url ?? '/', `https://${host.host}`);
      const file = await ctx.files.resolve({ upstream, url, pathDigests: host.pathDigests });
      return { source: await sendFile(req, res, file.resolved), verifiedBy: file.verifiedBy };
    }
    case 'passthrough':
      await passThrough(ctx, host, req, res);
      return { source: 'upstream' };
  }
}

async function handle(
  ctx: InterceptedRequestContext,
  host: InterceptedHost,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = Date.now();
  const bodyBytes = countBodyBytes(res);
  ctx.stats.requests++;
  let source: Source = 'proxy';
  let verifiedBy: VerifiedBy | undefined;
  try {
    if (!hostMatches(req.headers.host, host)) {
      sendText(res, 421, `this connection is for ${host.host}`, { connection: 'close' });
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'only GET and HEAD', { allow: 'GET, HEAD' });
    } else if (!req.url?.startsWith('/')) {
      throw new BadRequestError('request target must be a path');
    } else {
      ({ source, verifiedBy } = await answer(ctx, host, req, res));
      if (source === 'store' || source === 'memory') {
        ctx.stats.servedFromStore++;
        ctx.stats.storeBytes += bodyBytes();
      }
    }
  } catch (error: unknown) {
    answerFailure(ctx, res, error, `${req.method} https://${host.host}${req.url?.slice(0, 200)}`);
  } finally {
    ctx.log.access({
      method: req.method ?? '',
      host: host.host,
      path: (req.url ?? '').slice(0, 300),
      status: res.statusCode,
      bytes: bodyBytes(),
      ms: Date.now() - started,
      source,
      verifiedBy,
    });
  }
}

/**
 * The HTTP server the decrypted tunnels are handed to (it never listens itself). `hostOf` tells
 * which intercepted host a TLS socket was opened for.
 */
export function createInterceptedRequestServer(
  ctx: InterceptedRequestContext,
  hostOf: (socket: unknown) => InterceptedHost | undefined,
): http.Server {
  return http.createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 120_000, headersTimeout: 30_000 },
    (req, res) => {
      const host = hostOf(req.socket);
      if (!host) {
        res.destroy();
        return;
      }
      handle(ctx, host, req, res).catch((error: unknown) => {
        ctx.log.warn(`unexpected: ${(error as Error).message}`);
        res.destroy();
      });
    },
  );
}
