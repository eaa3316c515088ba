import { OriginMap, OriginMapError } from '../../../src/proxy/intercept/origin-map.js';

describe('OriginMap', () => {
  it('leaves URLs and tunnels alone in a job (no test mapping)', () => {
    const map = new OriginMap();
    expect(map.mapUrl(new URL('https://files.pythonhosted.org/packages/a/b.whl')).href).toBe(
      'https://files.pythonhosted.org/packages/a/b.whl',
    );
    expect(map.tunnelTarget('github.com', 443)).toEqual({ host: 'github.com', port: 443 });
  });

  it('sends mapped hosts to their loopback stand-in, path and query kept', () => {
    const map = new OriginMap({ 'files.pythonhosted.org': 'http://127.0.0.1:4321' });
    expect(map.mapUrl(new URL('https://files.pythonhosted.org/packages/a/b.whl?x=1')).href).toBe(
      'http://127.0.0.1:4321/packages/a/b.whl?x=1',
    );
    expect(map.tunnelTarget('FILES.pythonhosted.org', 443)).toEqual({ host: '127.0.0.1', port: 4321 });
  });

  it('fails closed under a test mapping: unmapped real hosts are refused, loopback literals pass', () => {
    const map = new OriginMap({ 'pypi.org': 'http://127.0.0.1:4321' });
    expect(() => map.mapUrl(new URL('https://files.pythonhosted.org/packages/a/b.whl'))).toThrow(
      OriginMapError,
    );
    expect(() => map.tunnelTarget('example.com', 443)).toThrow(/neither mapped nor loopback/);
    // A name that resolves to loopback is still a name: refused, nothing is looked up.
    expect(() => map.tunnelTarget('localhost', 443)).toThrow(OriginMapError);
    expect(() => map.tunnelTarget('127.0.0.1.evil.example', 443)).toThrow(OriginMapError);
    expect(map.tunnelTarget('127.0.0.1', 8443)).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(map.tunnelTarget('[::1]', 8443)).toEqual({ host: '::1', port: 8443 });
    expect(map.mapUrl(new URL('http://127.0.0.1:9/x')).href).toBe('http://127.0.0.1:9/x');
  });

  it('refuses a test mapping whose target is not a loopback origin', () => {
    for (const origin of [
      'https://pypi.org',
      'http://localhost:1',
      'http://10.0.0.1:1',
      'http://127.0.0.1:1/simple/',
    ]) {
      expect(() => new OriginMap({ 'pypi.org': origin })).toThrow(/not a loopback origin/);
    }
  });
});
