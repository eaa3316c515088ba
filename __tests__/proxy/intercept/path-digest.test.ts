import { Blake2b256, pathDigestOf } from '../../../src/proxy/intercept/path-digest.js';

describe('pathDigestOf', () => {
  it('reads the blake2b-256 digest from a PyPI file path', () => {
    const digest = `ab${'cd'}${'e'.repeat(60)}`;
    expect(pathDigestOf(`/packages/ab/cd/${'e'.repeat(60)}/pkg-1.0-py3-none-any.whl`)).toBe(digest);
  });

  it('names no digest for any other shape (so the file needs the lockfile or the page)', () => {
    for (const path of [
      '/packages/py3/p/pkg/pkg-1.0-py3-none-any.whl', // the legacy /packages/<pyver>/<letter>/ layout
      `/packages/ab/cd/${'e'.repeat(59)}/pkg.whl`,
      `/packages/ab/cd/${'E'.repeat(60)}/pkg.whl`,
      `/packages/ab/cd/${'e'.repeat(60)}/sub/pkg.whl`,
      `/other/ab/cd/${'e'.repeat(60)}/pkg.whl`,
    ]) {
      expect(pathDigestOf(path)).toBeUndefined();
    }
  });
});

describe('Blake2b256', () => {
  it('is blake2b with a 32-byte digest (RFC 7693 parameters), not a truncated blake2b-512', () => {
    // Known answers: blake2b-256 of "" and of "abc".
    expect(new Blake2b256().hex()).toBe('0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
    expect(new Blake2b256().update(Buffer.from('abc')).hex()).toBe(
      'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319',
    );
  });

  it('gives the same digest chunk by chunk as at once, and another for other bytes', () => {
    const data = Buffer.from('a wheel, more or less'.repeat(1000));
    const whole = new Blake2b256().update(data).hex();
    const chunked = new Blake2b256().update(data.subarray(0, 777)).update(data.subarray(777)).hex();
    expect(chunked).toBe(whole);
    const tampered = Buffer.from(data);
    tampered[5000] ^= 1;
    expect(new Blake2b256().update(tampered).hex()).not.toBe(whole);
  });
});
