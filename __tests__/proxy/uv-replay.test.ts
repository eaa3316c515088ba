// uv's request pattern, replayed (uv cannot be installed here): its Accept header, PEP 658
// `.metadata` when the index offers it, and otherwise a HEAD plus Range reads of the wheel's
// zip central directory (crates/uv-client/src/remote_metadata.rs), each answer checked.
import { inflateRawSync } from 'node:zlib';
import { request, type Stack, sha256, startStack, UV_ACCEPT } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(
    [
      { name: 'with-meta', version: '1.0', dependencies: ['no-meta'] },
      { name: 'no-meta', version: '2.0', payloadBytes: 200_000, requiresPython: '>=3.9' },
    ],
    { pypi: { withMetadata: (wheel) => wheel.project !== 'no-meta' } },
  );
});
afterAll(() => stack.stop());

interface UvFile {
  filename: string;
  url: string;
  hashes: { sha256: string };
  'core-metadata'?: { sha256: string };
  size: number;
}

async function uvPage(project: string): Promise<{ files: UvFile[]; base: string }> {
  const url = `${stack.proxy.url}/simple/${project}/`;
  const res = await request(url, { headers: { accept: UV_ACCEPT, 'accept-encoding': 'gzip, br' } });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
  const { gunzipSync } = await import('node:zlib');
  const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body;
  return { files: JSON.parse(body.toString()).files, base: url };
}

/** Reads one entry out of a zip by its central directory, fetching only byte ranges. */
async function readZipEntryByRanges(url: string, size: number, suffix: string): Promise<Buffer> {
  const tailLength = Math.min(size, 16 * 1024);
  const tail = await request(url, { headers: { range: `bytes=${size - tailLength}-${size - 1}` } });
  expect(tail.status).toBe(206);
  expect(tail.body.length).toBe(tailLength);
  const eocd = tail.body.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThanOrEqual(0);
  const entries = tail.body.readUInt16LE(eocd + 10);
  const cdOffset = tail.body.readUInt32LE(eocd + 16);
  let at = cdOffset - (size - tailLength);
  for (let i = 0; i < entries; i++) {
    const method = tail.body.readUInt16LE(at + 10);
    const compressed = tail.body.readUInt32LE(at + 20);
    const nameLength = tail.body.readUInt16LE(at + 28);
    const skip = nameLength + tail.body.readUInt16LE(at + 30) + tail.body.readUInt16LE(at + 32);
    const localOffset = tail.body.readUInt32LE(at + 42);
    const name = tail.body.subarray(at + 46, at + 46 + nameLength).toString();
    if (name.endsWith(suffix)) {
      const span = 30 + nameLength + 1024 + compressed;
      const local = await request(url, { headers: { range: `bytes=${localOffset}-${localOffset + span}` } });
      expect(local.status).toBe(206);
      const dataStart = 30 + local.body.readUInt16LE(26) + local.body.readUInt16LE(28);
      const data = local.body.subarray(dataStart, dataStart + compressed);
      return method === 8 ? inflateRawSync(data) : data;
    }
    at += 46 + skip;
  }
  throw new Error(`${suffix} not in the zip`);
}

test('.metadata beside a wheel that advertises it (PEP 658)', async () => {
  const wheel = stack.wheels.find((w) => w.project === 'with-meta');
  if (!wheel) throw new Error('fixture');
  const { files, base } = await uvPage('with-meta');
  const [file] = files;
  expect(file?.['core-metadata']?.sha256).toBe(sha256(wheel.metadata));
  const res = await request(new URL(`${file?.url}.metadata`, base).toString());
  expect(res.status).toBe(200);
  expect(res.body.toString()).toBe(wheel.metadata);
  expect(sha256(res.body)).toBe(file?.['core-metadata']?.sha256);
  expect(res.headers['content-encoding']).toBeUndefined();
});

test('HEAD then Range reads on a cold wheel without metadata', async () => {
  const wheel = stack.wheels.find((w) => w.project === 'no-meta');
  if (!wheel) throw new Error('fixture');
  const { files, base } = await uvPage('no-meta');
  const [file] = files;
  if (!file) throw new Error('no file on the page');
  expect(file['core-metadata']).toBeUndefined();
  const url = new URL(file.url, base).toString();
  stack.pypi.resetRequests();

  const head = await request(url, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers['accept-ranges']).toBe('bytes');
  expect(head.headers['content-length']).toBe(String(wheel.size));
  expect(head.headers['content-encoding']).toBeUndefined();
  expect(head.body.length).toBe(0);

  const metadata = await readZipEntryByRanges(
    url,
    Number(head.headers['content-length']),
    '.dist-info/METADATA',
  );
  expect(metadata.toString()).toBe(wheel.metadata);
  expect(metadata.toString()).toContain('Requires-Python: >=3.9');

  // The proxy fetched the whole wheel once (the store warms) and passed no Range upstream.
  expect(stack.pypi.counts().files).toBe(1);
  expect(stack.pypi.requests.every((r) => r.headers.range === undefined)).toBe(true);
  // Then uv downloads the wheel to install it: from the store, verified.
  const whole = await request(url);
  expect(sha256(whole.body)).toBe(file.hashes.sha256);
  expect(stack.pypi.counts().files).toBe(1);
});
