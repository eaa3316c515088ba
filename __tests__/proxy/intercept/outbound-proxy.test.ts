// The daemon behind the job's own HTTPS proxy (issue 10): a loopback stand-in for a corporate
// proxy that wants Proxy-Authorization relays the daemon's upstream fetches and its plain
// tunnels (counted), hosts in the job's NO_PROXY go directly, and the ways this could go wrong:
// a wrong or missing credential (a clear 502, one attempt, no hang), a proxy that never answers,
// the credentials showing up anywhere (argv, logs, stats, the store), a tunnel through the
// credentialed proxy for a client not on this machine, loopback and link-local targets.
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import {
  NoProxyList,
  OutboundProxy,
  type RunningProxy,
  startProxy,
  startTunnelRelay,
} from '../../../src/proxy/index.js';
import { openPlainTunnel } from '../../../src/proxy/intercept/connect-handler.js';
import { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { OriginMap } from '../../../src/proxy/intercept/origin-map.js';
import { chainedTunnelTarget } from '../../../src/proxy/intercept/tunnel-policy.js';
import { isProxyProcess, launchProxy, stopProxy } from '../../../src/proxy/launcher.js';
import { OUTBOUND_NO_PROXY_ENV, OUTBOUND_PROXY_ENV } from '../../../src/proxy/upstream/outbound-proxy.js';
import { UpstreamClient } from '../../../src/proxy/upstream/upstream.js';
import { httpsThroughProxy, openTunnel } from '../../support/connect-client.js';
import { CorporateProxy } from '../../support/corporate-proxy.js';
import type { FakePypi } from '../../support/fake-pypi.js';
import { fakePypiOverTls } from '../../support/fake-pypi-tls.js';
import { loopbackCertificate } from '../../support/loopback-certificate.js';
import { type BuiltWheel, buildWheels } from '../../support/wheels.js';
import { listTree, removeDir, sha256, tempDir } from '../harness.js';

// A password with characters that must be percent-encoded in a URL, and a user name that is
// not a common word, so a leak is found by searching for either.
const CREDENTIALS = { user: 'corp-user-7f3a', password: 's3cr:t/P@ss%9q' };
const WRONG = { user: CREDENTIALS.user, password: 'wrong-pass-b81c' };

let dir: string;
let wheels: BuiltWheel[];
let pypi: FakePypi;
let testCa: JobCa;
let corp: CorporateProxy;
let origin: https.Server;
let originCa: JobCa;
let originAuthority: string;
/** A plain TCP server that speaks first (as SMTP or SSH do). */
let banner: net.Server;
let bannerAuthority: string;
let proxy: RunningProxy;
let warnings: string[];
const started: RunningProxy[] = [];

function wheel(project: string): BuiltWheel {
  const found = wheels.find((w) => w.project === project);
  if (!found) throw new Error(project);
  return found;
}

/** The body of a refused CONNECT (Node hands the socket over whatever the status). */
async function refusal(proxyUrl: string, authority: string): Promise<{ status: number; text: string }> {
  const tunnel = await openTunnel(proxyUrl, authority);
  const chunks: Buffer[] = [];
  tunnel.socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => tunnel.socket.once('close', resolve));
  return { status: tunnel.status, text: Buffer.concat(chunks).toString() };
}

const authorityOf = (origin: string) => new URL(origin).host;
const trust = () => ({ ca: [proxy.caCertPem as string] });

function testOrigins(): Record<string, string> {
  return {
    'pypi.org': pypi.indexOrigin,
    'files.pythonhosted.org': pypi.filesOrigin,
    'tunnel.example': `https://${originAuthority}`,
    'direct.example': `https://${originAuthority}`,
    'banner.example': `http://${bannerAuthority}`,
  };
}

async function daemon(outbound: OutboundProxy, store: string): Promise<RunningProxy> {
  const running = await startProxy({
    storeDir: join(dir, store),
    retryBackoffMs: 10,
    upstreamRetries: 1,
    logFile: join(dir, `${store}.log`),
    onWarning: (message) => warnings.push(message),
    outboundProxy: outbound,
    intercept: { testOrigins: testOrigins(), testUpstreamCa: [testCa.certPem] },
  });
  started.push(running);
  return running;
}

beforeAll(async () => {
  dir = await tempDir('outbound');
  wheels = await buildWheels(join(dir, 'wheels'), [
    { name: 'alpha', version: '1.0.0' },
    { name: 'beta', version: '2.0.0' },
  ]);
  ({ pypi, testCa } = await fakePypiOverTls({ wheels }));
  await pypi.start();
  originCa = await JobCa.create({ hosts: ['tunnel.example', 'direct.example'] });
  const contexts = new Map<string, tls.SecureContext>();
  for (const host of ['tunnel.example', 'direct.example']) {
    const leaf = await originCa.leafFor(host);
    contexts.set(host, tls.createSecureContext({ cert: leaf.certPem, key: leaf.keyPem }));
  }
  origin = https.createServer(
    { SNICallback: (name, done) => done(null, contexts.get(name)) },
    (_req, res) => {
      res.end('hello from the origin\n');
    },
  );
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originAuthority = `127.0.0.1:${(origin.address() as AddressInfo).port}`;
  banner = net.createServer((socket) => socket.end('220 banner.example ready\r\n'));
  await new Promise<void>((resolve) => banner.listen(0, '127.0.0.1', resolve));
  bannerAuthority = `127.0.0.1:${(banner.address() as AddressInfo).port}`;
  corp = new CorporateProxy({ credentials: CREDENTIALS });
  await corp.start();
  warnings = [];
  // pypi.org and direct.example are in the job's NO_PROXY: reached directly.
  proxy = await daemon(new OutboundProxy(corp.url(), new NoProxyList('pypi.org, direct.example')), 'store');
});

afterAll(async () => {
  for (const running of started) await running.close();
  await corp?.stop();
  await pypi?.stop();
  await new Promise((resolve) => origin?.close(resolve));
  await new Promise((resolve) => banner?.close(resolve));
  await removeDir(dir);
});

beforeEach(() => {
  pypi.resetRequests();
  corp.reset();
});

describe('through the job proxy', () => {
  it('sends the upstream file fetch of an intercepted host through it, with the credentials', async () => {
    const url = pypi.fileUrl(wheel('beta').filename);
    const answer = await httpsThroughProxy(proxy.url, url, trust());
    expect(sha256(answer.body)).toBe(wheel('beta').sha256);
    expect(corp.count(authorityOf(pypi.filesOrigin))).toBe(1);
    expect(pypi.counts().files).toBe(1);
    // From the store now: neither PyPI nor the job proxy is asked again.
    await httpsThroughProxy(proxy.url, url, trust());
    expect(corp.connects).toHaveLength(1);
    expect(corp.refused).toBe(0);
  });

  it('opens the plain tunnel of a host that is not intercepted through it: bytes and certificate are the origin’s', async () => {
    const answer = await httpsThroughProxy(proxy.url, 'https://tunnel.example/', { ca: [originCa.certPem] });
    expect(answer.body.toString()).toBe('hello from the origin\n');
    expect(corp.count(originAuthority)).toBe(1);
  });

  it('carries the tunnels of the relay left after the post step too', async () => {
    const relay = await startTunnelRelay({
      host: '127.0.0.1',
      port: 0,
      outbound: new OutboundProxy(corp.url()),
      testOrigins: testOrigins(),
    });
    try {
      const answer = await httpsThroughProxy(relay.url, 'https://tunnel.example/', {
        ca: [originCa.certPem],
      });
      expect(answer.body.toString()).toBe('hello from the origin\n');
      expect(corp.count(originAuthority)).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('speaks TLS to an https:// job proxy, its certificate checked: fetches and tunnels go through it', async () => {
    const corpCert = await loopbackCertificate();
    const secureCorp = new CorporateProxy({ credentials: CREDENTIALS, tls: corpCert });
    await secureCorp.start();
    try {
      expect(secureCorp.url()).toMatch(/^https:\/\//);
      const chained = await daemon(
        new OutboundProxy(secureCorp.url(), undefined, 2000, [corpCert.certPem]),
        'store-tls-proxy',
      );
      const url = pypi.fileUrl(wheel('alpha').filename);
      const answer = await httpsThroughProxy(chained.url, url, { ca: [chained.caCertPem as string] });
      expect(sha256(answer.body)).toBe(wheel('alpha').sha256);
      expect(secureCorp.count(authorityOf(pypi.filesOrigin))).toBe(1);
      const tunnelled = await httpsThroughProxy(chained.url, 'https://tunnel.example/', {
        ca: [originCa.certPem],
      });
      expect(tunnelled.body.toString()).toBe('hello from the origin\n');
      expect(secureCorp.count(originAuthority)).toBe(1);

      // A proxy whose certificate the job does not trust is not spoken to: a 502 naming it.
      const untrusting = await daemon(
        new OutboundProxy(secureCorp.url(), undefined, 2000),
        'store-tls-untrusted',
      );
      const before = secureCorp.connects.length;
      const refused = await httpsThroughProxy(untrusting.url, pypi.fileUrl(wheel('beta').filename), {
        ca: [untrusting.caCertPem as string],
      });
      expect(refused.status).toBe(502);
      expect(refused.body.toString()).toContain(`https://127.0.0.1:${new URL(secureCorp.url()).port}`);
      expect(refused.body.toString()).not.toContain(CREDENTIALS.password);
      expect(secureCorp.connects.length).toBe(before);
      expect(
        (await listTree(join(dir, 'store-tls-untrusted'))).some((p) => p.includes(wheel('beta').sha256)),
      ).toBe(false);
    } finally {
      await secureCorp.stop();
    }
  });

  it('loses no byte an origin sends with the job proxy’s 200 (a server that speaks first)', async () => {
    const coalescing = new CorporateProxy({ coalesce: true });
    await coalescing.start();
    try {
      const chained = await daemon(new OutboundProxy(coalescing.url()), 'store-banner');
      const tunnel = await openTunnel(chained.url, 'banner.example:25');
      expect(tunnel.status).toBe(200);
      const chunks: Buffer[] = [];
      tunnel.socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve) => tunnel.socket.once('close', resolve));
      expect(Buffer.concat(chunks).toString()).toBe('220 banner.example ready\r\n');
    } finally {
      await coalescing.stop();
    }
  });

  it('reaches the hosts in the job’s NO_PROXY directly, for fetches and tunnels alike', async () => {
    const page = await httpsThroughProxy(proxy.url, 'https://pypi.org/simple/alpha/', trust());
    expect(page.status).toBe(200);
    expect(pypi.counts().pages).toBe(1);
    const tunnelled = await httpsThroughProxy(proxy.url, 'https://direct.example/', {
      ca: [originCa.certPem],
    });
    expect(tunnelled.body.toString()).toBe('hello from the origin\n');
    expect(corp.connects).toEqual([]);
  });
});

describe('when the job proxy refuses or hangs', () => {
  it('a wrong credential is a 502 that says so, after one attempt, for a fetch and a tunnel', async () => {
    const wrong = await daemon(new OutboundProxy(corp.url(WRONG)), 'store-wrong');
    const file = await httpsThroughProxy(wrong.url, pypi.fileUrl(wheel('alpha').filename), {
      ca: [wrong.caCertPem as string],
    });
    expect(file.status).toBe(502);
    expect(file.body.toString()).toMatch(/407 Proxy Authentication Required: it refused the credentials/);
    // Not retried: a refused credential stays refused.
    expect(corp.refused).toBe(1);
    const tunnel = await refusal(wrong.url, 'tunnel.example:443');
    expect(tunnel.status).toBe(502);
    expect(tunnel.text).toMatch(/refused the credentials/);
    expect(pypi.counts().total).toBe(0);
    for (const text of [file.body.toString(), tunnel.text, ...warnings])
      expect(text).not.toContain(WRONG.password);
  });

  it('no credential where one is wanted says that HTTPS_PROXY has none', async () => {
    const none = await daemon(new OutboundProxy(corp.url(null)), 'store-none');
    const tunnel = await refusal(none.url, 'tunnel.example:443');
    expect(tunnel.status).toBe(502);
    expect(tunnel.text).toMatch(/HTTPS_PROXY has none/);
  });

  it('a proxy that never answers CONNECT is given up on within its timeout, not waited on', async () => {
    const silent = new CorporateProxy({ silent: true });
    await silent.start();
    try {
      const hung = await daemon(new OutboundProxy(silent.url(), undefined, 200), 'store-hung');
      const tunnel = await refusal(hung.url, 'tunnel.example:443');
      expect(tunnel.status).toBe(502);
      expect(tunnel.text).toMatch(/no answer within 200 ms/);
    } finally {
      await silent.stop();
    }
  });
});

describe('the tunnel policy through the job proxy', () => {
  it('refuses a client that is not on this machine a tunnel carrying the job proxy’s credentials', async () => {
    // A socket from another host cannot exist on a loopback-only machine: a stream with that
    // remote address stands in for it. The refusal comes before anything is read or written.
    const remote = Object.assign(new PassThrough(), { remoteAddress: '192.0.2.7' }) as unknown as Socket;
    const route = { origins: new OriginMap(testOrigins()), outbound: new OutboundProxy(corp.url()) };
    await expect(
      openPlainTunnel(route, { host: 'tunnel.example', port: 443 }, remote, Buffer.alloc(0)),
    ).rejects.toThrow(/only for clients on this machine/);
    expect(corp.connects).toEqual([]);
  });

  it('still refuses loopback and link-local targets, and names that resolve there; a name only the job proxy can resolve is left to it', async () => {
    const job = new OriginMap();
    for (const target of ['169.254.169.254', '127.0.0.1', '[::1]', '::ffff:127.0.0.1']) {
      await expect(chainedTunnelTarget(target, 443, job)).rejects.toThrow(/loopback, link-local/);
    }
    const toMetadata = async () => ['169.254.169.254'];
    await expect(chainedTunnelTarget('metadata.example', 80, job, toMetadata)).rejects.toThrow(/169\.254/);
    const unresolvable = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(chainedTunnelTarget('git.corp.example', 443, job, unresolvable)).resolves.toEqual({
      host: 'git.corp.example',
      port: 443,
    });
    const outside = async () => ['203.0.113.9'];
    // The name, not the address: the job proxy's rules are by name.
    await expect(chainedTunnelTarget('example.org', 443, job, outside)).resolves.toEqual({
      host: 'example.org',
      port: 443,
    });
  });

  it('checks an upstream fetch’s host where this machine resolves it: a name that resolves to link-local is refused before the job proxy is asked; one that does not resolve is left to it', async () => {
    const lookups: Record<string, string> = { 'files.evil.example': '169.254.169.254' };
    const client = new UpstreamClient({
      retries: 0,
      outboundProxy: new OutboundProxy(corp.url()),
      allowFileHosts: ['files.evil.example', 'files.corp.example'],
      // Test only: no name is ever looked up in DNS; files.corp.example resolves nowhere here.
      hostLookup: async (name) => {
        const address = lookups[name];
        if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
        return [{ address, family: 4 }];
      },
    });
    const upstream = { name: 'corp', indexUrl: 'https://index.corp.example/simple/' };
    try {
      await expect(client.request('https://files.evil.example/x.whl', { upstream })).rejects.toThrow(
        /resolves to a refused address: address 169\.254\.169\.254 is link-local/,
      );
      expect(corp.authorizations).toEqual([]);
      // Handed to the job proxy by name (which this stand-in refuses: it reaches only loopback).
      await expect(client.request('https://files.corp.example/x.whl', { upstream })).rejects.toThrow(
        /CONNECT files\.corp\.example:443: answered 403/,
      );
      expect(corp.authorizations).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('reads NO_PROXY as curl does: domains with their subdomains, never a longer name that ends the same', () => {
    const list = new NoProxyList('pypi.org, .corp.example,10.0.0.0/8, mirror.example:8443 ,[::1]');
    expect(list.bypasses('pypi.org', 443)).toBe(true);
    expect(list.bypasses('PyPI.org.', 443)).toBe(true);
    expect(list.bypasses('files.pypi.org', 443)).toBe(true);
    expect(list.bypasses('evilpypi.org', 443)).toBe(false);
    expect(list.bypasses('pypi.org.evil.example', 443)).toBe(false);
    expect(list.bypasses('git.corp.example', 443)).toBe(true);
    expect(list.bypasses('corp.example', 443)).toBe(true);
    expect(list.bypasses('10.2.3.4', 443)).toBe(true);
    expect(list.bypasses('11.2.3.4', 443)).toBe(false);
    expect(list.bypasses('mirror.example', 8443)).toBe(true);
    expect(list.bypasses('mirror.example', 443)).toBe(false);
    expect(list.bypasses('::1', 443)).toBe(true);
    expect(new NoProxyList('*').bypasses('anything.example', 443)).toBe(true);
    expect(new NoProxyList('').bypasses('pypi.org', 443)).toBe(false);
  });

  it('takes only an http:// or https:// proxy URL, and its errors never show the credentials', () => {
    for (const bad of [
      'socks5://u:pw-x1@proxy.example:1080',
      'https://u:pw-x1@proxy.example:3128/?q',
      'http://u:pw-x1@proxy.example:3128/path',
    ]) {
      expect(() => new OutboundProxy(bad)).toThrow(/PYPI_CACHE_PROXY_OUTBOUND_PROXY/);
      try {
        new OutboundProxy(bad);
      } catch (error: unknown) {
        expect((error as Error).message).not.toContain('pw-x1');
      }
    }
    expect(new OutboundProxy('proxy.example:3128').display).toBe('http://proxy.example:3128');
    const secure = new OutboundProxy('https://u:pw-x1@proxy.example');
    expect([secure.display, secure.port, secure.secure]).toEqual(['https://proxy.example', 443, true]);
  });
});

describe('the credentials', () => {
  it('are in no argv, log, stats, state or store file of a daemon the launcher starts', async () => {
    const work = join(dir, 'launched');
    const caFile = join(dir, 'upstream-ca.pem');
    await writeFile(caFile, testCa.certPem);
    const storeDir = join(dir, 'launched-store');
    const launched = await launchProxy({
      script: join(process.cwd(), 'dist', 'proxy.js'),
      storeDir,
      upstreams: [],
      host: '127.0.0.1',
      port: 0,
      indexPolicy: 'revalidate',
      workDir: work,
      intercept: { caFile: join(work, 'job-ca.pem') },
      env: {
        PATH: process.env.PATH,
        [OUTBOUND_PROXY_ENV]: corp.url(),
        [OUTBOUND_NO_PROXY_ENV]: '',
        PYPI_CACHE_PROXY_TEST_ORIGINS: JSON.stringify(testOrigins()),
        PYPI_CACHE_PROXY_TEST_CA: caFile,
      },
    });
    try {
      const ca = await readFile(join(work, 'job-ca.pem'), 'utf8');
      const url = pypi.fileUrl(wheel('alpha').filename);
      expect(sha256((await httpsThroughProxy(launched.url, url, { ca: [ca] })).body)).toBe(
        wheel('alpha').sha256,
      );
      await httpsThroughProxy(launched.url, 'https://tunnel.example/', { ca: [originCa.certPem] });
      expect(corp.connects.length).toBe(2);
      const secrets = [CREDENTIALS.password, encodeURIComponent(CREDENTIALS.password), CREDENTIALS.user];
      const basic = Buffer.from(`${CREDENTIALS.user}:${CREDENTIALS.password}`).toString('base64');
      const places: [string, string][] = [
        ['argv', await readFile(`/proc/${launched.pid}/cmdline`, 'utf8')],
        ['stats', await (await fetch(`${launched.url}/-/stats`)).text()],
        ['manifest', await (await fetch(`${launched.url}/-/manifest`)).text()],
      ];
      expect(isProxyProcess(launched.pid, storeDir)).toBe(true);
      expect(await stopProxy(launched.pid, undefined, storeDir)).toBe('stopped');
      for (const root of [work, storeDir])
        for (const path of await listTree(root))
          places.push([path, await readFile(join(root, path), 'latin1')]);
      expect(places.map(([name]) => name)).toEqual(
        expect.arrayContaining(['proxy-output.log', 'access-log.jsonl']),
      );
      for (const [name, text] of places)
        for (const secret of [...secrets, basic])
          expect([name, text.includes(secret)]).toEqual([name, false]);
    } finally {
      await stopProxy(launched.pid, undefined, storeDir);
    }
  });
});
