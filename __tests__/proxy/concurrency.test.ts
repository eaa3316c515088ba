// Fifty clients, one cold file: one upstream download, fifty correct copies, and the late
// clients read the file while it is still arriving (tailing), not after it finished.
import { download, fileUrlFromPage, listTree, request, type Stack, sha256, startStack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  // Each takes about half a second upstream, long enough to overlap. The small one is answered
  // once verified; the big one (over VERIFY_FIRST_MAX_BYTES) streams as it arrives.
  stack = await startStack(
    [
      { name: 'small', version: '1.0', payloadBytes: 3_000_000 },
      { name: 'big', version: '1.0', payloadBytes: 10_000_000 },
    ],
    { pypi: { bytesPerSecond: 20_000_000 } },
  );
});
afterAll(() => stack.stop());

function wheelNamed(name: string) {
  const wheel = stack.wheels.find((candidate) => candidate.name === name);
  if (!wheel) throw new Error(`fixture ${name}`);
  return wheel;
}

test.each(['small', 'big'])(
  '50 concurrent clients for one cold %s file make exactly one upstream download',
  async (name) => {
    const wheel = wheelNamed(name);
    const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
    stack.pypi.resetRequests();
    const bytesBefore = stack.proxy.stats().upstreamBytes;

    const results = await Promise.all(Array.from({ length: 50 }, () => download(url)));

    for (const result of results)
      expect(result).toEqual({ status: 200, bytes: wheel.size, sha256: wheel.sha256 });
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
  const first = request(url);
  await new Promise((resolve) => setTimeout(resolve, 150));
  const late = await new Promise<{ firstChunkAt: number; doneAt: number; body: Buffer }>(
    (resolve, reject) => {
      const started = Date.now();
      let firstChunkAt = -1;
      const chunks: Buffer[] = [];
      import('node:http').then(({ get }) => {
        get(url, (res) => {
          res.on('data', (chunk: Buffer) => {
            if (firstChunkAt < 0) firstChunkAt = Date.now() - started;
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ firstChunkAt, doneAt: Date.now() - started, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        }).on('error', reject);
      }, reject);
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
    const client = request(url);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const manifest = await stack.proxy.close();
    expect(sha256((await client).body)).toBe(wheel.sha256);
    expect(manifest.files).toEqual([wheel.sha256]);
    expect(await listTree(`${storeDir}/files`)).toEqual([
      `sha256/${wheel.sha256.slice(0, 2)}/${wheel.sha256}`,
    ]);
    expect(await listTree(`${storeDir}/tmp`)).toEqual([]);
  },
);
