// uv's request pattern through HTTPS_PROXY, replayed (uv cannot be installed here). uv's client
// (crates/uv-client, reqwest with rustls) opens one CONNECT tunnel per host and keeps it alive
// for many requests; inside it, TLS with SNI and ALPN http/1.1, checking the leaf's SAN against
// the host and its chain against the roots it trusts (SSL_CERT_FILE: the exported bundle). For
// `uv sync --locked` it GETs each wheel by the lock's URL; for a wheel without PEP 658 metadata
// (`uv lock`, `uv pip install`) a HEAD, then Range reads of the zip's tail
// (crates/uv-client/src/remote_metadata.rs). The client below trusts only the bundle.
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import tls from 'node:tls';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import type { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { tlsThroughProxy } from '../../support/connect-client.js';
import type { FakePypi } from '../../support/fake-pypi.js';
import { fakePypiOverTls } from '../../support/fake-pypi-tls.js';
import { type BuiltWheel, buildWheels } from '../../support/wheels.js';
import { removeDir, sha256, tempDir, UV_ACCEPT } from '../harness.js';

let dir: string;
let wheels: BuiltWheel[];
let pypi: FakePypi;
let proxy: RunningProxy;
let testCa: JobCa;
const sockets: tls.TLSSocket[] = [];

beforeAll(async () => {
  dir = await tempDir('uv-connect');
  wheels = await buildWheels(join(dir, 'wheels'), [
    { name: 'locked-dep', version: '1.0.0', payloadBytes: 100_000 },
    { name: 'no-meta', version: '2.0.0', payloadBytes: 50_000 },
  ]);
  ({ pypi, testCa } = await fakePypiOverTls({
    wheels,
    withMetadata: (w) => w.project !== 'no-meta',
  }));
  await pypi.start();
  proxy = await startProxy({
    storeDir: join(dir, 'store'),
    onWarning: () => {},
    intercept: {
      testOrigins: { 'pypi.org': pypi.indexOrigin, 'files.pythonhosted.org': pypi.filesOrigin },
      testUpstreamCa: [testCa.certPem],
    },
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await proxy?.close();
  await pypi?.stop();
  await removeDir(dir);
});

/** A keep-alive agent whose one connection per host is a CONNECT tunnel, as reqwest's pool. */
function uvAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const bundle = [...tls.rootCertificates, proxy.caCertPem as string];
  (agent as unknown as { createConnection: unknown }).createConnection = (
    options: { host: string },
    done: (error: Error | null, socket?: tls.TLSSocket) => void,
  ) => {
    tlsThroughProxy(proxy.url, options.host, { ca: bundle }).then((socket) => {
      sockets.push(socket);
      done(null, socket);
    }, done);
  };
  return agent;
}

function uvRequest(
  agent: http.Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; socket: tls.TLSSocket }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: 443,
        method: options.method ?? 'GET',
        path: target.pathname,
        // reqwest's defaults as uv builds it: its user agent, gzip and brotli accepted.
        headers: {
          host: target.host,
          'user-agent': 'uv/0.9.0',
          'accept-encoding': 'gzip, br',
          accept: '*/*',
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            socket: res.socket as tls.TLSSocket,
          }),
        );
        res.on('error', reject);
      },
    );
    req.once('error', reject);
    req.end();
  });
}

test('the TLS uv meets: ALPN http/1.1, a leaf with the host as SAN and an ECDSA P-256 key, chained to the bundle', async () => {
  const socket = await tlsThroughProxy(proxy.url, 'files.pythonhosted.org', {
    ca: [...tls.rootCertificates, proxy.caCertPem as string],
  });
  sockets.push(socket);
  expect(socket.alpnProtocol).toBe('http/1.1');
  const leaf = new X509Certificate(socket.getPeerCertificate().raw);
  expect(leaf.subjectAltName).toBe('DNS:files.pythonhosted.org');
  expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  expect(leaf.checkIssued(new X509Certificate(proxy.caCertPem as string))).toBe(true);
  // As a TLS client closes (close_notify, then FIN). Dropped with destroy() after a handshake and
  // no request, the tunnel stayed open in the daemon, and close() in afterAll waited its 5 s grace.
  socket.end();
});

test('uv sync --locked: wheels by the lock URLs over one kept-alive tunnel, bytes as locked, no Content-Encoding', async () => {
  const agent = uvAgent();
  const before = proxy.stats().connects.intercepted;
  const locked = wheels.find((w) => w.project === 'locked-dep') as BuiltWheel;
  const first = await uvRequest(agent, pypi.fileUrl(locked.filename));
  const again = await uvRequest(agent, pypi.fileUrl(locked.filename));
  for (const answer of [first, again]) {
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(sha256(answer.body)).toBe(locked.sha256);
  }
  expect(again.socket).toBe(first.socket);
  expect(proxy.stats().connects.intercepted - before).toBe(1);
  expect(pypi.counts().files).toBe(1);
  agent.destroy();
});

test('uv lock: the page from pypi.org with the upstream URLs, then HEAD and Range reads of a wheel without metadata', async () => {
  const agent = uvAgent();
  const page = await uvRequest(agent, 'https://pypi.org/simple/no-meta/', {
    headers: { accept: UV_ACCEPT, 'accept-encoding': 'identity' },
  });
  expect(page.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
  const file = (JSON.parse(page.body.toString()) as { files: { url: string; size: number }[] }).files[0];
  const noMeta = wheels.find((w) => w.project === 'no-meta') as BuiltWheel;
  expect(file?.url).toBe(pypi.fileUrl(noMeta.filename));
  agent.destroy();
  const files = uvAgent();
  const head = await uvRequest(files, file?.url as string, { method: 'HEAD' });
  expect(head.headers['accept-ranges']).toBe('bytes');
  expect(Number(head.headers['content-length'])).toBe(noMeta.size);
  const tail = await uvRequest(files, file?.url as string, {
    headers: { range: `bytes=${noMeta.size - 16384}-${noMeta.size - 1}` },
  });
  expect(tail.status).toBe(206);
  expect(tail.headers['content-range']).toBe(
    `bytes ${noMeta.size - 16384}-${noMeta.size - 1}/${noMeta.size}`,
  );
  expect(tail.body.length).toBe(16384);
  // The HEAD fetched (and verified) the whole file once; the Range read came from the store.
  expect(pypi.requests.filter((r) => r.path === new URL(file?.url as string).pathname)).toHaveLength(1);
  files.destroy();
});
