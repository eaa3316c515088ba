// A private index or mirror under interception (issue 10): untouched unless listed. Not listed,
// its host is a plain tunnel (its own certificate, the bytes as sent, nothing stored: a private
// package never reaches an entry a fork's pull request could restore); listed
// (--intercept-upstream, the action's intercept-hosts), its host is answered from the store and
// its files are verified and stored. The mirror is a TLS stand-in on one host of its own, pages
// and files under an Artifactory-like path, reached through the test-only OriginMap.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import type { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { httpsThroughProxy } from '../../support/connect-client.js';
import type { FakePypi } from '../../support/fake-pypi.js';
import { fakePypiOverTls } from '../../support/fake-pypi-tls.js';
import { type BuiltWheel, buildWheels } from '../../support/wheels.js';
import { listTree, removeDir, sha256, tempDir } from '../harness.js';

const MIRROR = 'mirror.example';
const PREFIX = 'artifactory/api/pypi/pypi-remote';

let dir: string;
let wheel: BuiltWheel;
let mirror: FakePypi;
let mirrorCa: JobCa;
const proxies: RunningProxy[] = [];

async function daemon(store: string, mirrors: string[]): Promise<RunningProxy> {
  const proxy = await startProxy({
    storeDir: join(dir, store),
    upstreams: [`corp=https://${MIRROR}/${PREFIX}/simple/`],
    retryBackoffMs: 10,
    upstreamRetries: 1,
    onWarning: () => {},
    intercept: {
      mirrors,
      testOrigins: { [MIRROR]: mirror.indexOrigin },
      testUpstreamCa: [mirrorCa.certPem],
    },
  });
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  dir = await tempDir('intercept-mirrors');
  [wheel] = (await buildWheels(join(dir, 'wheels'), [{ name: 'private-lib', version: '1.0.0' }])) as [
    BuiltWheel,
  ];
  ({ pypi: mirror, testCa: mirrorCa } = await fakePypiOverTls(
    { wheels: [wheel], pathPrefix: PREFIX },
    { index: MIRROR, files: MIRROR },
  ));
  await mirror.start();
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await mirror?.stop();
  await removeDir(dir);
});

beforeEach(() => mirror.resetRequests());

test('a mirror not listed is a plain tunnel: its own certificate, the bytes as sent, nothing stored', async () => {
  const proxy = await daemon('store-unlisted', []);
  const before = await listTree(join(dir, 'store-unlisted'));
  const url = mirror.fileUrl(wheel.filename);
  expect(url.startsWith(`https://${MIRROR}/${PREFIX}/packages/`)).toBe(true);
  const answer = await httpsThroughProxy(proxy.url, url, { ca: [mirrorCa.certPem] });
  expect(sha256(answer.body)).toBe(wheel.sha256);
  const presented = new X509Certificate(answer.peerCertificate.raw);
  expect(presented.checkIssued(new X509Certificate(mirrorCa.certPem))).toBe(true);
  // The job CA could not even vouch for it: mirror.example is outside its name constraints.
  expect(presented.checkIssued(new X509Certificate(proxy.caCertPem as string))).toBe(false);
  expect(await listTree(join(dir, 'store-unlisted'))).toEqual(before);
  expect(proxy.stats().connects).toMatchObject({ intercepted: 0, tunnelled: 1 });
});

test('a listed mirror is intercepted: files verified against its page, stored, and served from the store', async () => {
  const proxy = await daemon('store-listed', ['corp']);
  const url = mirror.fileUrl(wheel.filename);
  const trust = { ca: [proxy.caCertPem as string] };
  const cold = await httpsThroughProxy(proxy.url, url, trust);
  expect(sha256(cold.body)).toBe(wheel.sha256);
  expect(cold.peerCertificate.subjectaltname).toBe(`DNS:${MIRROR}`);
  const warm = await httpsThroughProxy(proxy.url, url, trust);
  expect(sha256(warm.body)).toBe(wheel.sha256);
  expect(mirror.counts()).toMatchObject({ pages: 1, files: 1 });
  expect(proxy.stats().verified.page).toBe(1);
  const stored = await listTree(join(dir, 'store-listed'));
  expect(stored.some((path) => path.endsWith(wheel.sha256))).toBe(true);
});
