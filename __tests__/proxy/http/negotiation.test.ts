import { negotiatePageFormat } from '../../../src/proxy/http/negotiation.js';

describe('PEP 691 content negotiation', () => {
  test.each([
    // pip >= 22.2 (pip/_internal/index/collector.py)
    [
      'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01',
      'json',
    ],
    // uv (crates/uv-client/src/registry_client.rs)
    [
      'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01',
      'json',
    ],
    ['application/vnd.pypi.simple.latest+json', 'json'],
    ['application/vnd.pypi.simple.v1+html', 'html-v1'],
    ['application/vnd.pypi.simple.latest+html', 'html-v1'],
    ['text/html', 'html'],
    ['*/*', 'html'],
    [undefined, 'html'],
    ['', 'html'],
    ['application/xml', 'html'],
    ['application/vnd.pypi.simple.v1+json;q=0.5, text/html', 'html'],
    ['text/html;q=0.1, application/vnd.pypi.simple.v1+json;q=0.9', 'json'],
    ['application/vnd.pypi.simple.v1+json;q=0, */*', 'html'],
    ['*/*, application/vnd.pypi.simple.v1+json', 'json'],
  ])('Accept %p -> %s', (accept, format) => {
    expect(negotiatePageFormat(accept)).toBe(format);
  });
});
