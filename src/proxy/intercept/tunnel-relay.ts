// What stays on the proxy's address after the post step under interception (issue 10). Steps
// after ours (the post steps of actions listed before ours) still have HTTPS_PROXY pointing
// here; a dead address would fail their HTTPS requests. The caching daemon has stopped so its
// store can be saved as one consistent snapshot, and this relay takes its port: every CONNECT,
// PyPI's hosts included, becomes a plain tunnel to the real host with its real certificate (the
// clients' CA bundle keeps the roots they trusted before), as if no proxy had been set. It reads
// and stores nothing, and ends on SIGTERM or after its lifetime; the runner ends it with the job.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { OutboundProxy } from '../upstream/outbound-proxy.js';
import { openPlainTunnel, parseConnectTarget, refuseConnect } from './connect-handler.js';
import { OriginMap } from './origin-map.js';
import { TunnelRefusedError } from './tunnel-policy.js';

/** As long as the job CA is valid (job-ca.ts): no job outlives it. */
export const RELAY_LIFETIME_MS = 7 * 60 * 60 * 1000;

export interface TunnelRelay {
  url: string;
  tunnels(): number;
  close(): Promise<void>;
}

export interface TunnelRelayOptions {
  host: string;
  port: number;
  /** The job's HTTPS proxy, which the tunnels go through as the daemon's did. */
  outbound?: OutboundProxy;
  /** Test-only host mapping (origin-map.ts); fails closed. */
  testOrigins?: Record<string, string>;
  lifetimeMs?: number;
  onWarning?: (message: string) => void;
}

const NOT_A_PROXY_ANSWER =
  "pypi-cache-action's tunnel relay: the job's caching proxy has stopped, and only CONNECT tunnels are passed on here.\n";

export async function startTunnelRelay(options: TunnelRelayOptions): Promise<TunnelRelay> {
  const origins = new OriginMap(options.testOrigins);
  const sockets = new Set<Socket>();
  let opened = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/-/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', relay: true }));
      return;
    }
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(NOT_A_PROXY_ANSWER);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    const target = parseConnectTarget(req.url);
    if (!target) {
      refuseConnect(
        socket,
        400,
        `CONNECT needs host:port, got ${JSON.stringify(String(req.url).slice(0, 100))}`,
      );
      return;
    }
    openPlainTunnel({ origins, outbound: options.outbound }, target, socket, head, () => opened++).catch(
      (error: unknown) => {
        options.onWarning?.(`CONNECT ${target.host}:${target.port} refused: ${(error as Error).message}`);
        refuseConnect(socket, error instanceof TunnelRefusedError ? 403 : 502, (error as Error).message);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  setTimeout(() => void close(), options.lifetimeMs ?? RELAY_LIFETIME_MS).unref();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, tunnels: () => opened, close };
}
