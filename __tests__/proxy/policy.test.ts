// Index policies across proxy runs on one store, and several upstreams with credentials.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProxy } from '../../src/proxy/index.js';
import { FakePypi } from '../support/fake-pypi.js';
import { buildWheels } from '../support/wheels.js';
import {
  fileUrlFromPage,
  listTree,
  PIP_ACCEPT,
  removeDir,
  request,
  type Stack,
  startStack,
  tempDir,
} from './harness.js';

describe('index policy', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack([
      { name: 'alpha', version: '1.0' },
      { name: 'beta', version: '1.0' },
    ]);
  });
  afterAll(() => stack.stop());

  const page = (project: string, headers: Record<string, string> = {}) =>
    request(`${stack.proxy.url}/simple/${project}/`, { headers: { accept: PIP_ACCEPT, ...headers } });

  test('revalidate: one upstream request per page and run, whatever the client asks', async () => {
    stack.pypi.resetRequests();
    for (let i = 0; i < 3; i++)
      expect((await page('alpha', { 'cache-control': 'max-age=0' })).status).toBe(200);
    expect(stack.pypi.counts().byPath).toEqual({ '/simple/alpha/': 1 });

    // Next run, same store: a conditional request with the stored ETag, answered 304.
    await stack.restartProxy();
    stack.pypi.resetRequests();
    await page('alpha');
    await page('alpha');
    expect(stack.pypi.requests).toHaveLength(1);
    expect(stack.pypi.requests[0]?.headers['if-none-match']).toMatch(/^".+"$/);
    expect(stack.pypi.requests[0]?.status).toBe(304);
    // Issue 13: a 304 is a request to upstream but no download.
    const stats = stack.proxy.stats();
    // The second answer came from memory without asking; the first asked (304).
    expect(stats).toMatchObject({ revalidated: 1, fetchedUpstream: 0, upstreamBytes: 0, servedFromStore: 1 });
  });

  test('revalidate sees new uploads; frozen answers from the store without asking', async () => {
    const [extra] = await buildWheels(join(stack.dir, 'more'), [{ name: 'alpha', version: '2.0' }]);
    if (!extra) throw new Error('fixture');
    stack.pypi.addWheels([extra]);

    await stack.restartProxy({ indexPolicy: 'frozen' });
    stack.pypi.resetRequests();
    const frozen = JSON.parse((await page('alpha')).body.toString());
    expect(frozen.versions).toEqual(['1.0']);
    expect(stack.pypi.requests).toHaveLength(0);
    // Not in the store yet: frozen still fetches it (a cache miss must not fail the job).
    expect((await page('beta')).status).toBe(200);
    expect(stack.pypi.counts().pages).toBe(1);

    await stack.restartProxy({ indexPolicy: 'revalidate' });
    const fresh = JSON.parse((await page('alpha')).body.toString());
    expect(fresh.versions).toEqual(['1.0', '2.0']);
  });

  test('frozen: a warm file makes no upstream request at all', async () => {
    const wheel = stack.wheels[0];
    if (!wheel) throw new Error('fixture');
    await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename).then((url) => request(url));
    await stack.restartProxy({ indexPolicy: 'frozen' });
    stack.pypi.resetRequests();
    const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
    expect((await request(url)).status).toBe(200);
    expect((await request(`${url}.metadata`)).status).toBe(200);
    expect(stack.pypi.requests).toHaveLength(1); // the .metadata was never fetched before
    expect(stack.pypi.requests[0]?.path).toMatch(/\.metadata$/);
  });
});

describe('several upstreams', () => {
  const SECRET = 's3cret-Pa55';
  let dir: string;
  let publicPypi: FakePypi;
  let privatePypi: FakePypi;

  beforeAll(async () => {
    dir = await tempDir('upstreams');
    publicPypi = new FakePypi({
      wheels: await buildWheels(join(dir, 'pub'), [{ name: 'shared', version: '9.0' }]),
    });
    privatePypi = new FakePypi({
      wheels: await buildWheels(join(dir, 'priv'), [
        { name: 'shared', version: '1.0' },
        { name: 'internal-tool', version: '1.0' },
      ]),
    });
    await publicPypi.start();
    await privatePypi.start();
  });
  afterAll(async () => {
    await publicPypi.stop();
    await privatePypi.stop();
    await removeDir(dir);
  });

  test.each([
    [
      'URL userinfo',
      (url: string) => url.replace('http://', `http://deploy:${encodeURIComponent(SECRET)}@`),
      {},
    ],
    ['environment', (url: string) => url, { PYPI_CACHE_PROXY_AUTH_CORP: `deploy:${SECRET}` }],
  ])('credentials from %s: sent only to their own upstream, never shown', async (_how, withAuth, env) => {
    const storeDir = join(dir, `store-${_how.replace(/\W/g, '')}`);
    const logFile = join(dir, `log-${_how.replace(/\W/g, '')}.jsonl`);
    const warnings: string[] = [];
    const proxy = await startProxy({
      storeDir,
      upstreams: [publicPypi.indexUrl, `corp=${withAuth(privatePypi.indexUrl)}`],
      env,
      logFile,
      onWarning: (m) => warnings.push(m),
    });
    publicPypi.resetRequests();
    privatePypi.resetRequests();
    try {
      // Each route sees only its own index: no merging, no fallback between them.
      const pub = JSON.parse(
        (await request(`${proxy.url}/simple/shared/`, { headers: { accept: PIP_ACCEPT } })).body.toString(),
      );
      expect(pub.versions).toEqual(['9.0']);
      const priv = await request(`${proxy.url}/corp/simple/shared/`, { headers: { accept: PIP_ACCEPT } });
      expect(JSON.parse(priv.body.toString()).versions).toEqual(['1.0']);
      expect((await request(`${proxy.url}/simple/internal-tool/`)).status).toBe(404);
      const html = await request(`${proxy.url}/corp/simple/internal-tool/`);
      expect(html.body.toString()).toContain('href="/files/corp/internal-tool/');
      const fileUrl = new URL(JSON.parse(priv.body.toString()).files[0].url, proxy.url).toString();
      expect((await request(fileUrl)).status).toBe(200);

      const expected = `Basic ${Buffer.from(`deploy:${SECRET}`).toString('base64')}`;
      const privateIndex = privatePypi.requests.filter((r) => r.origin === 'index');
      expect(privateIndex.length).toBeGreaterThan(0);
      for (const r of privateIndex) expect(r.headers.authorization).toBe(expected);
      // The private index's files live on another origin: no credentials there, nor on PyPI.
      for (const r of privatePypi.requests.filter((r) => r.origin === 'files'))
        expect(r.headers.authorization).toBeUndefined();
      for (const r of publicPypi.requests) expect(r.headers.authorization).toBeUndefined();

      const seen = [
        priv.body.toString(),
        html.body.toString(),
        JSON.stringify(proxy.stats()),
        JSON.stringify(proxy.upstreams),
        ...warnings,
      ];
      await proxy.close();
      seen.push(await readFile(logFile, 'utf8'));
      for (const path of await listTree(storeDir)) seen.push(await readFile(join(storeDir, path), 'utf8'));
      for (const text of seen) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(encodeURIComponent(SECRET));
        expect(text).not.toContain(Buffer.from(`deploy:${SECRET}`).toString('base64'));
      }
    } finally {
      await proxy.close();
    }
  });
});
