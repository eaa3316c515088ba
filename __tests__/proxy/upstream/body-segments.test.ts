// Page bodies are read into segments of their own (src/proxy/upstream/body-segments.ts), so that
// the daemon can hand a large page to its parser thread without a copy.
import { MessageChannel } from 'node:worker_threads';
import { BodySegments } from '../../../src/proxy/upstream/body-segments.js';

function bytesOf(n: number, seed: number): Buffer {
  // A typed array filled in place: Array.from over MiBs of numbers cost this file seconds of CPU.
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return Buffer.from(bytes.buffer, 0, n);
}

test.each([
  ['empty', []],
  ['one small chunk', [10]],
  ['exactly one first segment', [64 * 1024]],
  ['chunks across segment boundaries', [65_000, 1000, 70_000, 3]],
  ['several MiB in socket-sized chunks', Array.from({ length: 80 }, () => 65_536)],
  ['one chunk larger than any segment', [3 * 1024 * 1024 + 5]],
])('%s: the whole body is the bytes appended, in order', (_case, sizes) => {
  const chunks = sizes.map((n, i) => bytesOf(n, i));
  const body = new BodySegments();
  for (const chunk of chunks) body.append(chunk);
  const expected = Buffer.concat(chunks);
  expect(body.length).toBe(expected.length);
  expect(body.whole().equals(expected)).toBe(true);
  expect(Buffer.concat(body.segments()).equals(expected)).toBe(true);
});

test('the segments are buffers of their own: transferable, and a caller reusing its chunk changes nothing', () => {
  const chunk = bytesOf(300 * 1024, 7);
  const expected = Buffer.from(chunk);
  const body = new BodySegments();
  body.append(chunk);
  chunk.fill(0); // a socket's buffer, reused for the next read
  body.append(bytesOf(10, 1));
  const segments = body.handOver();
  const buffers = segments.map((segment) => segment.buffer as ArrayBuffer);
  expect(new Set(buffers).size).toBe(buffers.length);
  expect(Buffer.concat(segments).subarray(0, expected.length).equals(expected)).toBe(true);
  // A pooled or shared buffer would take others' bytes along; these move alone.
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(segments, buffers);
  expect(buffers.every((buffer) => buffer.byteLength === 0)).toBe(true);
  port1.close();
  port2.close();
  expect(() => body.whole()).toThrow(/handing its segments over/);
  expect(() => body.append(Buffer.from('x'))).toThrow(/handing its segments over/);
});
