// The daemon as an HTTP forward proxy (issue 10): `CONNECT host:port`. For an intercepted host
// the tunnel's TLS is terminated here with the job CA's leaf for that host, and the decrypted
// requests go to the intercepted-requests server. The client's SNI must name the CONNECT host
// (no SNI, or another name, fails the handshake), and a client that sends no TLS hello within
// the handshake timeout is cut off. Every other host gets a plain tunnel: bytes pass both ways,
// nothing is read or stored, never to loopback or link-local (tunnel-policy.ts).
import type http from 'node:http';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import type { ProxyLog } from '../http/access-log.js';
import type { ProxyStats } from '../stats.js';
import { addressKind } from '../upstream/file-hosts.js';
import type { OutboundProxy } from '../upstream/outbound-proxy.js';
import type { InterceptedHost, InterceptHosts } from './intercept-hosts.js';
import type { JobCa } from './job-ca.js';
import type { OriginMap } from './origin-map.js';
import { chainedTunnelTarget, TunnelRefusedError, tunnelDestination } from './tunnel-policy.js';

export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface ConnectContext {
  hosts: InterceptHosts;
  ca: JobCa;
  origins: OriginMap;
  /** The job's HTTPS proxy, which plain tunnels go through (outbound-proxy.ts). */
  outbound?: OutboundProxy;
  /** Where decrypted tunnels go: createInterceptedRequestServer's server. */
  requests: http.Server;
  /** Marks a TLS socket with the host its tunnel was opened for. */
  mark: (socket: tls.TLSSocket, host: InterceptedHost) => void;
  stats: ProxyStats;
  log: ProxyLog;
  handshakeTimeoutMs?: number;
}

/** `host:port` of a CONNECT request target (RFC 9110 9.3.6: authority-form only). */
export function parseConnectTarget(target: string | undefined): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(target ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1].toLowerCase(), port };
}

export function refuseConnect(socket: Socket, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Bad Gateway'}\r\n` +
      `content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

async function intercept(
  ctx: ConnectContext,
  host: InterceptedHost,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  // Until the handshake is done the tunnel is ours to close: its sockets are half-open (they
  // inherit allowHalfOpen from the daemon's HTTP server), so a client's FIN before that (a client
  // gone mid-handshake, or Node's, destroyed at 'secureConnect' before its Finished is sent) would
  // leave them open until the handshake timeout. After it, the intercepted-requests server ends
  // the socket on 'end'. The raw socket's FIN is seen only if it came before the TLS socket took
  // the handle; after that, the TLS socket's.
  let handedOver = false;
  const closeIfEnded = () => {
    if (!handedOver) socket.destroy();
  };
  socket.once('end', closeIfEnded);
  const leaf = await ctx.ca.leafFor(host.host);
  if (socket.destroyed) return;
  const context = tls.createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) socket.unshift(head);
  const secure = new tls.TLSSocket(socket, {
    isServer: true,
    ALPNProtocols: ['http/1.1'],
    SNICallback: (servername, done) => {
      if (servername.toLowerCase().replace(/\.$/, '') === host.host) done(null, context);
      else done(new Error(`SNI ${servername} does not match CONNECT ${host.host}`));
    },
  });
  const timer = setTimeout(() => {
    ctx.log.warn(`CONNECT ${host.host}: no TLS handshake within ${timeoutOf(ctx)} ms; closed`);
    secure.destroy();
    socket.destroy();
  }, timeoutOf(ctx));
  secure.once('end', closeIfEnded);
  secure.once('secure', () => {
    handedOver = true;
    clearTimeout(timer);
    ctx.mark(secure, host);
    ctx.requests.emit('connection', secure);
  });
  secure.on('error', (error: Error) => {
    clearTimeout(timer);
    ctx.log.warn(`CONNECT ${host.host}: ${error.message}`);
    socket.destroy();
  });
  secure.once('close', () => clearTimeout(timer));
}

function timeoutOf(ctx: ConnectContext): number {
  return ctx.handshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS;
}

async function tunnel(
  ctx: ConnectContext,
  host: string,
  port: number,
  socket: Socket,
  head: Buffer,
): Promise<void> {
  await openPlainTunnel(ctx, { host, port }, socket, head, () => ctx.stats.connects.tunnelled++);
}

/** How a plain tunnel reaches its host: directly, or through the job's HTTPS proxy. */
export interface TunnelRoute {
  origins: OriginMap;
  /** The job's HTTPS proxy (outbound-proxy.ts); hosts in its NO_PROXY are still direct. */
  outbound?: OutboundProxy;
}

/**
 * Bytes both ways between the client's socket and `host:port` (where tunnel-policy.ts allows),
 * nothing read or stored. Throws TunnelRefusedError before anything is answered.
 */
export async function openPlainTunnel(
  route: TunnelRoute,
  target: { host: string; port: number },
  socket: Socket,
  head: Buffer,
  onOpen: () => void = () => {},
): Promise<void> {
  const { host, port } = target;
  const { origins, outbound } = route;
  if (outbound?.serves(host.replace(/^\[|\]$/g, ''), port)) {
    // With credentials, the job's proxy would take anyone who reaches our port for the job: a
    // daemon bound beyond loopback (for docker builds) tunnels that way only for this machine.
    if (outbound.hasCredentials && addressKind(socket.remoteAddress ?? '') !== 'loopback') {
      throw new TunnelRefusedError(
        `CONNECT ${host}:${port}: tunnels through the job's HTTPS proxy carry its credentials, so they are only for clients on this machine (${socket.remoteAddress} is not)`,
      );
    }
    const destination = await chainedTunnelTarget(host, port, origins);
    let upstream: Socket;
    try {
      upstream = await outbound.connect(destination.host, destination.port);
    } catch (error: unknown) {
      throw new TunnelFailedError((error as Error).message);
    }
    relay(socket, upstream, head, onOpen);
    return;
  }
  const destination = await tunnelDestination(host, port, origins);
  const upstream = net.connect({ host: destination.host, port: destination.port });
  upstream.once('connect', () => relay(socket, upstream, head, onOpen));
  upstream.once('error', (error: Error) => {
    if (socket.writable && !upstream.readableDidRead)
      refuseConnect(socket, 502, `CONNECT ${host}:${port}: ${error.message}`);
    socket.destroy();
  });
}

/** The tunnel could not be opened (the job's HTTPS proxy refused it): a 502, never a hang. */
export class TunnelFailedError extends Error {}

function relay(socket: Socket, upstream: Socket, head: Buffer, onOpen: () => void): void {
  onOpen();
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) upstream.write(head);
  socket.pipe(upstream);
  upstream.pipe(socket);
  upstream.on('error', () => socket.destroy());
  socket.once('error', () => upstream.destroy());
  socket.once('close', () => upstream.destroy());
  upstream.once('close', () => socket.destroy());
}

/** The `connect` listener for the daemon's HTTP server. */
export function handleConnect(
  ctx: ConnectContext,
  req: http.IncomingMessage,
  socket: Socket,
  head: Buffer,
): void {
  socket.on('error', () => {});
  const target = parseConnectTarget(req.url);
  if (!target) {
    ctx.stats.connects.refused++;
    refuseConnect(
      socket,
      400,
      `CONNECT needs host:port, got ${JSON.stringify(String(req.url).slice(0, 100))}`,
    );
    return;
  }
  const host = ctx.hosts.find(target.host, target.port);
  if (host) ctx.stats.connects.intercepted++;
  const work = host
    ? intercept(ctx, host, socket, head)
    : tunnel(ctx, target.host, target.port, socket, head);
  work.catch((error: unknown) => {
    ctx.stats.connects.refused++;
    const refused = error instanceof TunnelRefusedError;
    ctx.log.warn(`CONNECT ${target.host}:${target.port} refused: ${(error as Error).message}`);
    refuseConnect(socket, refused ? 403 : 502, (error as Error).message);
  });
}
