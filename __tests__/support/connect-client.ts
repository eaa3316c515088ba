// A client of the daemon as a forward proxy, the way pip (urllib3) and uv (reqwest + rustls) use
// HTTPS_PROXY: CONNECT host:443, then TLS inside the tunnel with SNI and ALPN http/1.1, trusting
// only the CA bundle it is given, then plain HTTP/1.1 requests.
import http, { type IncomingHttpHeaders } from 'node:http';
import net, { type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface TunnelAnswer {
  status: number;
  /** The proxy's answer to CONNECT, headers and body (for a refusal). */
  text: string;
  socket: Socket;
}

/** Sends `CONNECT authority`; resolves with the proxy's status and the socket. */
export function openTunnel(proxyUrl: string, authority: string): Promise<TunnelAnswer> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority },
      agent: false,
    });
    req.once('connect', (res, socket, head) => {
      // What came with the answer (a refusal's body) is read from the socket like the rest.
      if (head.length > 0) socket.unshift(head);
      resolve({ status: res.statusCode ?? 0, text: res.statusMessage ?? '', socket });
    });
    // A refusal arrives as an ordinary response (the tunnel never opened).
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), socket: res.socket }),
      );
    });
    req.once('error', reject);
    req.end();
  });
}

export interface TlsOptions {
  /** PEM certificates to trust, and only those. */
  ca: string[];
  /** SNI; default the host. `false`: none. */
  servername?: string | false;
}

/** CONNECT, then a TLS handshake inside the tunnel; rejects with the handshake's error. */
export async function tlsThroughProxy(
  proxyUrl: string,
  host: string,
  options: TlsOptions,
  port = 443,
): Promise<tls.TLSSocket> {
  const tunnel = await openTunnel(proxyUrl, `${host}:${port}`);
  if (tunnel.status !== 200) throw new Error(`CONNECT answered ${tunnel.status}: ${tunnel.text}`);
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket: tunnel.socket,
      ca: options.ca,
      ALPNProtocols: ['http/1.1'],
      ...(options.servername === false ? {} : { servername: options.servername ?? host }),
      // Without SNI Node checks the name against `host`; the tunnel's socket has none.
      checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
    });
    secure.once('secureConnect', () => resolve(secure));
    secure.once('error', reject);
  });
}

export interface HttpsAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The certificate the server presented. */
  peerCertificate: tls.PeerCertificate;
}

/** One HTTPS request through the proxy, on a tunnel of its own. */
export async function httpsThroughProxy(
  proxyUrl: string,
  url: string,
  options: TlsOptions & { method?: string; headers?: Record<string, string> },
): Promise<HttpsAnswer> {
  const target = new URL(url);
  const secure = await tlsThroughProxy(proxyUrl, target.hostname, options, Number(target.port || 443));
  const peerCertificate = secure.getPeerCertificate();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        createConnection: () => secure,
        method: options.method ?? 'GET',
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          secure.destroy();
          if (!res.complete) reject(new Error('response cut off'));
          else
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              peerCertificate,
            });
        });
      },
    );
    req.once('error', (error) => {
      secure.destroy();
      reject(error);
    });
    req.end();
  });
}

export interface OwnSocketTunnel {
  /** The TCP connection to the proxy: `end()` sends a FIN with no close_notify before it. */
  raw: Socket;
  /** TLS over the tunnel; its own end or destroy never reaches `raw`. */
  secure?: tls.TLSSocket;
}

/**
 * CONNECT on a TCP connection the test keeps apart from the TLS over it, so that it can close the
 * way a killed client or one that skips close_notify does (a FIN, nothing before it) at any point
 * of the handshake, and see the proxy's own FIN come back. `tls: false`: the CONNECT only.
 */
export async function tunnelOnOwnSocket(
  proxyUrl: string,
  host: string,
  options: TlsOptions & { tls?: boolean; port?: number },
): Promise<OwnSocketTunnel> {
  const proxy = new URL(proxyUrl);
  const raw = net.connect(Number(proxy.port), proxy.hostname);
  raw.on('error', () => {});
  const authority = `${host}:${options.port ?? 443}`;
  raw.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`);
  const answer = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      raw.off('data', onData);
      resolve(text);
    };
    raw.on('data', onData);
    raw.once('end', () => reject(new Error(`the proxy closed before its CONNECT answer: ${text}`)));
  });
  if (!answer.startsWith('HTTP/1.1 200 ')) throw new Error(`CONNECT answered ${answer}`);
  if (options.tls === false) return { raw };
  const carrier = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      if (raw.writable) raw.write(chunk, () => done());
      else done();
    },
  });
  raw.on('data', (chunk: Buffer) => carrier.push(chunk));
  raw.once('end', () => carrier.push(null));
  const secure = tls.connect({
    socket: carrier,
    ca: options.ca,
    ALPNProtocols: ['http/1.1'],
    servername: options.servername === false ? undefined : (options.servername ?? host),
    checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
  });
  secure.on('error', () => {});
  return { raw, secure };
}

/** Resolves when the proxy's FIN (or RST) reaches `raw`; rejects after `ms` without one. */
export function proxyCloses(raw: Socket, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (raw.readableEnded || raw.destroyed) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`the proxy kept the tunnel open ${ms} ms after the client's FIN`)),
      ms,
    );
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    raw.once('end', done);
    raw.once('close', done);
    raw.resume();
  });
}
