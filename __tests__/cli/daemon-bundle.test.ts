// The daemon's bundle loads what only some runs need on demand. The certificate libraries
// (@peculiar/x509 and its ASN.1 schemas, most of its code) only under interception: an
// index-mode start parses none of them (issue 10; ~0.34 s of CPU per start before, ~0.22 s after,
// measured with /usr/bin/time). hash-wasm (270 KB) only for the first file checked by the
// blake2b digest in its path. Reads dist/, the committed bundle.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chunksWithModule, DIST, distBuilt, loadableChunks, staticClosure } from '../support/dist-chunks.js';

const built = distBuilt('proxy.js') ? test : test.skip;

built.each([
  ['the certificate libraries', 'node_modules/@peculiar/x509/'],
  ['hash-wasm', 'node_modules/hash-wasm/'],
])('dist/proxy.js holds %s only in a chunk it imports on demand', (_name, module) => {
  expect(chunksWithModule(staticClosure('proxy.js'), module)).toEqual([]);
  expect(chunksWithModule(loadableChunks('proxy.js'), module)).not.toEqual([]);
});

built("the bundle's blake2b-256, hash-wasm imported on demand, hashes as BLAKE2b-256 does", () => {
  const [chunk] = chunksWithModule(staticClosure('proxy.js'), 'src/proxy/intercept/path-digest.ts');
  expect(chunk).toBeDefined();
  // In a process of its own: the bundle as Node runs it, not as jest's module registry would.
  const script = `
    const chunk = await import(${JSON.stringify(join(DIST, chunk as string))});
    const Blake2b256 = Object.values(chunk).find((value) => value?.name === 'Blake2b256');
    console.log((await Blake2b256.create()).update(new TextEncoder().encode('abc')).hex());`;
  const digest = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  // RFC 7693's BLAKE2b test vector is for 512 bits; this is blake2b-256 of "abc" (Python's hashlib).
  expect(digest.trim()).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
});
