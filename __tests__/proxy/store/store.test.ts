import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContentStore,
  fileRelativePath,
  pathInside,
  StorePathError,
} from '../../../src/proxy/store/store.js';
import {
  parseUpstreams,
  redactUrl,
  UpstreamConfigError,
} from '../../../src/proxy/upstream/upstream-config.js';
import { removeDir, tempDir } from '../harness.js';

describe('store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('store');
  });
  afterEach(() => removeDir(dir));

  test('paths never leave the store', () => {
    expect(pathInside('/store', 'files', 'x')).toBe('/store/files/x');
    expect(() => pathInside('/store', '..', 'etc')).toThrow(StorePathError);
    expect(() => pathInside('/store', '/etc/passwd')).toThrow(StorePathError);
    expect(() => pathInside('/store', 'files/../../etc')).toThrow(StorePathError);
    expect(() => fileRelativePath('../../etc/passwd')).toThrow(StorePathError);
    expect(fileRelativePath('ab'.repeat(32))).toBe(`files/sha256/ab/${'ab'.repeat(32)}`);
  });

  test('pages round-trip with their upstream validators; leftovers in tmp/ go at open', async () => {
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await writeFile(join(dir, 'tmp', 'half-written'), 'x');
    const store = await ContentStore.open(dir);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(await store.readPage('pypi', 'demo')).toBeUndefined();
    const stored = {
      etag: '"v1"',
      fetchedAt: '2024-01-01T00:00:00Z',
      page: { name: 'demo', meta: { 'api-version': '1.1' }, files: [], extra: {} },
    };
    await store.writePage('pypi', 'demo', stored);
    expect(await store.readPage('pypi', 'demo')).toEqual(stored);
    await expect(store.writePage('pypi', '../evil', stored)).rejects.toThrow(StorePathError);
    await expect(store.writeName('pypi', 'demo', '../../x', 'ab'.repeat(32))).rejects.toThrow(StorePathError);
  });

  test('a half-written page file is a miss, not a crash', async () => {
    const store = await ContentStore.open(dir);
    await mkdir(join(dir, 'pages', 'pypi', 'projects'), { recursive: true });
    await writeFile(join(dir, 'pages', 'pypi', 'projects', 'demo.json'), '{"page": {');
    expect(await store.readPage('pypi', 'demo')).toBeUndefined();
  });
});

describe('upstream configuration', () => {
  test('default PyPI; named extras; credentials moved out of the URL', () => {
    expect(parseUpstreams([], {})).toEqual([{ name: 'pypi', indexUrl: 'https://pypi.org/simple/' }]);
    const [main, corp] = parseUpstreams(
      ['https://mirror.example/simple', 'corp=https://me:p%40ss@corp.example/pypi/simple/'],
      {},
    );
    expect(main).toEqual({ name: 'pypi', indexUrl: 'https://mirror.example/simple/' });
    expect(corp?.indexUrl).toBe('https://corp.example/pypi/simple/');
    expect(corp?.authorization).toBe(`Basic ${Buffer.from('me:p@ss').toString('base64')}`);
  });

  test('the environment provides credentials by upstream name', () => {
    const [corp] = parseUpstreams(['corp=https://corp.example/simple/'], {
      PYPI_CACHE_PROXY_AUTH_CORP: '__token__:tok',
    });
    expect(corp?.authorization).toBe(`Basic ${Buffer.from('__token__:tok').toString('base64')}`);
  });

  test('bad upstreams are configuration errors', () => {
    expect(() => parseUpstreams(['ftp://x/simple/'], {})).toThrow(UpstreamConfigError);
    expect(() => parseUpstreams(['not a url'], {})).toThrow(UpstreamConfigError);
    expect(() => parseUpstreams(['a=https://x/', 'a=https://y/'], {})).toThrow(/used twice/);
    expect(() => parseUpstreams(['files=https://x/'], {})).toThrow(/invalid name/);
  });

  test('logged URLs carry no userinfo, no query and, off public PyPI, no path but the file name', () => {
    expect(redactUrl('https://u:p@host.example/a/b.whl?X-Amz-Signature=secret')).toBe(
      'https://host.example/***/b.whl',
    );
  });
});
