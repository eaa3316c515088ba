// A file asked for under interception whose sha256 is known (the lockfile's) is checked against
// that sha256 alone: the blake2b-256 its path names is not computed (issue 10: ~7 s of CPU per
// 247 MB cold pass). The sha256 still checks every byte: a body that matches neither digest is
// refused and nothing is stored. The files host is a loopback TLS origin of the test's own,
// which serves the same bytes at any /packages/ path, so a path whose digest is not the body's
// can be asked for; the daemon reaches it through the test-only OriginMap (nothing leaves
// loopback).
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { blake2b } from '@noble/hashes/blake2.js';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { httpsThroughProxy } from '../../support/connect-client.js';
import { listTree, removeDir, sha256, tempDir } from '../harness.js';

const BODY = Buffer.from('a wheel, as far as a proxy can tell\n'.repeat(5000));
const OTHER_BODY = Buffer.from('another wheel altogether\n'.repeat(5000));

let dir: string;
let storeDir: string;
let origin: https.Server;
let proxy: RunningProxy;
/** Paths the files origin was asked for. */
const asked: string[] = [];

const digestPath = (digest: string, filename: string) =>
  `https://files.pythonhosted.org/packages/${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest.slice(4)}/${filename}`;
const blake2b256 = (data: Buffer) => Buffer.from(blake2b(data, { dkLen: 32 })).toString('hex');
const unrelatedDigest = (seed: string) => createHash('sha256').update(seed).digest('hex');

// Locked URLs: the path digest is not BODY's in the first two; the third names BODY's digest.
const lockedRightSha = digestPath(unrelatedDigest('one'), 'alpha-1.0.0-py3-none-any.whl');
const lockedWrongSha = digestPath(unrelatedDigest('two'), 'beta-1.0.0-py3-none-any.whl');
const lockedPathRight = digestPath(blake2b256(BODY), 'gamma-1.0.0-py3-none-any.whl');

beforeAll(async () => {
  dir = await tempDir('locked-sha256');
  storeDir = join(dir, 'store');
  const ca = await JobCa.create({ hosts: ['files.pythonhosted.org'] });
  const leaf = await ca.leafFor('files.pythonhosted.org');
  origin = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  proxy = await startProxy({
    storeDir,
    retryBackoffMs: 10,
    upstreamRetries: 1,
    onWarning: () => {},
    intercept: {
      testOrigins: {
        'files.pythonhosted.org': `https://127.0.0.1:${(origin.address() as AddressInfo).port}`,
      },
      testUpstreamCa: [ca.certPem],
      lockedHashes: new Map([
        [lockedRightSha, sha256(BODY)],
        [lockedWrongSha, sha256(OTHER_BODY)],
        [lockedPathRight, sha256(OTHER_BODY)],
      ]),
    },
  });
});

afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => origin?.close(resolve));
  await removeDir(dir);
});

const trust = () => ({ ca: [proxy.caCertPem as string] });

async function storedPaths(): Promise<string[]> {
  return (await listTree(storeDir)).filter((path) => path.includes('sha256'));
}

test('a body whose sha256 matches the lockfile is stored under it, whatever digest the path names', async () => {
  const answer = await httpsThroughProxy(proxy.url, lockedRightSha, trust());
  expect(answer.status).toBe(200);
  expect(sha256(answer.body)).toBe(sha256(BODY));
  expect(proxy.stats().verified).toMatchObject({ lockfile: 1, 'path-digest': 0 });
  expect((await storedPaths()).some((path) => path.endsWith(sha256(BODY)))).toBe(true);
  // Served again from the store: the origin is not asked twice.
  const before = asked.length;
  const again = await httpsThroughProxy(proxy.url, lockedRightSha, trust());
  expect(sha256(again.body)).toBe(sha256(BODY));
  expect(asked.length).toBe(before);
});

test('a body that matches neither the lockfile nor the path is refused, and nothing is stored', async () => {
  const before = await storedPaths();
  const answer = await httpsThroughProxy(proxy.url, lockedWrongSha, trust());
  expect(answer.status).toBe(502);
  expect(await storedPaths()).toEqual(before);
  expect((await listTree(storeDir)).some((path) => path.includes('beta-1.0.0'))).toBe(false);
});

test('a body that matches its path digest but not the lockfile sha256 is refused: the sha256 decides', async () => {
  const before = await storedPaths();
  const answer = await httpsThroughProxy(proxy.url, lockedPathRight, trust());
  expect(answer.status).toBe(502);
  expect(await storedPaths()).toEqual(before);
  expect(proxy.stats().verified['path-digest']).toBe(0);
});
