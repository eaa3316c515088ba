import { installerEnvironment, resolveUpstreams } from '../../src/action/job-proxy.js';

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
