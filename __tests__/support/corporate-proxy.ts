// A loopback stand-in for a job's corporate HTTPS proxy: it answers CONNECT only, requires
// Proxy-Authorization (Basic) when given credentials (407 otherwise, as Squid does), counts the
// tunnels it relays by target, and relays only to loopback targets (a test never leaves
// loopback). `silent` accepts the connection and never answers: a hung proxy. `tls` makes it an
// https:// proxy (TLS to the proxy, CONNECT inside).
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface CorporateProxyOptions {
  credentials?: { user: string; password: string };
  silent?: boolean;
  /** Send the 200 only with the origin's first bytes, in one write (a server that speaks first). */
  coalesce?: boolean;
  /** An https:// proxy: TLS to the proxy itself with this certificate, CONNECT inside it. */
  tls?: { certPem: string; keyPem: string };
}

export class CorporateProxy {
  readonly connects: string[] = [];
  /** CONNECTs answered 407. */
  refused = 0;
  /** Every Proxy-Authorization value it was sent, good or bad. */
  readonly authorizations: string[] = [];
  private readonly server: http.Server | https.Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: CorporateProxyOptions = {}) {
    const answer = (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(405).end('CONNECT only\n');
    };
    this.server = options.tls
      ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, answer)
      : http.createServer(answer);
    // The TCP connections (under TLS too): destroying one ends its TLS session.
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('connect', (req, socket: Socket, head: Buffer) => this.connect(req, socket, head));
  }

  private connect(req: http.IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => {});
    if (this.options.silent) return;
    const given = req.headers['proxy-authorization'];
    if (given) this.authorizations.push(given);
    const { credentials } = this.options;
    const expected =
      credentials && `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
    if (expected && given !== expected) {
      this.refused++;
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\ncontent-length: 0\r\n\r\n',
      );
      return;
    }
    const match = /^(127\.\d+\.\d+\.\d+|\[::1\]):(\d+)$/.exec(req.url ?? '');
    if (!match?.[1] || !match[2]) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.connects.push(req.url ?? '');
    const upstream = net.connect({ host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) });
    const established = 'HTTP/1.1 200 Connection established\r\n\r\n';
    const relay = () => {
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    };
    upstream.once('connect', () => {
      if (!this.options.coalesce) {
        socket.write(established);
        relay();
        return;
      }
      upstream.once('data', (first: Buffer) => {
        socket.write(Buffer.concat([Buffer.from(established), first]));
        relay();
      });
    });
    upstream.on('error', () => socket.destroy());
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** http://[user:password@]127.0.0.1:PORT, percent-encoded as an HTTPS_PROXY value is. */
  url(credentials: CorporateProxyOptions['credentials'] | null = this.options.credentials): string {
    const port = (this.server.address() as AddressInfo).port;
    const auth = credentials
      ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`
      : '';
    return `${this.options.tls ? 'https' : 'http'}://${auth}127.0.0.1:${port}`;
  }

  /** How many tunnels it opened to `authority` (host:port). */
  count(authority: string): number {
    return this.connects.filter((connect) => connect === authority).length;
  }

  reset(): void {
    this.connects.length = 0;
    this.authorizations.length = 0;
    this.refused = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
