// HTTP client for upstream indexes and file hosts: keep-alive agents, an idle timeout,
// retries with exponential backoff on connection errors, 429 and 5xx, decoded gzip/deflate/br
// bodies (pages only: files are read as sent, `decode: false`), and redirects resolved against
// the URL that answered (RFC 9110 10.2.2).
// Credentials go only to the upstream's own origin, also after a redirect.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BodySegments } from './body-segments.js';
import { FileHostError, FileHostPolicy, type HostLookup } from './file-hosts.js';
import { isCertificateRejection, trustingContext } from './job-trust.js';
import { ChainedHttpsAgent, type OutboundProxy, OutboundProxyError } from './outbound-proxy.js';
import { redactUrl, type Upstream } from './upstream-config.js';

export interface UpstreamClientOptions {
  /** Socket inactivity limit, before headers and between body chunks. */
  timeoutMs?: number;
  /** Attempts after the first one. */
  retries?: number;
  backoffMs?: number;
  maxRedirects?: number;
  onRetry?: (message: string) => void;
  /**
   * Where a URL is really fetched: the identity in a job; in tests, the OriginMap sends
   * https://files.pythonhosted.org/... to a loopback stand-in. Redirects, credentials and logs
   * keep the URL as given.
   */
  mapUrl?: (url: URL) => URL;
  /** PEM certificates trusted besides Node's roots: the job's CA files (job-trust.ts), a test CA. */
  extraCa?: string[];
  /** Hosts every index may send the proxy to for files and redirects (--allow-file-host). */
  allowFileHosts?: string[];
  /** Test only: resolves host names instead of DNS (tests must never look a real name up). */
  hostLookup?: HostLookup;
  /**
   * The job's HTTPS proxy: https URLs whose host is not in its NO_PROXY are fetched through a
   * CONNECT tunnel there (outbound-proxy.ts), by name; the file-host address check runs where
   * this machine can resolve the name. Plain http upstreams connect directly.
   */
  outboundProxy?: OutboundProxy;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  /** Decoded body (as sent with `decode: false`). Callers read it to the end or destroy it. */
  body: Readable;
  /** Byte count of `body` when the upstream announced it (only for unencoded bodies). */
  contentLength?: number;
}

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The upstream gave no complete answer in the time allowed (hung, or trickling bytes). */
export class UpstreamDeadlineError extends UpstreamError {
  constructor(message: string) {
    super(message, true);
  }
}

const RETRYABLE_STATUS = (status: number) => status === 429 || status >= 500;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  return new Promise((done, fail) => {
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The response's Content-Encoding, lower case; `identity` when it names none. */
export function contentEncoding(headers: IncomingHttpHeaders): string {
  return (
    String(headers['content-encoding'] ?? '')
      .toLowerCase()
      .trim() || 'identity'
  );
}

function decodedBody(response: IncomingMessage, decode: boolean): Readable {
  const encoding = decode ? contentEncoding(response.headers) : 'identity';
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : new PassThrough();
  // pipeline destroys the decoder with the socket's error: a reset mid-body reaches the reader.
  pipeline(response, decoder, () => {});
  return decoder;
}

function announcedLength(response: IncomingMessage): number | undefined {
  const encoding = response.headers['content-encoding'];
  const length = Number(response.headers['content-length']);
  if ((encoding && encoding !== 'identity') || !Number.isSafeInteger(length) || length < 0) return undefined;
  return length;
}

export interface RequestOptions {
  upstream: Upstream;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Aborting it destroys the request and its body (an overall deadline). */
  signal?: AbortSignal;
  /**
   * Undo a Content-Encoding (default true). Files say false: their sha256 is over the bytes as
   * sent, and a small gzip body can inflate to any size (issue 9, case 2).
   */
  decode?: boolean;
}

export class UpstreamClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private secureAgents: { direct: https.Agent; chained: https.Agent | undefined } | undefined;
  private readonly timeoutMs: number;
  readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRedirects: number;

  private readonly hostPolicies = new WeakMap<Upstream, FileHostPolicy>();

  constructor(private readonly options: UpstreamClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxRedirects = options.maxRedirects ?? 5;
  }

  /**
   * Made for the first https request, not at start-up: with the job's CA files the secure context
   * parses theirs, which a daemon whose upstreams are plain http, or a job served from the store,
   * never needs.
   */
  private httpsAgents(): { direct: https.Agent; chained: https.Agent | undefined } {
    if (!this.secureAgents) {
      const secureContext = trustingContext(this.options.extraCa ?? []);
      const agentOptions: https.AgentOptions = {
        keepAlive: true,
        maxSockets: 32,
        // One secure context for every connection: CA files are otherwise parsed per connection.
        ...(secureContext ? { secureContext } : {}),
      };
      const proxy = this.options.outboundProxy;
      this.secureAgents = {
        direct: new https.Agent(agentOptions),
        chained: proxy ? new ChainedHttpsAgent(proxy, agentOptions) : undefined,
      };
    }
    return this.secureAgents;
  }

  /** The agent for a request to `target` for `logical` (they differ under the test mapping). */
  private agentFor(logical: URL, target: URL): http.Agent {
    if (target.protocol !== 'https:') return this.httpAgent;
    const { direct, chained } = this.httpsAgents();
    const port = Number(logical.port || 443);
    return chained && this.options.outboundProxy?.serves(logical.hostname, port) ? chained : direct;
  }

  /** Exponential backoff with jitter, so clients of a struggling upstream do not retry in step. */
  backoffDelay(tries: number): number {
    return this.backoffMs * 2 ** tries * (0.75 + Math.random() / 2);
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the retries are used up. Once `signal`
   * aborts, no further attempt starts and its reason is the error.
   */
  async withRetries<T>(label: string, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let tries = 0; ; tries++) {
      signal?.throwIfAborted();
      try {
        return await attempt();
      } catch (error: unknown) {
        if (signal?.aborted) throw signal.reason;
        const retryable = !(error instanceof UpstreamError) || error.retryable;
        if (!retryable || tries >= this.retries) throw error;
        const delay = this.backoffDelay(tries);
        // An UpstreamError names its URL already; other errors get the label in front.
        const reason =
          error instanceof UpstreamError ? error.message : `${label}: ${(error as Error).message}`;
        this.options.onRetry?.(`${reason}; retrying in ${Math.round(delay)} ms`);
        await sleepUnlessAborted(delay, signal);
      }
    }
  }

  /** Where pages of this upstream may send the proxy (file-hosts.ts). */
  fileHosts(upstream: Upstream): FileHostPolicy {
    let policy = this.hostPolicies.get(upstream);
    if (!policy) {
      policy = new FileHostPolicy(upstream.indexUrl, this.options.allowFileHosts, this.options.hostLookup);
      this.hostPolicies.set(upstream, policy);
    }
    return policy;
  }

  /** One request with redirects and retries; a 429/5xx answer counts as a failed attempt. */
  request(url: string, options: RequestOptions): Promise<UpstreamResponse> {
    return this.withRetries(redactUrl(url, options.upstream.indexUrl), async () => {
      const response = await this.requestOnce(url, options);
      if (RETRYABLE_STATUS(response.status)) {
        response.body.destroy();
        throw new UpstreamError(
          `${redactUrl(response.url, options.upstream.indexUrl)} answered ${response.status}`,
          true,
          response.status,
        );
      }
      return response;
    });
  }

  /** A single attempt, following redirects. */
  async requestOnce(url: string, options: RequestOptions): Promise<UpstreamResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      // Every hop, the first one too (a file link), goes only where this index may send us.
      const refused = this.fileHosts(options.upstream).refusal(current);
      if (refused) {
        throw new UpstreamError(
          `${redactUrl(url, options.upstream.indexUrl)}: ${hop > 0 ? 'redirected to' : 'links to'} ${new URL(current).host}, refused: ${refused}`,
          false,
        );
      }
      const response = await this.send(current, options);
      const location = response.headers.location;
      if (!REDIRECT_STATUS.has(response.statusCode ?? 0) || !location) {
        return {
          status: response.statusCode ?? 0,
          headers: response.headers,
          url: current,
          body: decodedBody(response, options.decode ?? true),
          contentLength: announcedLength(response),
        };
      }
      response.resume();
      if (hop >= this.maxRedirects)
        throw new UpstreamError(
          `too many redirects from ${redactUrl(url, options.upstream.indexUrl)}`,
          false,
        );
      current = new URL(location, current).toString();
      if (!/^https?:$/.test(new URL(current).protocol)) {
        throw new UpstreamError(
          `redirect to an unsupported scheme from ${redactUrl(url, options.upstream.indexUrl)}`,
          false,
        );
      }
    }
  }

  private send(url: string, options: RequestOptions): Promise<IncomingMessage> {
    const logical = new URL(url);
    const headers: Record<string, string> = { 'user-agent': 'pypi-cache-proxy', ...options.headers };
    if (options.upstream.authorization && logical.origin === new URL(options.upstream.indexUrl).origin) {
      headers.authorization = options.upstream.authorization;
    }
    let target: URL;
    try {
      target = this.options.mapUrl ? this.options.mapUrl(logical) : logical;
    } catch (error: unknown) {
      return Promise.reject(new UpstreamError(`${redactUrl(url)}: ${(error as Error).message}`, false));
    }
    const secure = target.protocol === 'https:';
    const request = (secure ? https : http).request;
    const agent = this.agentFor(logical, target);
    return new Promise((resolve, reject) => {
      const req = request(target, {
        method: options.method ?? 'GET',
        // The certificate is checked against the logical host (a TLS stand-in plays it in tests).
        ...(secure && target.hostname !== logical.hostname ? { servername: logical.hostname } : {}),
        headers: target.host !== logical.host ? { host: logical.host, ...headers } : headers,
        agent,
        // Host names are checked once resolved, before any socket connects (a name that points
        // at 169.254.169.254 is refused like the literal). Mapped test targets are literals.
        // Through the job's proxy too, where this machine can resolve the name (outbound-proxy.ts).
        ...(target === logical ? { lookup: this.fileHosts(options.upstream).lookup } : {}),
        signal: options.signal,
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(
          new UpstreamError(
            `${redactUrl(url, options.upstream.indexUrl)}: no data for ${this.timeoutMs} ms`,
            true,
          ),
        );
      });
      req.once('response', resolve);
      req.once('error', (error: unknown) => {
        reject(
          options.signal?.aborted
            ? options.signal.reason
            : error instanceof UpstreamError
              ? error
              : new UpstreamError(
                  `${redactUrl(url, options.upstream.indexUrl)}: ${(error as Error).message}`,
                  // A refused address stays refused, and so does the job proxy's 4xx to CONNECT
                  // (407: credentials refused; 403: its rules), and a certificate the job does not
                  // trust: no retry.
                  !(error instanceof FileHostError) &&
                    !(error instanceof OutboundProxyError && (error.status ?? 500) < 500) &&
                    !isCertificateRejection(error),
                ),
        );
      });
      req.end();
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.secureAgents?.direct.destroy();
    this.secureAgents?.chained?.destroy();
  }
}

export class BodyTooLargeError extends UpstreamError {
  constructor(readonly maxBytes: number) {
    super(`upstream body larger than ${maxBytes} bytes`, false);
  }
}

/** Reads a whole body, refusing more than `maxBytes` (upstream pages are bounded too). */
export async function readBody(body: Readable, maxBytes: number): Promise<BodySegments> {
  const segments = new BodySegments();
  for await (const chunk of body) {
    if (segments.length + (chunk as Buffer).length > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    segments.append(chunk as Buffer);
  }
  return segments;
}
