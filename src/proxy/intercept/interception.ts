// Puts interception together on the daemon's HTTP server: the job CA for the intercepted hosts,
// the server the decrypted tunnels are handed to, and the CONNECT listener.
import type http from 'node:http';
import type { Socket } from 'node:net';
import type { DownloadCoordinator } from '../files/downloads.js';
import type { StoredFiles } from '../files/stored-files.js';
import type { ProxyLog } from '../http/access-log.js';
import type { InterceptOptions } from '../index.js';
import type { PageRenderer } from '../pages/page-responses.js';
import type { PageService } from '../pages/page-service.js';
import type { ProxyStats } from '../stats.js';
import type { ManifestRecorder } from '../store/manifest.js';
import type { ContentStore } from '../store/store.js';
import type { OutboundProxy } from '../upstream/outbound-proxy.js';
import type { UpstreamClient } from '../upstream/upstream.js';
import type { Upstream } from '../upstream/upstream-config.js';
import { handleConnect } from './connect-handler.js';
import { type InterceptedHost, InterceptHosts } from './intercept-hosts.js';
import { InterceptedFiles } from './intercepted-files.js';
import { createInterceptedRequestServer } from './intercepted-requests.js';
import { JobCa } from './job-ca.js';
import type { OriginMap } from './origin-map.js';

export interface Interception {
  caCertPem: string;
  close(): void;
}

export async function attachInterception(
  server: http.Server,
  spec: {
    upstreams: Upstream[];
    options: InterceptOptions;
    origins: OriginMap;
    outbound?: OutboundProxy;
    deps: {
      store: ContentStore;
      pages: PageService;
      downloads: DownloadCoordinator;
      manifest: ManifestRecorder;
      stats: ProxyStats;
      log: ProxyLog;
      renderer: PageRenderer;
      client: UpstreamClient;
      storedFiles: StoredFiles;
    };
  },
): Promise<Interception> {
  const { deps, options } = spec;
  const hosts = new InterceptHosts(spec.upstreams, options.mirrors);
  const ca = await JobCa.create({ hosts: hosts.names });
  const files = new InterceptedFiles({ ...deps, lockedHashes: options.lockedHashes ?? new Map() });
  const hostBySocket = new WeakMap<object, InterceptedHost>();
  const requests = createInterceptedRequestServer({ ...deps, files }, (socket) =>
    typeof socket === 'object' && socket !== null ? hostBySocket.get(socket) : undefined,
  );
  // Tunnels left the HTTP server's keeping when they were upgraded: closing ends them here.
  const open = new Set<{ destroy(): void }>();
  server.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    handleConnect(
      {
        hosts,
        ca,
        origins: spec.origins,
        outbound: spec.outbound,
        requests,
        mark: (secure, host) => {
          hostBySocket.set(secure, host);
          open.add(secure);
          secure.once('close', () => open.delete(secure));
        },
        stats: deps.stats,
        log: deps.log,
        handshakeTimeoutMs: options.handshakeTimeoutMs,
      },
      req,
      socket,
      head,
    );
  });
  return {
    caCertPem: ca.certPem,
    close: () => {
      for (const socket of open) socket.destroy();
      requests.close();
    },
  };
}
