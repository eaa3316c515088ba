// A big wheel streams through without being buffered: the process grows by far less than the
// file while two clients download it cold (one upstream download) and then warm.
import { download, fileUrlFromPage, type Stack, startStack } from './harness.js';

// Above the daemon's whole --memory-budget (96 MiB): no buffer of its could hold the file.
const SIZE = 128 * 1024 * 1024;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack([{ name: 'huge', version: '1.0', payloadBytes: SIZE }]);
}, 60_000);
afterAll(() => stack.stop());

test('128 MiB: two cold clients and one warm one, memory stays far below the file size', async () => {
  const [wheel] = stack.wheels;
  if (!wheel) throw new Error('fixture');
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const cold = await Promise.all([download(url), download(url)]);
    const warm = await download(url);
    for (const result of [...cold, warm]) {
      expect(result).toEqual({ status: 200, sha256: wheel.sha256, bytes: wheel.size });
    }
  } finally {
    clearInterval(sampler);
  }
  expect(stack.pypi.counts().files).toBe(1);
  // ~40 MiB here, and as much for a 48 MiB file (buffers and sockets of three downloads, heap
  // growth, memory the allocator keeps): what RSS can tell apart is that overhead from the file
  // itself, so the file stays at 128 MiB. A proxy that held it would grow by all of it.
  expect(peak - baseline).toBeLessThan(SIZE / 2);
});
