// A file body has a hard bound and is taken as sent (issue 9, case 2): the index's PEP 691 size
// when the page gives one, else --max-file-size; a body past it is cut off and never stored. A
// body with a Content-Encoding is refused with a 502 naming the file, never decoded (a file's
// sha256 is over its bytes as sent, and a small gzip body can inflate to any size).
import { readdir } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { fileUrlFromPage, listTree, request, type Stack, sha256, startStack } from './harness.js';

const MAX_FILE_BYTES = 1024 * 1024;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack(
    [
      { name: 'endless-sized', version: '1.0', payloadBytes: 100_000 },
      { name: 'endless-unsized', version: '1.0', payloadBytes: 100_000 },
      { name: 'gzipped', version: '1.0', payloadBytes: 300_000 },
      { name: 'longer', version: '1.0', payloadBytes: 100_000 },
    ],
    { proxy: { maxFileBytes: MAX_FILE_BYTES, upstreamTimeoutMs: 2_000 } },
  );
}, 60_000);
afterAll(() => stack.stop());
afterEach(() => stack.pypi.clearFaults());

function wheel(name: string) {
  const found = stack.wheels.find((w) => w.name === name);
  if (!found) throw new Error(`fixture ${name}`);
  return found;
}

/** Reads at most `cap` body bytes: 'unbounded' when the proxy would have sent more. */
function boundedGet(url: string, cap: number): Promise<{ status: number; bytes: number; end: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > cap) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, bytes, end: 'unbounded' });
        }
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, end: res.complete ? 'complete' : 'cut-off' }),
      );
      res.on('error', () => resolve({ status: res.statusCode ?? 0, bytes, end: 'cut-off' }));
    });
    req.on('error', () => resolve({ status: 0, bytes: 0, end: 'cut-off' }));
  });
}

async function storedHashes(): Promise<string[]> {
  return (await listTree(join(stack.storeDir, 'files'))).map((path) => path.split('/').pop() ?? '');
}

/** Nothing from the bad answer was stored; the next clean request stores the right file. */
async function expectRecovered(file: ReturnType<typeof wheel>, url: string): Promise<void> {
  expect(await storedHashes()).not.toContain(file.sha256);
  expect(await readdir(join(stack.storeDir, 'tmp'))).toEqual([]);
  stack.pypi.clearFaults();
  const clean = await request(url);
  expect(clean.status).toBe(200);
  expect(sha256(clean.body)).toBe(file.sha256);
  expect(await storedHashes()).toContain(file.sha256);
}

test('an endless body of a file whose index gives a size stops at that size: an error, not stored', async () => {
  const file = wheel('endless-sized');
  const url = await fileUrlFromPage(stack.proxy.url, file.project, file.filename);
  stack.pypi.injectFault({ path: file.filename, fault: 'endless-body' });
  const answer = await boundedGet(url, 8 * MAX_FILE_BYTES);
  expect(answer.end === 'cut-off' || answer.status >= 500).toBe(true);
  await expectRecovered(file, url);
});

test('an endless body of a file the index gives no size for is cut off at --max-file-size', async () => {
  const file = wheel('endless-unsized');
  // An HTML page (as private indexes serve) carries no size: only the flag bounds the body.
  const html = await request(`${stack.pypi.indexUrl}${file.project}/`, { headers: { accept: 'text/html' } });
  stack.pypi.setRawPage(file.project, 'text/html', html.body);
  const url = await fileUrlFromPage(stack.proxy.url, file.project, file.filename);
  stack.pypi.injectFault({ path: file.filename, fault: 'endless-body' });
  const upstreamBefore = stack.proxy.stats().upstreamBytes;

  const answer = await boundedGet(url, 8 * MAX_FILE_BYTES);
  expect(answer.end).toBe('cut-off');
  expect(answer.bytes).toBeLessThanOrEqual(MAX_FILE_BYTES);
  // One attempt, stopped at the bound: a bigger cap would only be tried again in vain.
  expect(stack.proxy.stats().upstreamBytes - upstreamBefore).toBeLessThanOrEqual(MAX_FILE_BYTES + 256 * 1024);
  await expectRecovered(file, url);
});

test('a gzip-encoded file body is refused with a 502 naming the file, not decoded, not stored', async () => {
  const file = wheel('gzipped');
  const url = await fileUrlFromPage(stack.proxy.url, file.project, file.filename);
  stack.pypi.injectFault({ path: file.filename, fault: 'gzip-encoded' });
  const answer = await request(url);
  expect(answer.status).toBe(502);
  expect(answer.body.toString()).toContain(file.filename);
  expect(answer.body.toString()).toMatch(/Content-Encoding gzip/);
  await expectRecovered(file, url);
});

test('a body longer than the size the index states is an error, never stored', async () => {
  const file = wheel('longer');
  const url = await fileUrlFromPage(stack.proxy.url, file.project, file.filename);
  stack.pypi.injectFault({ path: file.filename, fault: 'longer-than-stated' });
  const answer = await boundedGet(url, 8 * MAX_FILE_BYTES);
  expect(answer.end === 'cut-off' || answer.status >= 500).toBe(true);
  expect(answer.end).not.toBe('unbounded');
  await expectRecovered(file, url);
});
