import { blake2b } from '@noble/hashes/blake2.js';
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

/** A few MiB with no period a chunking bug could hide behind. */
function pattern(length: number): Buffer {
  // (i * 7 + floor(i / 251)) mod 256, with the quotient counted instead of divided: the same
  // bytes in a tenth of the time (3 MiB of Math.floor cost this file a second of CPU).
  const data = new Uint8Array(length);
  for (let i = 0, quotient = 0, rest = 0; i < length; i++) {
    data[i] = (i * 7 + quotient) & 0xff;
    if (++rest === 251) {
      rest = 0;
      quotient++;
    }
  }
  return Buffer.from(data.buffer, 0, length);
}

async function digestOf(...chunks: Uint8Array[]): Promise<string> {
  const hasher = await Blake2b256.create();
  for (const chunk of chunks) hasher.update(chunk);
  return hasher.hex();
}

describe('Blake2b256', () => {
  it('is blake2b with a 32-byte digest (RFC 7693 parameters), not a truncated blake2b-512', async () => {
    // Known answers, from python3's hashlib.blake2b(data, digest_size=32), what Warehouse uses.
    expect(await digestOf()).toBe('0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8');
    expect(await digestOf(Buffer.from('abc'))).toBe(
      'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319',
    );
    const blocks = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await digestOf(Buffer.concat([blocks, blocks, blocks, blocks, Buffer.from('x')]))).toBe(
      'c374b2f6691d48b7aab5f898227b4bbe2bee9f885d1140fbe15ecb3ab5d01b8f',
    );
  });

  it("gives python's digest for 3 MiB fed in uneven chunks, as a download arrives", async () => {
    const data = pattern(3 * 2 ** 20 + 17);
    const expected = 'd82c4793ead9848c976d0df62b7067446cd9de39e8132cce06af61ad9654eb7d';
    expect(await digestOf(data)).toBe(expected);
    const chunks: Buffer[] = [];
    // Sizes around the 128-byte block and the WebAssembly buffer, and one byte at a time.
    const sizes = [1, 127, 128, 129, 1, 65_535, 65_536, 65_537, 16_384, 1_000_003];
    for (let at = 0, i = 0; at < data.length; i++) {
      const size = sizes[i % sizes.length] as number;
      chunks.push(data.subarray(at, at + size));
      at += size;
    }
    expect(await digestOf(...chunks)).toBe(expected);
  });

  it('agrees with @noble/hashes (another implementation) and tells one changed bit', async () => {
    const data = pattern(200_001);
    const noble = Buffer.from(blake2b(data, { dkLen: 32 })).toString('hex');
    expect(await digestOf(data.subarray(0, 777), data.subarray(777))).toBe(noble);
    const tampered = Buffer.from(data);
    tampered[5000] = (tampered[5000] as number) ^ 1;
    expect(await digestOf(tampered)).not.toBe(noble);
  });

  it('keeps hashers apart: two downloads hashed at once do not mix their states', async () => {
    const [one, two] = [await Blake2b256.create(), await Blake2b256.create()];
    one.update(Buffer.from('a'));
    two.update(Buffer.from('ab'));
    one.update(Buffer.from('bc'));
    two.update(Buffer.from('c'));
    expect(one.hex()).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
    expect(two.hex()).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
  });
});
