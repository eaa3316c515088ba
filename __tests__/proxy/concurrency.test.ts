// Fifty clients, one cold file: one upstream download, fifty correct copies, and the late
// clients read the file while it is still arriving (tailing), not after it finished.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { fileUrlFromPage, listTree, request, type Stack, sha256, startStack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  // The small one (1 MB) is answered once verified; the big one (8.5 MB, over
  // VERIFY_FIRST_MAX_BYTES: 8 MiB) streams as it arrives, in about 0.4 s upstream.
  stack = await startStack(
    [
      { name: 'small', version: '1.0', payloadBytes: 1_000_000 },
      { name: 'big', version: '1.0', payloadBytes: 8_500_000 },
    ],
    { pypi: { bytesPerSecond: 20_000_000 } },
  );
});
afterAll(() => stack.stop());
afterEach(() => stack.pypi.clearFaults());

/**
 * The upstream sends the file's headers and then holds its body back `ms`: the download is under
 * way for that long whatever the file's size, so every client that comes meanwhile must join it
 * (at 20 MB/s alone, 50 clients took longer to arrive than a 1 MB file to download).
 */
function holdUpstreamBody(wheel: { filename: string }, ms: number): void {
  stack.pypi.injectFault({ path: wheel.filename, fault: 'slow', delayMs: ms, times: 1 });
}

/** Resolves once `condition` holds, looked at every 5 ms; fails naming `what` after 10 s. */
async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * One GET, compared byte for byte with `expected` as it streams: fifty copies checked this way
 * cost a fraction of hashing them.
 */
function downloadComparing(
  url: string,
  expected: Buffer,
): Promise<{ status: number; bytes: number; matches: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let bytes = 0;
        let matches = true;
        res.on('data', (chunk: Buffer) => {
          matches &&= chunk.equals(expected.subarray(bytes, bytes + chunk.length));
          bytes += chunk.length;
        });
        res.on('error', reject);
        res.on('end', () =>
          res.complete
            ? resolve({ status: res.statusCode ?? 0, bytes, matches: matches && bytes === expected.length })
            : reject(new Error('response cut off')),
        );
      })
      .on('error', reject);
  });
}

function wheelNamed(name: string) {
  const wheel = stack.wheels.find((candidate) => candidate.name === name);
  if (!wheel) throw new Error(`fixture ${name}`);
  return wheel;
}

test.each(['small', 'big'])(
  '50 concurrent clients for one cold %s file make exactly one upstream download',
  async (name) => {
    const wheel = wheelNamed(name);
    const expected = await readFile(wheel.path);
    const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
    stack.pypi.resetRequests();
    const bytesBefore = stack.proxy.stats().upstreamBytes;
    // The big file takes ~0.4 s upstream; the small one only 50 ms unless held back.
    if (name === 'small') holdUpstreamBody(wheel, 300);

    const results = await Promise.all(Array.from({ length: 50 }, () => downloadComparing(url, expected)));

    for (const result of results) expect(result).toEqual({ status: 200, bytes: wheel.size, matches: true });
    const counts = stack.pypi.counts();
    expect(counts.files).toBe(1);
    expect(counts.pages).toBe(0);
    expect(stack.proxy.stats().upstreamBytes - bytesBefore).toBe(wheel.size);
    expect(await listTree(`${stack.storeDir}/files`)).toContain(
      `sha256/${wheel.sha256.slice(0, 2)}/${wheel.sha256}`,
    );
  },
);

test('a client arriving mid-download of a big file gets bytes before the download ends', async () => {
  const wheel = wheelNamed('big');
  // Fresh proxy and store: the file is cold again.
  await stack.restartProxy({ storeDir: `${stack.dir}/store-tail` });
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  stack.pypi.resetRequests();
  const bytesBefore = stack.proxy.stats().upstreamBytes;
  const first = request(url);
  // Mid-download: the first bytes of the file are in, ~0.4 s of them still to come.
  await until('the download', () => stack.proxy.stats().upstreamBytes > bytesBefore);
  const late = await new Promise<{ firstChunkAt: number; doneAt: number; body: Buffer }>(
    (resolve, reject) => {
      const started = Date.now();
      let firstChunkAt = -1;
      const chunks: Buffer[] = [];
      http
        .get(url, (res) => {
          res.on('data', (chunk: Buffer) => {
            if (firstChunkAt < 0) firstChunkAt = Date.now() - started;
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ firstChunkAt, doneAt: Date.now() - started, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        })
        .on('error', reject);
    },
  );
  expect(sha256((await first).body)).toBe(wheel.sha256);
  expect(sha256(late.body)).toBe(wheel.sha256);
  // Tailing: the first bytes came well before the last ones.
  expect(late.doneAt - late.firstChunkAt).toBeGreaterThan(100);
  expect(stack.pypi.counts().files).toBe(1);
});

test.each(['small', 'big'])(
  'close() during a download of a %s file lets it finish: the client gets every byte and the store the file',
  async (name) => {
    const wheel = wheelNamed(name);
    const storeDir = `${stack.dir}/store-shutdown-${name}`;
    await stack.restartProxy({ storeDir });
    const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
    const stats = () => stack.proxy.stats();
    const { fetchedUpstream: fetchedBefore, upstreamBytes: bytesBefore } = stats();
    // close() comes while the download is under way: the small file (50 ms upstream) once the
    // upstream answered and holds its body back, the big one once part of its body is in.
    if (name === 'small') holdUpstreamBody(wheel, 300);
    const client = request(url);
    await until('the download', () =>
      name === 'small' ? stats().fetchedUpstream > fetchedBefore : stats().upstreamBytes > bytesBefore,
    );
    const manifest = await stack.proxy.close();
    expect(sha256((await client).body)).toBe(wheel.sha256);
    expect(manifest.files).toEqual([wheel.sha256]);
    expect(await listTree(`${storeDir}/files`)).toEqual([
      `sha256/${wheel.sha256.slice(0, 2)}/${wheel.sha256}`,
    ]);
    expect(await listTree(`${storeDir}/tmp`)).toEqual([]);
  },
);
