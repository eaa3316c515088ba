import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as cache from '@actions/cache';
// @azure/storage-blob is what @actions/cache uploads with (it is its dependency, hoisted). Driving it
// directly reaches the block-upload and ranged-download paths that @actions/cache only takes for
// archives over 128 MiB or for *.blob.core.windows.net hosts.
import { BlockBlobClient } from '@azure/storage-blob';
import { FakeCacheService } from './fake-cache-service.js';
import { routeHostsToLoopback } from './loopback-dns.js';

let service: FakeCacheService;
let work: string;
let stdout: string[];
const undo: (() => void)[] = [];

beforeEach(async () => {
  service = new FakeCacheService({ slowDelayMs: 200 });
  await service.start();
  work = await mkdtemp(join(tmpdir(), 'fake-cache-test-'));
  await mkdir(join(work, 'runner-temp'));
  // @actions/cache reads these at call time: tar runs in GITHUB_WORKSPACE, archives go to RUNNER_TEMP.
  undo.push(setEnv({ ...service.env(), GITHUB_WORKSPACE: work, RUNNER_TEMP: join(work, 'runner-temp') }));
  stdout = [];
  undo.push(captureStdout(stdout));
});

afterEach(async () => {
  for (const step of undo.splice(0).reverse()) step();
  await service.stop();
  await rm(work, { recursive: true, force: true });
});

test('save then restore into an emptied folder gives identical bytes and the exact key', async () => {
  const dir = join(work, 'data');
  const files = { 'a.txt': 'alpha\n', 'nested/deep/b.bin': randomBytes(70_000), empty: '' };
  await writeTree(dir, files);

  const id = await cache.saveCache([dir], 'pip-linux-abc');
  expect(id).toBeGreaterThan(0);
  expect(service.entries()).toEqual([expect.objectContaining({ key: 'pip-linux-abc', finalized: true })]);

  await rm(dir, { recursive: true });
  expect(await cache.restoreCache([dir], 'pip-linux-abc')).toBe('pip-linux-abc');
  expect(await readTree(dir)).toEqual(await treeOf(files));
  expect(service.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
    'POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry 200',
    'PUT /blob/cache/1 201',
    'POST /twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload 200',
    'POST /twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL 200',
    'GET /blob/cache/1 200',
  ]);
});

test('a restore-key prefix picks the newest matching entry; an exact key wins over newer prefixes', async () => {
  const dir = join(work, 'data');
  for (const key of ['deps-linux', 'deps-linux-2', 'deps-linux-3']) {
    await writeTree(dir, { 'which.txt': key });
    await cache.saveCache([dir], key);
    await rm(dir, { recursive: true });
  }
  expect(await cache.restoreCache([dir], 'deps-linux-9', ['nope-', 'deps-linux-'])).toBe('deps-linux-3');
  expect(await readFile(join(dir, 'which.txt'), 'utf8')).toBe('deps-linux-3');
  expect(await cache.restoreCache([dir], 'deps-linux')).toBe('deps-linux');
  expect(await cache.restoreCache([dir], 'deps-linux-')).toBe('deps-linux-3');
  expect(await cache.restoreCache([dir], 'other', ['deps-linux-2', 'deps-'])).toBe('deps-linux-2');
});

test('a different paths list is a different version and does not match', async () => {
  const dir = join(work, 'data');
  await writeTree(dir, { 'x.txt': 'x' });
  await cache.saveCache([dir], 'versioned');
  expect(await cache.restoreCache([dir, join(work, 'other')], 'versioned', ['ver'])).toBeUndefined();
  expect(await cache.restoreCache([dir], 'versioned')).toBe('versioned');
});

test('a second save of the same key does not throw and keeps the first entry', async () => {
  const dir = join(work, 'data');
  await writeTree(dir, { 'v.txt': 'first' });
  await cache.saveCache([dir], 'once');
  await writeTree(dir, { 'v.txt': 'second' });
  expect(await cache.saveCache([dir], 'once')).toBe(-1);
  expect(stdout.join('')).toContain('Unable to reserve cache with key once');
  expect(service.calls.filter((c) => c.status === 409)).toHaveLength(1);
  expect(service.entries()).toHaveLength(1);

  await rm(dir, { recursive: true });
  await cache.restoreCache([dir], 'once');
  expect(await readFile(join(dir, 'v.txt'), 'utf8')).toBe('first');
});

test('a 10 MiB cache round-trips through the Azure SDK download path (HEAD, then 4 MiB ranges)', async () => {
  // Signed URLs on *.blob.core.windows.net make @actions/cache download as on a hosted runner.
  await service.stop();
  service = new FakeCacheService({ blobHost: 'fakecache.blob.core.windows.net' });
  await service.start();
  undo.push(setEnv(service.env()), routeHostsToLoopback(/\.blob\.core\.windows\.net$/));
  const dir = join(work, 'big');
  // Random bytes do not compress: the archive is a little over 10 MiB, three 4 MiB ranges.
  const content = randomBytes(10 * 1024 * 1024);
  await writeTree(dir, { 'blob.bin': content });
  expect(await cache.saveCache([dir], 'big')).toBeGreaterThan(0);
  await rm(dir, { recursive: true });
  expect(await cache.restoreCache([dir], 'big')).toBe('big');
  expect(sha256(await readFile(join(dir, 'blob.bin')))).toBe(sha256(content));
  expect(service.entries()[0].size).toBeGreaterThan(10 * 1024 * 1024);
  // One PUT: @actions/cache stages blocks only above 128 MiB (maxSingleShotSize).
  const calls = service.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
  expect(calls.filter((c) => c.startsWith('PUT'))).toEqual(['PUT /blob/cache/1 201']);
  expect(calls).toContain('HEAD /blob/cache/1 200');
  expect(calls.filter((c) => c === 'GET /blob/cache/1 206')).toHaveLength(3);
});

// Opt-in (FAKE_CACHE_HUGE=1): ~700 MB of temp files. Over 128 MiB, @actions/cache uploads 64 MiB blocks.
(process.env.FAKE_CACHE_HUGE ? test : test.skip)('a 150 MiB cache is uploaded in blocks', async () => {
  const dir = join(work, 'huge');
  const content = randomBytes(150 * 1024 * 1024);
  await writeTree(dir, { 'blob.bin': content });
  expect(await cache.saveCache([dir], 'huge')).toBeGreaterThan(0);
  await rm(dir, { recursive: true });
  expect(await cache.restoreCache([dir], 'huge')).toBe('huge');
  expect(sha256(await readFile(join(dir, 'blob.bin')))).toBe(sha256(content));
  const paths = service.calls.map((c) => `${c.method} ${c.path} ${c.status}`);
  expect(paths.filter((p) => p === 'PUT /blob/cache/1?comp=block 201')).toHaveLength(3);
  expect(paths).toContain('PUT /blob/cache/1?comp=blocklist 201');
});

test('the Azure SDK stages blocks, commits the list, and downloads in ranges', async () => {
  const file = join(work, 'archive.bin');
  const content = randomBytes(5 * 1024 * 1024 + 123);
  await writeFile(file, content);
  const created = await twirp('CreateCacheEntry', { key: 'sdk', version: 'v1' });
  await new BlockBlobClient(created.signed_upload_url as string).uploadFile(file, {
    blockSize: 1024 * 1024,
    maxSingleShotSize: 1024 * 1024,
    concurrency: 4,
  });
  await twirp('FinalizeCacheEntryUpload', { key: 'sdk', version: 'v1', size_bytes: String(content.length) });
  const found = await twirp('GetCacheEntryDownloadURL', { key: 'sdk', restore_keys: [], version: 'v1' });

  const downloaded = await new BlockBlobClient(found.signed_download_url as string).downloadToBuffer(
    0,
    undefined,
    {
      blockSize: 1024 * 1024,
      concurrency: 3,
    },
  );
  expect(sha256(downloaded)).toBe(sha256(content));
  const paths = service.calls.map((c) => `${c.method} ${c.path}`);
  expect(paths.filter((p) => p === 'PUT /blob/cache/1?comp=block')).toHaveLength(6);
  expect(paths).toContain('PUT /blob/cache/1?comp=blocklist');
  expect(paths).toContain('HEAD /blob/cache/1');
  expect(service.calls.filter((c) => c.method === 'GET' && c.status === 206)).toHaveLength(6);
});

test('a blob URL with a wrong signature is refused', async () => {
  const created = await twirp('CreateCacheEntry', { key: 'k', version: 'v' });
  const forged = (created.signed_upload_url as string).replace(/sig=\w+/, 'sig=forged');
  const res = await fetch(forged, { method: 'PUT', body: 'x', headers: { 'x-ms-blob-type': 'BlockBlob' } });
  expect(res.status).toBe(403);
});

test('slow mode delays every answer but still works', async () => {
  const dir = join(work, 'data');
  await writeTree(dir, { 'x.txt': 'x' });
  await cache.saveCache([dir], 'slow');
  service.setMode('slow');
  const started = Date.now();
  expect(await cache.restoreCache([dir], 'slow')).toBe('slow');
  expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 200);
});

describe.each([
  ['down (connections reset)', () => service.setMode('down')],
  ['down (port closed)', async () => undo.push(setEnv(await service.closedPortEnv()))],
])('service %s', (_name, breakService) => {
  test('restore gives undefined and save does not throw, at once', async () => {
    const dir = join(work, 'data');
    await writeTree(dir, { 'x.txt': 'x' });
    await breakService();
    const started = Date.now();
    expect(await cache.restoreCache([dir], 'k', ['k-'])).toBeUndefined();
    expect(await cache.saveCache([dir], 'k')).toBe(-1);
    // NetworkError (ECONNRESET, ECONNREFUSED) is not retried by the Twirp client.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stdout.join('')).toMatch(/::warning::Failed to restore: .*(ECONNRESET|ECONNREFUSED)/);
    expect(service.entries()).toEqual([]);
  });
});

test('error-500: restore gives undefined and save does not throw, after the retries', async () => {
  const dir = join(work, 'data');
  await writeTree(dir, { 'x.txt': 'x' });
  service.setMode('error-500');
  undo.push(shortenTwirpRetrySleeps());
  expect(await cache.restoreCache([dir], 'k')).toBeUndefined();
  expect(await cache.saveCache([dir], 'k')).toBe(-1);
  // Five attempts each: 500 is retryable for the Twirp client.
  expect(service.calls.filter((c) => c.status === 500)).toHaveLength(10);
  expect(stdout.join('')).toContain('::warning::Failed to restore: Failed to GetCacheEntryDownloadURL');
});

/**
 * The Twirp client sleeps 3 s, 4.5-6.75 s, 6.75-10.1 s and 10.1-15.2 s between its five attempts,
 * with no env knob. Shorten sleeps of 2 s or more once a Twirp call has been seen (tar, which runs
 * before, keeps its own timers intact).
 */
function shortenTwirpRetrySleeps(): () => void {
  const real = globalThis.setTimeout;
  const shortened = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const retrying = (ms ?? 0) >= 2000 && service.calls.some((c) => c.path.startsWith('/twirp/'));
    return real(() => fn(...args), retrying ? 1 : ms);
  };
  globalThis.setTimeout = shortened as unknown as typeof setTimeout;
  return () => {
    globalThis.setTimeout = real;
  };
}

async function twirp(method: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${service.url}/twirp/github.actions.results.api.v1.CacheService/${method}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${service.env().ACTIONS_RUNTIME_TOKEN}`,
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.keys(vars).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** @actions/core logs (and issues ::warning::) through process.stdout.write. */
function captureStdout(into: string[]): () => void {
  const real = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    into.push(chunk.toString());
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = real;
  };
}

type Tree = Record<string, string | Buffer>;

async function writeTree(root: string, files: Tree): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

async function readTree(root: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    tree[relative(root, path)] = sha256(await readFile(path));
  }
  return tree;
}

async function treeOf(files: Tree): Promise<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => [name, sha256(Buffer.from(content))]),
  );
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
