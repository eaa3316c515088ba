// intercept-hosts names configured indexes (PyPI mirrors) that interception answers and caches;
// what it may list, and the errors for what it may not (issue 10).
import { interceptedMirrors } from '../../src/action/intercept-hosts.js';
import type { Upstreams } from '../../src/action/job-proxy.js';

const upstreams: Upstreams = {
  specs: [
    'pypi=https://mirror.example/artifactory/api/pypi/pypi-remote/simple/',
    'corp=https://private.example:8443/simple/',
    'plain=http://plain.example/simple/',
    'twin1=https://twins.example/a/simple/',
    'twin2=https://twins.example/b/simple/',
  ],
  keyParts: [],
  extras: [],
  credentials: {},
};

describe('interceptedMirrors', () => {
  test('a listed host gives its upstream’s name; PyPI’s hosts are intercepted anyway', () => {
    expect(interceptedMirrors(['mirror.example', 'private.example:8443', 'pypi.org'], upstreams)).toEqual([
      'pypi',
      'corp',
    ]);
    expect(interceptedMirrors([], upstreams)).toEqual([]);
  });

  test.each([
    [
      'unknown.example',
      /Input 'intercept-hosts': 'unknown\.example' is not the host of index-url or of an extra-index-urls entry \(configured: pypi=mirror\.example, corp=private\.example:8443/,
    ],
    ['private.example', /'private\.example' is not the host/],
    ['plain.example', /'plain\.example' serves plain over http:\/\/; only https indexes are intercepted/],
    ['twins.example', /'twins\.example' is the host of twin1 and twin2/],
  ])('%s is refused with a message naming the input and what it accepts', (host, message) => {
    expect(() => interceptedMirrors([host], upstreams)).toThrow(message);
  });
});
