import { installerEnvironment, resolveUpstreams } from '../../src/action/job-proxy.js';
import { hashDependencyFiles } from '../../src/key/key.js';
import { indexUrlForKey } from '../../src/proxy/upstream/url-secrets.js';

describe('resolveUpstreams', () => {
  test('the input wins; then the job PIP_INDEX_URL or UV_DEFAULT_INDEX; then PyPI', () => {
    const env = {
      PIP_INDEX_URL: 'https://mirror.example/simple/',
      UV_DEFAULT_INDEX: 'https://uv.example/simple/',
    };
    expect(resolveUpstreams('https://input.example/simple/', [], env).specs).toEqual([
      'pypi=https://input.example/simple/',
    ]);
    expect(resolveUpstreams(undefined, [], env).specs).toEqual(['pypi=https://mirror.example/simple/']);
    expect(resolveUpstreams(undefined, [], { UV_DEFAULT_INDEX: 'https://uv.example/simple/' }).specs).toEqual(
      ['pypi=https://uv.example/simple/'],
    );
    expect(resolveUpstreams(undefined, [], {}).specs).toEqual(['pypi=https://pypi.org/simple/']);
  });

  test('credentials leave the URLs and go to the daemon environment only', () => {
    const upstreams = resolveUpstreams(
      'https://__token__:s3cr%40t@private.example/simple/',
      [{ name: 'internal', url: 'https://bob:pw@internal.example/simple/' }],
      {},
    );
    expect(upstreams.specs).toEqual([
      'pypi=https://private.example/simple/',
      'internal=https://internal.example/simple/',
    ]);
    expect(upstreams.credentials).toEqual({
      PYPI_CACHE_PROXY_AUTH_PYPI: '__token__:s3cr@t',
      PYPI_CACHE_PROXY_AUTH_INTERNAL: 'bob:pw',
    });
  });

  test('a job PIP_INDEX_URL that is not a URL is an error naming where it came from', () => {
    expect(() => resolveUpstreams(undefined, [], { PIP_INDEX_URL: 'mirror.local/simple' })).toThrow(
      /Input 'index-url': it is empty, so the job's PIP_INDEX_URL would be the upstream, but that is not an http\(s\) URL/,
    );
  });
});

test('installerEnvironment points pip and uv at the proxy and keeps trusted hosts the job had', () => {
  const env = installerEnvironment(
    'http://127.0.0.1:4000',
    [{ name: 'internal', url: 'https://x.example/' }],
    {
      PIP_TRUSTED_HOST: 'builds.example',
    },
  );
  expect(env).toEqual({
    PIP_INDEX_URL: 'http://127.0.0.1:4000/simple/',
    PIP_TRUSTED_HOST: 'builds.example 127.0.0.1:4000',
    UV_DEFAULT_INDEX: 'http://127.0.0.1:4000/simple/',
    PIP_EXTRA_INDEX_URL: 'http://127.0.0.1:4000/internal/simple/',
    UV_INDEX: 'internal=http://127.0.0.1:4000/internal/simple/',
  });
});

describe('the cache key of the upstreams (no secret in it, the same after a token rotation)', () => {
  const keyOf = (indexUrl: string, extras: { name: string; url: string }[] = []) =>
    hashDependencyFiles('/nonexistent', [], resolveUpstreams(indexUrl, extras, {}).keyParts);
  const cloudsmith = (token: string, repo = 'repo') =>
    `https://dl.cloudsmith.io/${token}/acme/${repo}/python/simple/`;

  test('a token in the path: rotating it keeps the key; the key input holds no part of it', () => {
    const before = 'Ab3dEf9hIj2kLm4n';
    const after = 'Zy8xWv7uTs6rQp5o';
    // Before: the key hashed the whole URL, token and all.
    expect(keyOf(cloudsmith(after))).toBe(keyOf(cloudsmith(before)));
    expect(resolveUpstreams(cloudsmith(before), [], {}).keyParts).toEqual([
      'pypi=https://dl.cloudsmith.io/***/acme/repo/python/simple/',
    ]);
  });

  test('userinfo, a token user name and a token query value are left out too', () => {
    expect(keyOf('https://aws:tokenAAAA1111@x.example/pypi/repo/simple/')).toBe(
      keyOf('https://aws:tokenBBBB2222@x.example/pypi/repo/simple/'),
    );
    expect(indexUrlForKey('https://gemfuryToken123@pypi.fury.io/acme/')).toBe('https://pypi.fury.io/acme/');
    expect(indexUrlForKey('https://x.example/simple/?token=0123456789abcdef&v=2')).toBe(
      'https://x.example/simple/?token=***&v=2',
    );
    // A percent-encoded token is the token.
    expect(indexUrlForKey('https://x.example/%41bcdefgh1234/simple/')).toBe('https://x.example/***/simple/');
  });

  test('two different indexes still get different keys', () => {
    const token = 'Ab3dEf9hIj2kLm4n';
    const keys = new Set([
      keyOf(cloudsmith(token)),
      keyOf(cloudsmith(token, 'other')),
      keyOf(`https://dl.cloudsmith.io/${token}/beta/repo/python/simple/`),
      keyOf('https://mirror.example/simple/'),
      keyOf('https://mirror.example:8443/simple/'),
      keyOf('http://mirror.example/simple/'),
      keyOf('https://pypi.org/simple/'),
      keyOf('https://pypi.org/simple/', [{ name: 'corp', url: 'https://mirror.example/simple/' }]),
    ]);
    expect(keys.size).toBe(8);
  });

  test('a URL with nothing secret in it keeps the key it had (no cache thrown away on upgrade)', () => {
    expect(resolveUpstreams(undefined, [], {}).keyParts).toEqual(resolveUpstreams(undefined, [], {}).specs);
    const plain = resolveUpstreams('https://nexus.example/repo/simple/', [], {});
    expect(plain.keyParts).toEqual(plain.specs);
  });
});
