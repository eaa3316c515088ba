// The daemon's bundle loads what only some runs need on demand. The interception code (the job
// CA's certificates among it) only under interception: an index-mode start parses none of it
// (issue 10). hash-wasm (270 KB) only for the first file checked by the blake2b digest in its
// path. Reads dist/, the committed bundle.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chunksWithModule, DIST, distBuilt, loadableChunks, staticClosure } from '../support/dist-chunks.js';

const built = distBuilt('proxy.js') ? test : test.skip;

built.each([
  ['the job CA and its certificates', 'src/proxy/intercept/x509/certificate.ts'],
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
