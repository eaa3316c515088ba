import { BadRequestError, NotFoundError } from '../../src/proxy/errors.js';
import { fileHref, matchRoute } from '../../src/proxy/http/routes.js';
import {
  credentialsEnvName,
  isValidFileName,
  isValidProjectName,
  isValidUpstreamName,
  normalizeProjectName,
} from '../../src/proxy/names.js';

const SHA = 'a'.repeat(64);
const upstreams = ['pypi', 'private'];

describe('PEP 503 names', () => {
  test.each([
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY_BARD', 'friendly-bard'],
    ['friendly.bard', 'friendly-bard'],
    ['FrIeNdLy-._.-bArD', 'friendly-bard'],
  ])('%s normalizes to %s', (name, normalized) => {
    expect(normalizeProjectName(name)).toBe(normalized);
  });

  test('project names: PEP 508 shapes only, bounded length', () => {
    expect(isValidProjectName('zope.interface')).toBe(true);
    expect(isValidProjectName('-leading')).toBe(false);
    expect(isValidProjectName('a/b')).toBe(false);
    expect(isValidProjectName('..')).toBe(false);
    expect(isValidProjectName('x'.repeat(201))).toBe(false);
  });

  test('file names: no separators, no dot-dot, bounded', () => {
    expect(isValidFileName('demo_pkg-1.0+local-py3-none-any.whl')).toBe(true);
    expect(isValidFileName('pkg-1!2.0.tar.gz')).toBe(true);
    expect(isValidFileName('../etc/passwd')).toBe(false);
    expect(isValidFileName('a..whl')).toBe(false);
    expect(isValidFileName('.hidden')).toBe(false);
    expect(isValidFileName(`${'a'.repeat(256)}.whl`)).toBe(false);
  });

  test('upstream names cannot shadow the proxy routes', () => {
    expect(isValidUpstreamName('private')).toBe(true);
    expect(isValidUpstreamName('simple')).toBe(false);
    expect(isValidUpstreamName('files')).toBe(false);
    expect(isValidUpstreamName('Private')).toBe(false);
    expect(credentialsEnvName('my-corp')).toBe('PYPI_CACHE_PROXY_AUTH_MY_CORP');
  });
});

describe('routes', () => {
  test('canonical project page and the forms that redirect to it', () => {
    expect(matchRoute('/simple/requests/', upstreams)).toEqual({
      kind: 'project',
      upstream: 'pypi',
      project: 'requests',
    });
    expect(matchRoute('/simple/Requests/', upstreams)).toEqual({
      kind: 'redirect',
      location: '/simple/requests/',
    });
    expect(matchRoute('/simple/requests', upstreams)).toEqual({
      kind: 'redirect',
      location: '/simple/requests/',
    });
    expect(matchRoute('/simple/Zope_Interface', upstreams)).toEqual({
      kind: 'redirect',
      location: '/simple/zope-interface/',
    });
    expect(matchRoute('/simple', upstreams)).toEqual({ kind: 'redirect', location: '/simple/' });
    expect(matchRoute('/simple/?x=1', upstreams)).toEqual({
      kind: 'project-list',
      upstream: 'pypi',
      prefix: '/simple/',
    });
  });

  test('extra upstreams live under their own prefix only', () => {
    expect(matchRoute('/private/simple/tool/', upstreams)).toEqual({
      kind: 'project',
      upstream: 'private',
      project: 'tool',
    });
    expect(() => matchRoute('/pypi/simple/tool/', upstreams)).toThrow(NotFoundError);
    expect(() => matchRoute('/other/simple/tool/', upstreams)).toThrow(NotFoundError);
  });

  test('file routes carry upstream, project, hash and name', () => {
    const href = fileHref('pypi', 'demo', SHA, 'demo-1.0-py3-none-any.whl');
    expect(matchRoute(href, upstreams)).toEqual({
      kind: 'file',
      upstream: 'pypi',
      project: 'demo',
      hash: SHA,
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: false,
    });
    expect(matchRoute(`${href}.metadata`, upstreams)).toMatchObject({ metadata: true });
    expect(matchRoute('/files/private/demo/nohash/demo-1.0.tar.gz', upstreams)).toMatchObject({
      hash: 'nohash',
    });
  });

  test.each([
    ['/simple/../../etc/passwd', BadRequestError],
    ['/simple/%2e%2e/', BadRequestError],
    ['/simple/a%2Fb/', BadRequestError],
    ['/simple/a%5Cb/', BadRequestError],
    ['/simple/a%00/', BadRequestError],
    ['/simple/%zz/', BadRequestError],
    ['http://evil.example/simple/', BadRequestError],
    [`/simple/${'a'.repeat(5000)}/`, BadRequestError],
    [`/files/pypi/demo/${SHA}/..%2F..%2Fetc%2Fpasswd`, BadRequestError],
    [`/files/pypi/demo/${SHA}/.bashrc`, NotFoundError],
    ['/files/pypi/demo/not-a-hash/demo.whl', NotFoundError],
    [`/files/nobody/demo/${SHA}/demo.whl`, NotFoundError],
    [`/files/pypi/Demo/${SHA}/demo.whl`, NotFoundError],
    [`/files/pypi/demo/${SHA}/${'a'.repeat(300)}.whl`, NotFoundError],
    ['/etc/passwd', NotFoundError],
  ])('refuses %s', (target, kind) => {
    expect(() => matchRoute(target, upstreams)).toThrow(kind);
  });
});
