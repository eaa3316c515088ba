// The job's own HTTPS proxy (a corporate proxy), which the daemon's connections go through when
// the job had one (issue 10): upstream page and file fetches, and the plain tunnels of the
// clients' other hosts, each as an HTTP CONNECT to that proxy, with Proxy-Authorization when its
// URL carries credentials. Hosts in the job's NO_PROXY are reached directly, as the job's own
// tools reached them. The URL comes from the environment (OUTBOUND_PROXY_ENV), never argv:
// /proc/<pid>/cmdline is readable by every user, and the URL may hold user:password. Nothing
// here puts the credentials in a message: errors name the proxy as `http://host:port`.
// An https:// proxy is reached over TLS (the CONNECT and the tunnel inside it), its certificate
// checked against the roots the job trusts: Node's, plus the files SSL_CERT_FILE,
// REQUESTS_CA_BUNDLE, PIP_CERT and NODE_EXTRA_CA_CERTS name (a corporate CA is given there), as
// pip (urllib3) and uv check it.

import https from 'node:https';
import net, { type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { FileHostError } from './file-hosts.js';
import { jobCaCertificates, trustingContext } from './job-trust.js';

export const OUTBOUND_PROXY_ENV = 'PYPI_CACHE_PROXY_OUTBOUND_PROXY';
export const OUTBOUND_NO_PROXY_ENV = 'PYPI_CACHE_PROXY_OUTBOUND_NO_PROXY';

/** A proxy's answer to CONNECT is a status line and headers: more than this is not one. */
const MAX_CONNECT_ANSWER_BYTES = 16 * 1024;
export const DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS = 15_000;

export class OutboundProxyConfigError extends Error {}

/** The proxy answered CONNECT with something other than 200, or not at all in time. */
export class OutboundProxyError extends Error {
  constructor(
    message: string,
    /** 407: the credentials were refused (or none were given): retrying cannot help. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export class NoProxyList {
  private readonly entries: { host: string; port?: number }[];

  /**
   * curl's and Go's reading of NO_PROXY: comma (or space) separated; `*` for every host;
   * `example.com` and `.example.com` for that domain and its subdomains; an address literal,
   * `[::1]`, or an IPv4 CIDR block (`10.0.0.0/8`); `host:port` for that port only.
   */
  constructor(value: string | undefined) {
    this.entries = (value ?? '')
      .split(/[\s,]+/)
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean)
      .map((item) => {
        const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(item);
        const host = (withPort?.[1] ?? item).replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
        return { host, port: withPort ? Number(withPort[2]) : undefined };
      });
  }

  /** Whether a connection to `host:port` goes directly, not through the proxy. */
  bypasses(host: string, port: number): boolean {
    const name = host
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
    return this.entries.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false;
      if (entry.host === '*') return true;
      if (entry.host.includes('/')) return inIpv4Block(name, entry.host);
      const domain = entry.host.replace(/^\./, '');
      return name === domain || (net.isIP(name) === 0 && name.endsWith(`.${domain}`));
    });
  }
}

function inIpv4Block(address: string, block: string): boolean {
  const [network = '', bits = ''] = block.split('/');
  if (net.isIP(address) !== 4 || net.isIP(network) !== 4 || !/^\d{1,2}$/.test(bits)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(network, Number(bits), 'ipv4');
  } catch {
    return false;
  }
  return list.check(address, 'ipv4');
}

export class OutboundProxy {
  /** `http://host:port` or `https://host:port`: what messages may show (never the credentials). */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  /** An https:// proxy: TLS to the proxy itself, then CONNECT inside it. */
  readonly secure: boolean;
  private readonly authorization: string | undefined;

  /** What an https:// proxy's certificate is checked against: made on its first connection. */
  private trust?: { context: tls.SecureContext | undefined };

  /**
   * `url`: http(s)://[user:password@]host[:port][/]; `noProxy`: the job's NO_PROXY; `extraCa`:
   * PEM certificates an https:// proxy's certificate may chain to besides Node's roots.
   */
  constructor(
    url: string,
    readonly noProxy: NoProxyList = new NoProxyList(undefined),
    readonly connectTimeoutMs = DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS,
    private readonly extraCa: readonly string[] = [],
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url.includes('://') ? url : `http://${url}`);
    } catch {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: not a URL; expected http(s)://[user:password@]host:port (the job's HTTPS_PROXY)`,
      );
    }
    const display = `${parsed.protocol}//${parsed.host}`;
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: ${display} is not an http:// or https:// proxy; only those (CONNECT) are supported`,
      );
    }
    if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: ${display} has a path, query or fragment; expected http(s)://[user:password@]host:port`,
      );
    }
    this.display = display;
    this.secure = parsed.protocol === 'https:';
    this.host = parsed.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(parsed.port || (this.secure ? 443 : 80));
    this.authorization =
      parsed.username || parsed.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
        : undefined;
  }

  /** The proxy from the daemon's environment, or undefined when the job had none. */
  static fromEnv(env: NodeJS.ProcessEnv): OutboundProxy | undefined {
    const url = env[OUTBOUND_PROXY_ENV]?.trim();
    return url
      ? new OutboundProxy(
          url,
          new NoProxyList(env[OUTBOUND_NO_PROXY_ENV]),
          DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS,
          jobCaCertificates(env),
        )
      : undefined;
  }

  /** Whether the proxy URL carries credentials (sent as Proxy-Authorization). */
  get hasCredentials(): boolean {
    return this.authorization !== undefined;
  }

  /** Whether a connection to `host:port` goes through this proxy (not in the job's NO_PROXY). */
  serves(host: string, port: number): boolean {
    return !this.noProxy.bypasses(host, port);
  }

  /**
   * A socket to `host:port` through the proxy, the CONNECT answered 200. Rejects with an
   * OutboundProxyError for any other answer (407: credentials refused), for no answer within the
   * timeout, or when the proxy cannot be reached; never hangs.
   */
  connect(host: string, port: number, signal?: AbortSignal): Promise<Socket> {
    const authority = `${net.isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const what = `the job's HTTPS proxy ${this.display}, CONNECT ${authority}`;
    // One context for every connection: a `ca` list had Node's roots parsed again for each.
    this.trust ??= { context: trustingContext(this.extraCa) };
    const secureContext = this.trust.context;
    return new Promise((resolve, reject) => {
      const socket = this.secure
        ? tls.connect({
            host: this.host,
            port: this.port,
            ...(net.isIP(this.host) === 0 ? { servername: this.host } : {}),
            ...(secureContext ? { secureContext } : {}),
            ALPNProtocols: ['http/1.1'],
          })
        : net.connect({ host: this.host, port: this.port });
      let answer = Buffer.alloc(0);
      const fail = (message: string, status?: number) => {
        cleanup();
        socket.destroy();
        reject(new OutboundProxyError(`${what}: ${message}`, status));
      };
      const timer = setTimeout(
        () => fail(`no answer within ${this.connectTimeoutMs} ms`),
        this.connectTimeoutMs,
      );
      const onAbort = () => fail('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      const onError = (error: Error) => fail(error.message);
      const onClose = () => fail('the proxy closed the connection before answering');
      const onData = (chunk: Buffer) => {
        answer = Buffer.concat([answer, chunk]);
        const end = answer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (answer.length > MAX_CONNECT_ANSWER_BYTES) fail('its answer is not an HTTP response');
          return;
        }
        const status = Number(
          /^HTTP\/1\.[01] (\d{3})(?: |\r|$)/.exec(answer.subarray(0, end).toString('latin1'))?.[1],
        );
        if (status !== 200) {
          fail(statusReason(status, this.authorization !== undefined), status || undefined);
          return;
        }
        cleanup();
        // Paused until the caller pipes it: bytes the origin sent with the 200 (a protocol whose
        // server speaks first) wait in the buffer instead of going to no listener.
        socket.pause();
        const rest = answer.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
      };
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
      };
      socket.on('data', onData);
      socket.once('error', onError);
      socket.once('close', onClose);
      // A TLS proxy is spoken to once its certificate checked out (tls.connect rejects others).
      socket.once(this.secure ? 'secureConnect' : 'connect', () => {
        const headers = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
        if (this.authorization) headers.push(`Proxy-Authorization: ${this.authorization}`);
        socket.write(`${headers.join('\r\n')}\r\n\r\n`);
      });
    });
  }
}

function statusReason(status: number, hadCredentials: boolean): string {
  if (status === 407) {
    return hadCredentials
      ? 'answered 407 Proxy Authentication Required: it refused the credentials in HTTPS_PROXY'
      : 'answered 407 Proxy Authentication Required: it wants credentials, and HTTPS_PROXY has none (http://user:password@host:port)';
  }
  if (Number.isNaN(status)) return 'its answer is not an HTTP response';
  return `answered ${status}`;
}

/**
 * The request's address check (file-hosts.ts), where this machine can resolve the name: a name
 * that resolves here to a refused address is refused; one that does not resolve here is left to
 * the proxy, which resolves names for the job (a runner behind it often has no outside DNS).
 */
function refusedByLookup(host: string, lookup: net.LookupFunction | undefined): Promise<void> {
  if (!lookup || net.isIP(host) !== 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error: NodeJS.ErrnoException | null) => {
      if (error instanceof FileHostError) reject(error);
      else resolve();
    });
  });
}

/**
 * An https.Agent whose sockets are TLS inside a CONNECT tunnel through `proxy` (keep-alive and
 * pooling as usual: a tunnel is opened per pooled socket). The certificate is checked against
 * the origin, as without the proxy.
 */
export class ChainedHttpsAgent extends https.Agent {
  constructor(
    private readonly proxy: OutboundProxy,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: tls.ConnectionOptions & {
      host?: string;
      port?: number;
      signal?: AbortSignal;
      lookup?: net.LookupFunction;
    },
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    const host = options.host ?? 'localhost';
    refusedByLookup(host, options.lookup)
      .then(() => this.proxy.connect(host, Number(options.port ?? 443), options.signal))
      .then(
        (socket) => {
          const secure = tls.connect({ ...options, socket, host });
          callback(null, secure);
        },
        (error: unknown) => callback(error as Error),
      );
    return undefined;
  }
}
