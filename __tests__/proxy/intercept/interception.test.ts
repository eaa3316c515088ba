// The daemon as a CONNECT proxy (issue 10): intercepted PyPI hosts answered from the store with
// their URLs unchanged, files verified before they are stored, everything else a plain tunnel,
// and the attacks on that: another SNI, another Host inside the tunnel, bad bytes, tunnels to
// private addresses, a client that never says hello. PyPI is a TLS stand-in on loopback with a
// test CA of its own, reached through the test-only OriginMap; nothing leaves loopback.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { OriginMap } from '../../../src/proxy/intercept/origin-map.js';
import { isTunnelAllowed, tunnelDestination } from '../../../src/proxy/intercept/tunnel-policy.js';
import { httpsThroughProxy, openTunnel, tlsThroughProxy } from '../../support/connect-client.js';
import type { FakePypi } from '../../support/fake-pypi.js';
import { fakePypiOverTls } from '../../support/fake-pypi-tls.js';
import { type BuiltWheel, buildWheels } from '../../support/wheels.js';
import { listTree, removeDir, sha256, tempDir } from '../harness.js';

const JSON_ACCEPT = 'application/vnd.pypi.simple.v1+json';

let dir: string;
let wheels: BuiltWheel[];
let pypi: FakePypi;
let proxy: RunningProxy;
let storeDir: string;
let testCa: JobCa;
/** A loopback HTTPS origin that is not intercepted: what a tunnel reaches. */
let other: https.Server;
let otherCa: JobCa;
let lockedUrl: string;
const suiteStarted = Date.now();

function wheel(project: string): BuiltWheel {
  const found = wheels.find((w) => w.project === project);
  if (!found) throw new Error(project);
  return found;
}

const clientTrust = () => ({ ca: [proxy.caCertPem as string] });

beforeAll(async () => {
  dir = await tempDir('intercept');
  wheels = await buildWheels(join(dir, 'wheels'), [
    { name: 'alpha', version: '1.0.0' },
    { name: 'beta', version: '2.0.0' },
    { name: 'gamma', version: '3.0.0' },
    { name: 'delta', version: '4.0.0' },
    { name: 'bad', version: '1.0.0' },
    { name: 'epsilon', version: '5.0.0' },
  ]);
  ({ pypi, testCa } = await fakePypiOverTls({
    wheels,
  }));
  await pypi.start();
  otherCa = await JobCa.create({ hosts: ['tunnel.example'] });
  const otherLeaf = await otherCa.leafFor('tunnel.example');
  other = https.createServer({ cert: otherLeaf.certPem, key: otherLeaf.keyPem }, (_req, res) => {
    res.end('hello from the origin\n');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  lockedUrl = pypi.fileUrl(wheel('gamma').filename);
  storeDir = join(dir, 'store');
  proxy = await startProxy({
    storeDir,
    retryBackoffMs: 10,
    upstreamRetries: 1,
    onWarning: () => {},
    intercept: {
      testOrigins: {
        'pypi.org': pypi.indexOrigin,
        'files.pythonhosted.org': pypi.filesOrigin,
        'tunnel.example': `https://127.0.0.1:${(other.address() as AddressInfo).port}`,
      },
      testUpstreamCa: [testCa.certPem],
      lockedHashes: new Map([[lockedUrl, wheel('gamma').sha256]]),
      handshakeTimeoutMs: 200,
    },
  });
});

afterAll(async () => {
  await proxy?.close();
  await pypi?.stop();
  await new Promise((resolve) => other?.close(resolve));
  await removeDir(dir);
});

beforeEach(() => pypi.resetRequests());

describe('interception of the PyPI hosts', () => {
  it('serves pypi.org pages with the upstream file URLs unchanged, apart from the index routes', async () => {
    const page = await httpsThroughProxy(proxy.url, 'https://pypi.org/simple/alpha/', {
      ...clientTrust(),
      headers: { accept: JSON_ACCEPT },
    });
    expect(page.status).toBe(200);
    const files = JSON.parse(page.body.toString()).files as { url: string }[];
    expect(files.map((f) => f.url)).toEqual([pypi.fileUrl(wheel('alpha').filename)]);
    // The certificate is the job CA's leaf for pypi.org.
    expect(page.peerCertificate.subjectaltname).toBe('DNS:pypi.org');
    // The index route keeps its own rendering, with proxy URLs.
    const indexPage = await fetch(`${proxy.url}/simple/alpha/`, { headers: { accept: JSON_ACCEPT } });
    const indexFiles = ((await indexPage.json()) as { files: { url: string }[] }).files;
    expect(indexFiles[0]?.url).toMatch(/^\/files\/pypi\/alpha\//);
  });

  it('verifies a file asked for without its page by the blake2b digest of its path, once', async () => {
    const url = pypi.fileUrl(wheel('beta').filename);
    const cold = await httpsThroughProxy(proxy.url, url, clientTrust());
    expect(cold.status).toBe(200);
    expect(sha256(cold.body)).toBe(wheel('beta').sha256);
    expect(pypi.counts()).toMatchObject({ pages: 0, files: 1 });
    const warm = await httpsThroughProxy(proxy.url, url, clientTrust());
    expect(sha256(warm.body)).toBe(wheel('beta').sha256);
    expect(pypi.counts()).toMatchObject({ pages: 0, files: 1 });
    expect(proxy.stats().verified['path-digest']).toBeGreaterThanOrEqual(1);
  });

  it('verifies by the page when the page is known, and by the lockfile hash when given', async () => {
    const alpha = await httpsThroughProxy(proxy.url, pypi.fileUrl(wheel('alpha').filename), clientTrust());
    expect(sha256(alpha.body)).toBe(wheel('alpha').sha256);
    expect(proxy.stats().verified.page).toBe(1);
    const gamma = await httpsThroughProxy(proxy.url, lockedUrl, clientTrust());
    expect(sha256(gamma.body)).toBe(wheel('gamma').sha256);
    expect(proxy.stats().verified.lockfile).toBe(1);
    expect(pypi.counts().pages).toBe(0);
  });

  it('answers HEAD and Range as the host would, from the store', async () => {
    const url = pypi.fileUrl(wheel('delta').filename);
    const head = await httpsThroughProxy(proxy.url, url, { ...clientTrust(), method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(wheel('delta').size);
    const range = await httpsThroughProxy(proxy.url, url, {
      ...clientTrust(),
      headers: { range: 'bytes=-22' },
    });
    expect(range.status).toBe(206);
    const bytes = await readFile(wheel('delta').path);
    expect(range.body.equals(bytes.subarray(bytes.length - 22))).toBe(true);
    expect(pypi.counts().files).toBe(1);
  });

  it('answers a repeat from the same memory of stored files as the index routes: a small file gone from disk is still served, HEAD and Range included', async () => {
    const epsilon = wheel('epsilon');
    const url = pypi.fileUrl(epsilon.filename);
    // The first GET downloads it; the second reads it from the store and keeps it.
    for (const round of [0, 1]) {
      const answer = await httpsThroughProxy(proxy.url, url, clientTrust());
      expect([round, sha256(answer.body)]).toEqual([round, epsilon.sha256]);
    }
    await rm(join(storeDir, 'files', 'sha256', epsilon.sha256.slice(0, 2), epsilon.sha256));
    const full = await httpsThroughProxy(proxy.url, url, clientTrust());
    expect(full.status).toBe(200);
    expect(sha256(full.body)).toBe(epsilon.sha256);
    const head = await httpsThroughProxy(proxy.url, url, { ...clientTrust(), method: 'HEAD' });
    expect(head.headers['content-length']).toBe(String(epsilon.size));
    const range = await httpsThroughProxy(proxy.url, url, {
      ...clientTrust(),
      headers: { range: 'bytes=-100' },
    });
    expect(range.status).toBe(206);
    expect(range.body.equals(full.body.subarray(-100))).toBe(true);
    expect(pypi.counts().files).toBe(1);
  });

  it('never stores or serves as good a file whose bytes do not match its path digest', async () => {
    const bad = wheel('bad');
    pypi.injectFault({ path: bad.filename, fault: 'wrong-bytes' });
    // A small file is answered only once verified (a 502), a large one is cut off: never complete.
    const attempt = () =>
      httpsThroughProxy(proxy.url, pypi.fileUrl(bad.filename), clientTrust()).then(
        (answer) => answer.status,
        () => 'cut off',
      );
    try {
      expect(await attempt()).toBe(502);
      expect(await attempt()).toBe(502);
    } finally {
      pypi.clearFaults();
    }
    const stored = await listTree(storeDir);
    expect(stored.some((path) => path.includes(bad.sha256))).toBe(false);
    expect(stored.some((path) => path.includes(bad.filename))).toBe(false);
  });

  it('fails the handshake when the SNI names another host than the CONNECT, or none', async () => {
    await expect(
      tlsThroughProxy(proxy.url, 'files.pythonhosted.org', { ...clientTrust(), servername: 'pypi.org' }),
    ).rejects.toThrow();
    await expect(
      tlsThroughProxy(proxy.url, 'files.pythonhosted.org', { ...clientTrust(), servername: false }),
    ).rejects.toThrow();
  });

  it('answers 421 to a request whose Host is not the tunnel host', async () => {
    for (const host of ['evil.example', 'files.pythonhosted.org']) {
      const answer = await httpsThroughProxy(proxy.url, 'https://pypi.org/simple/alpha/', {
        ...clientTrust(),
        headers: { host },
      });
      expect(answer.status).toBe(421);
    }
  });

  it('closes a tunnel whose client never sends a TLS hello', async () => {
    const tunnel = await openTunnel(proxy.url, 'pypi.org:443');
    expect(tunnel.status).toBe(200);
    await new Promise((resolve) => tunnel.socket.once('close', resolve));
  });

  it('answers 404 for a path on files.pythonhosted.org that names no distribution', async () => {
    const answer = await httpsThroughProxy(
      proxy.url,
      'https://files.pythonhosted.org/robots.txt',
      clientTrust(),
    );
    expect(answer.status).toBe(404);
    expect(pypi.counts().total).toBe(0);
  });
});

describe('plain tunnels', () => {
  it('pass an HTTPS exchange with a host that is not intercepted byte for byte, with its own certificate, storing nothing', async () => {
    const before = await listTree(storeDir);
    const answer = await httpsThroughProxy(proxy.url, 'https://tunnel.example/', { ca: [otherCa.certPem] });
    expect(answer.body.toString()).toBe('hello from the origin\n');
    const presented = new X509Certificate(answer.peerCertificate.raw);
    expect(presented.checkIssued(new X509Certificate(otherCa.certPem))).toBe(true);
    expect(presented.checkIssued(new X509Certificate(proxy.caCertPem as string))).toBe(false);
    expect(await listTree(storeDir)).toEqual(before);
    expect(proxy.stats().connects.tunnelled).toBeGreaterThanOrEqual(1);
  });

  it('under the test mapping, tunnels only to mapped hosts: link-local, private addresses and unmapped names are refused', async () => {
    // Each refusal's connection is closed after it, as a client closes on `connection: close`; left
    // open, each kept proxy.close() in afterAll waiting its whole 5 s shutdown grace.
    for (const authority of ['169.254.169.254:80', '10.0.0.1:443', '192.168.1.1:443', 'example.com:443']) {
      const answer = await openTunnel(proxy.url, authority);
      answer.socket.destroy();
      expect(answer.status).toBe(403);
    }
    const noPort = await openTunnel(proxy.url, 'no-port');
    noPort.socket.destroy();
    expect(noPort.status).toBe(400);
  });

  it('in a job, never tunnels to loopback, link-local or multicast, checked after the lookup; private networks stay reachable (no connection is made here)', async () => {
    const job = new OriginMap();
    for (const address of [
      '169.254.169.254',
      '127.0.0.1',
      '127.1.2.3',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::169.254.169.254',
      '64:ff9b::7f00:1',
      '224.0.0.1',
    ]) {
      await expect(tunnelDestination(address, 443, job)).rejects.toThrow(/loopback, link-local or multicast/);
    }
    const rebinding = async () => ['203.0.113.7', '169.254.169.254'];
    await expect(tunnelDestination('metadata.example', 443, job, rebinding)).rejects.toThrow(/169\.254/);
    const resolved = async () => ['203.0.113.7'];
    await expect(tunnelDestination('ok.example', 443, job, resolved)).resolves.toEqual({
      host: '203.0.113.7',
      port: 443,
    });
    // A self-hosted runner's internal hosts: the job reaches them without the proxy, so with it too.
    for (const address of [
      '10.1.2.3',
      '192.168.1.1',
      '172.16.0.9',
      'fd00::1',
      '::ffff:10.0.0.1',
      '100.64.0.1',
    ]) {
      expect(isTunnelAllowed(address)).toBe(true);
    }
    const internal = async () => ['10.20.30.40'];
    await expect(tunnelDestination('git.corp.example', 443, job, internal)).resolves.toEqual({
      host: '10.20.30.40',
      port: 443,
    });
    expect(isTunnelAllowed('2606:4700::1')).toBe(true);
    expect(isTunnelAllowed('not-an-address')).toBe(false);
  });
});

describe('the job CA key', () => {
  it('is in no file under the store or the temp folder: no PEM private key there belongs to the CA or its leaves', async () => {
    // Other processes on this machine keep keys of their own in the temp folder: each key found
    // is compared with the job CA's and the leaves' public keys, not merely counted.
    const ours = new Set(
      [
        proxy.caCertPem as string,
        (await httpsThroughProxy(proxy.url, 'https://pypi.org/simple/', clientTrust())).peerCertificate.raw,
      ].map((cert) =>
        new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }).toString('hex'),
      ),
    );
    // The temp folder is shared by the whole machine: what this suite could have written there is
    // what changed since it started.
    const recent = [];
    for (const name of await readdir(tmpdir())) {
      const info = await stat(join(tmpdir(), name)).catch(() => undefined);
      if (info && info.mtimeMs >= suiteStarted) recent.push(join(tmpdir(), name));
    }
    for (const root of [dir, ...recent]) {
      const info = await stat(root).catch(() => undefined);
      const paths = info?.isDirectory() ? (await listTree(root)).map((path) => join(root, path)) : [root];
      for (const path of paths) {
        // A file this suite wrote has changed since it started; reading every older file of the
        // machine's busy temp folder (other suites' big wheels and benches) took minutes.
        const modified = await stat(path).catch(() => undefined);
        if (!modified || modified.mtimeMs < suiteStarted) continue;
        const text = await readFile(path, 'utf8').catch(() => '');
        for (const pem of text.match(
          /-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]+-----END [A-Z ]*PRIVATE KEY-----/g,
        ) ?? []) {
          let publicKey: string | undefined;
          try {
            publicKey = createPublicKey(createPrivateKey(pem))
              .export({ type: 'spki', format: 'der' })
              .toString('hex');
          } catch {
            continue; // encrypted or not a key: not ours, which is never written at all
          }
          expect(ours.has(publicKey)).toBe(false);
        }
      }
    }
  });
});
