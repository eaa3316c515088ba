// Tunnels whose client goes without a TLS close_notify: a killed process, a dropped connection,
// urllib3 or rustls closing a pooled connection, Node's client destroyed at 'secureConnect'. The
// peer's FIN must close the daemon's side at once, at any point of the tunnel: each one held open
// is an fd until shutdown, and a shutdown that waits out its grace (5 s) for it. The client here
// keeps its TCP connection apart from its TLS (connect-client.ts), sends the FIN itself and waits
// for the daemon's; the handshake timeout is left at its 10 s, longer than any bound here.
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type tls from 'node:tls';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { proxyCloses, tlsThroughProxy, tunnelOnOwnSocket } from '../../support/connect-client.js';
import type { FakePypi } from '../../support/fake-pypi.js';
import { fakePypiOverTls } from '../../support/fake-pypi-tls.js';
import { removeDir, tempDir } from '../harness.js';

/** Far less than the handshake timeout (10 s) and the shutdown grace (5 s) a held tunnel meets. */
const PROMPTLY_MS = 2_000;

let dir: string;
let pypi: FakePypi;
let testCa: JobCa;
let proxy: RunningProxy;
let origin: https.Server;
let originCa: JobCa;

async function startOwnProxy(name: string): Promise<RunningProxy> {
  return startProxy({
    storeDir: join(dir, name),
    onWarning: () => {},
    intercept: {
      testOrigins: {
        'pypi.org': pypi.indexOrigin,
        'files.pythonhosted.org': pypi.filesOrigin,
        'tunnel.example': `https://127.0.0.1:${(origin.address() as AddressInfo).port}`,
      },
      testUpstreamCa: [testCa.certPem],
    },
  });
}

beforeAll(async () => {
  dir = await tempDir('dropped-tunnels');
  ({ pypi, testCa } = await fakePypiOverTls({ wheels: [] }));
  await pypi.start();
  originCa = await JobCa.create({ hosts: ['tunnel.example'] });
  const leaf = await originCa.leafFor('tunnel.example');
  origin = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('origin\n'));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  proxy = await startOwnProxy('store');
});

afterAll(async () => {
  await proxy?.close();
  await pypi?.stop();
  origin?.closeAllConnections();
  await new Promise((resolve) => origin?.close(resolve));
  await removeDir(dir);
});

const trust = () => ({ ca: [proxy.caCertPem as string] });

/** One keep-alive GET inside the tunnel; resolves with the status once the body is read. */
function getOnKeptAliveTunnel(secure: tls.TLSSocket, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { createConnection: () => secure, path, headers: { host, connection: 'keep-alive' } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

describe('an intercepted tunnel closed by its client with a FIN and no close_notify', () => {
  test('right after its CONNECT, before the answer (the leaf is made meanwhile)', async () => {
    const { hostname, port } = new URL(proxy.url);
    const raw = net.connect(Number(port), hostname);
    raw.on('error', () => {});
    raw.end('CONNECT pypi.org:443 HTTP/1.1\r\nhost: pypi.org:443\r\n\r\n');
    await proxyCloses(raw, PROMPTLY_MS);
  });

  test('after the 200, before any hello', async () => {
    const { raw } = await tunnelOnOwnSocket(proxy.url, 'pypi.org', { ...trust(), tls: false });
    raw.end();
    await proxyCloses(raw, PROMPTLY_MS);
  });

  test('in the handshake: the server flight read, the Finished never sent', async () => {
    const { raw } = await tunnelOnOwnSocket(proxy.url, 'pypi.org', trust());
    // Ended before TLS reads the flight, so the Finished it answers with finds the socket ended.
    raw.prependOnceListener('data', () => raw.end());
    await proxyCloses(raw, PROMPTLY_MS);
  });

  test('after the handshake (the daemon has sent its session ticket), with no request', async () => {
    const { raw, secure } = await tunnelOnOwnSocket(proxy.url, 'pypi.org', trust());
    await new Promise((resolve) => secure?.once('session', resolve));
    raw.end();
    await proxyCloses(raw, PROMPTLY_MS);
  });

  test('after a request on the kept-alive connection', async () => {
    const { raw, secure } = await tunnelOnOwnSocket(proxy.url, 'pypi.org', trust());
    if (!secure) throw new Error('no TLS');
    expect(await getOnKeptAliveTunnel(secure, 'pypi.org', '/simple/')).toBe(200);
    raw.end();
    await proxyCloses(raw, PROMPTLY_MS);
  });
});

test('a plain tunnel closed by its client after a request: the daemon passes the FIN on and closes', async () => {
  const { raw, secure } = await tunnelOnOwnSocket(proxy.url, 'tunnel.example', { ca: [originCa.certPem] });
  if (!secure) throw new Error('no TLS');
  expect(await getOnKeptAliveTunnel(secure, 'tunnel.example', '/')).toBe(200);
  raw.end();
  await proxyCloses(raw, PROMPTLY_MS);
});

test("Node's client destroyed at 'secureConnect' (its Finished unsent) holds up no shutdown", async () => {
  const own = await startOwnProxy('shutdown');
  const secure = await tlsThroughProxy(own.url, 'files.pythonhosted.org', { ca: [own.caCertPem as string] });
  secure.destroy();
  const started = Date.now();
  await own.close();
  // Held open, the tunnel kept close() for its whole grace (5 s); the measured figure is ~0.05 s.
  expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
});
