// The store on a nearly full file system (issue 9, case 1), for real: the store is a small tmpfs
// whose free space is set a page short of a file's size, so the kernel answers with a short
// write and then ENOSPC. What a user checks: the client gets the right bytes (or a clear error)
// and never hangs, files/sha256/ never holds a file whose sha256 differs from its name, the
// manifest lists only what is stored, and once space is freed the file is fetched and stored.
// A file larger than what a download may hold in memory still reaches its client: memory keeps
// only what the reader has not read, and the upstream waits for a slow reader.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { MAX_UNSTORED_BYTES } from '../../src/proxy/files/download-bytes.js';
import { type Download, DownloadCoordinator } from '../../src/proxy/files/downloads.js';
import { type RunningProxy, startProxy } from '../../src/proxy/index.js';
import { ContentStore } from '../../src/proxy/store/store.js';
import { UpstreamClient } from '../../src/proxy/upstream/upstream.js';
import { parseUpstreams } from '../../src/proxy/upstream/upstream-config.js';
import { FakePypi } from '../support/fake-pypi.js';
import { createVenv, installedPackages, isolatedPipEnv, pipInstall } from '../support/pip.js';
import { oneFilePageShort, Tmpfs, tmpfsUnavailable } from '../support/tmpfs.js';
import { type BuiltWheel, buildWheels } from '../support/wheels.js';
import { fileUrlFromPage, listTree, removeDir, tempDir } from './harness.js';

const unavailable = tmpfsUnavailable();
if (unavailable) {
  process.stderr.write(`disk-full tests skipped: cannot mount a tmpfs here (${unavailable})\n`);
}
const describeOnTmpfs = unavailable ? describe.skip : describe;

// A client that gives up instead of hanging: 'hung' is a failure the tests name.
const CLIENT_PATIENCE_MS = 20_000;

// Bodies are hashed as they stream, not held: the large and huge files would cost a copy each.
// `text` keeps the body of a page.
type Outcome =
  | { kind: 'ok'; status: number; sha256: string; text: string }
  | { kind: 'cut-off' }
  | { kind: 'hung' };

function get(url: string, { text = false } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        if (text) chunks.push(chunk);
      });
      res.on('error', () => resolve({ kind: 'cut-off' }));
      res.on('end', () =>
        resolve(
          res.complete
            ? {
                kind: 'ok',
                status: res.statusCode ?? 0,
                sha256: hash.digest('hex'),
                text: Buffer.concat(chunks).toString(),
              }
            : { kind: 'cut-off' },
        ),
      );
    });
    req.setTimeout(CLIENT_PATIENCE_MS, () => {
      req.destroy();
      resolve({ kind: 'hung' });
    });
    req.on('error', () => resolve({ kind: 'cut-off' }));
  });
}

/** The sha256 of what a stream gives, and how many bytes. */
async function digestOf(stream: AsyncIterable<Buffer>, hash = createHash('sha256')) {
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

describeOnTmpfs('a store on a nearly full disk', () => {
  let dir: string;
  let storeDir: string;
  let unitStoreDir: string;
  let tmpfs: Tmpfs;
  let pypi: FakePypi;
  let proxy: RunningProxy;
  let wheels: BuiltWheel[];
  const warnings: string[] = [];

  const wheel = (name: string) => {
    const found = wheels.find((w) => w.name === name);
    if (!found) throw new Error(`fixture ${name}`);
    return found;
  };

  beforeAll(async () => {
    dir = await tempDir('disk-full');
    wheels = await buildWheels(join(dir, 'wheels'), [
      // Answered only once verified (under 8 MiB).
      { name: 'small', version: '1.0', payloadBytes: 1_000_000 },
      // Streamed to the client while it downloads: over 8 MiB (8.6 MiB).
      { name: 'large', version: '1.0', payloadBytes: 9_000_000 },
      // Larger than what a download may hold in memory once the store gave up (16 MiB). A reader
      // stopped at 1 MB holds the upstream back at ~18.2 MB written: 20 MB leaves it 1.8 MB short.
      { name: 'huge', version: '1.0', payloadBytes: 20_000_000 },
      { name: 'unstored-page', version: '1.0' },
    ]);
    pypi = new FakePypi({ wheels });
    await pypi.start();
    const mountPoint = join(dir, 'mnt');
    await mkdir(mountPoint);
    tmpfs = Tmpfs.mount(mountPoint, 64 * 1024 * 1024);
    storeDir = join(mountPoint, 'store');
    await mkdir(storeDir);
    // A second store on the same full disk, for the download machinery on its own.
    unitStoreDir = join(mountPoint, 'unit-store');
    proxy = await startProxy({
      storeDir,
      upstreams: [pypi.indexUrl],
      retryBackoffMs: 10,
      upstreamTimeoutMs: 2_000,
      onWarning: (message) => warnings.push(message),
    });
  }, 60_000);

  afterAll(async () => {
    // The mount goes whatever else fails, or it outlives the test run.
    try {
      await proxy?.close();
      await pypi?.stop();
    } finally {
      await tmpfs?.unmount();
      if (dir) await removeDir(dir);
    }
  });

  // Each test starts with room, so that one test's full disk never explains another's failure.
  beforeEach(() => tmpfs.setFreeBytes(64 * 1024 * 1024));

  /** Every stored file's bytes hash to its name: nothing unverified was committed. */
  async function expectOnlyVerifiedFiles(): Promise<void> {
    for (const path of await listTree(join(storeDir, 'files', 'sha256'))) {
      const name = path.split('/').pop() ?? '';
      const { sha256 } = await digestOf(createReadStream(join(storeDir, 'files', 'sha256', path)));
      expect(sha256).toBe(name);
    }
    expect(await readdir(join(storeDir, 'tmp'))).toEqual([]);
  }

  async function storedHashes(): Promise<string[]> {
    return (await listTree(join(storeDir, 'files', 'sha256'))).map((path) => path.split('/').pop() ?? '');
  }

  describe.each([
    ['small', 'answered once verified'],
    ['large', 'streamed'],
  ])('a %s file (%s) one page short of fitting', (name) => {
    test('the client gets the right bytes, nothing wrong is stored or listed, and a later request stores it', async () => {
      const file = wheel(name);
      const url = await fileUrlFromPage(proxy.url, file.project, file.filename);
      await tmpfs.setFreeBytes(oneFilePageShort(file.size));

      const first = await get(url);
      expect(first.kind).toBe('ok');
      if (first.kind === 'ok') {
        expect(first.status).toBe(200);
        expect(first.sha256).toBe(file.sha256);
      }
      await expectOnlyVerifiedFiles();
      expect(await storedHashes()).not.toContain(file.sha256);
      expect(proxy.manifest().files).not.toContain(file.sha256);
      expect(warnings.some((w) => w.includes(file.filename) && /could not take it/.test(w))).toBe(true);

      // Space freed: the next request downloads the file again and stores it, verified.
      await tmpfs.setFreeBytes(64 * 1024 * 1024);
      const second = await get(url);
      expect(second.kind === 'ok' && second.sha256).toBe(file.sha256);
      expect(await storedHashes()).toContain(file.sha256);
      expect(proxy.manifest().files).toContain(file.sha256);
      await expectOnlyVerifiedFiles();
    });
  });

  test('a file larger than memory may hold passes a full store to a real pip, verified, not stored', async () => {
    const file = wheel('huge');
    await tmpfs.setFreeBytes(256 * 1024);
    const python = await createVenv(join(dir, 'venv-huge'));
    const result = await pipInstall({
      python,
      args: ['--index-url', `${proxy.url}/simple/`, 'huge'],
      env: isolatedPipEnv(),
    });
    if (result.code !== 0) throw new Error(`pip failed:\n${result.stdout}\n${result.stderr}`);
    expect(await installedPackages(python)).toMatchObject({ huge: '1.0' });
    await expectOnlyVerifiedFiles();
    expect(await storedHashes()).not.toContain(file.sha256);
    expect(proxy.manifest().files).not.toContain(file.sha256);
    expect(warnings.some((w) => w.includes(file.filename) && /could not take it/.test(w))).toBe(true);
  }, 60_000);

  describe('the download of a large file on a full store, on its own', () => {
    let store: ContentStore;
    let client: UpstreamClient;
    let coordinator: DownloadCoordinator;

    beforeAll(async () => {
      store = await ContentStore.open(unitStoreDir);
      client = new UpstreamClient({ timeoutMs: 5_000, retries: 1, backoffMs: 10 });
      coordinator = new DownloadCoordinator(store, client);
    });
    afterAll(async () => {
      client?.close();
      await store?.close();
    });

    function startDownload(): Download {
      const file = wheel('huge');
      const [upstream] = parseUpstreams([pypi.indexUrl], {});
      if (!upstream) throw new Error('fixture');
      return coordinator.get({
        key: file.sha256,
        upstream,
        url: pypi.fileUrl(file.filename),
        expectedSha256: file.sha256,
        expectedSize: file.size,
      });
    }

    test('a reader that stops holds the upstream back; a late reader gets a download of its own', async () => {
      const file = wheel('huge');
      await tmpfs.setFreeBytes(256 * 1024);
      const download = startDownload();
      await download.started;
      const first = download.openReader();
      if (!first) throw new Error('the first reader must attach');
      // The first reader takes 1 MB and stops: the download must wait for it, not buffer the file.
      const firstHash = createHash('sha256');
      let taken = 0;
      const stopped = new Promise<void>((resolve) => {
        first.on('data', (chunk: Buffer) => {
          firstHash.update(chunk);
          taken += chunk.length;
          if (taken >= 1024 * 1024) {
            first.pause();
            resolve();
          }
        });
      });
      await stopped;
      const outcome = await Promise.race([
        download.heldBack ? 'held back' : once(download, 'held-back').then(() => 'held back'),
        download.done.then(
          () => 'finished',
          () => 'failed',
        ),
      ]);
      expect(outcome).toBe('held back');
      expect(download.written).toBeLessThan(file.size);
      // One network chunk past the window at most.
      expect(download.inMemory).toBeLessThanOrEqual(MAX_UNSTORED_BYTES + 1024 * 1024);

      // A reader from the start comes too late for the dropped bytes: it gets its own download.
      expect(download.openReader()).toBeUndefined();
      const own = download.another();
      await own.started;
      const late = own.openReader();
      if (!late) throw new Error('a download of its own must take its reader');
      expect(await digestOf(late)).toEqual({ bytes: file.size, sha256: file.sha256 });

      // The first reader goes on and gets every byte, verified.
      first.removeAllListeners('data');
      const rest = await digestOf(first, firstHash);
      expect({ bytes: taken + rest.bytes, sha256: rest.sha256 }).toEqual({
        bytes: file.size,
        sha256: file.sha256,
      });
      expect(await download.done).toBe(file.sha256);
      expect(download.committedPath).toBeUndefined();
      expect(await store.fileSize(file.sha256)).toBeUndefined();
    }, 60_000);
  });

  test('a page upstream answered is served although the store cannot keep it', async () => {
    await tmpfs.setFreeBytes(0);
    const answer = await get(`${proxy.url}/simple/unstored-page/`, { text: true });
    expect(answer.kind === 'ok' && answer.status).toBe(200);
    if (answer.kind === 'ok') expect(answer.text).toContain('unstored_page-1.0');
    expect(warnings.some((w) => /could not store the page/.test(w))).toBe(true);
  });

  test('shutting down on a full disk still releases the store (the manifest is only a warning)', async () => {
    await tmpfs.setFreeBytes(0);
    const manifest = await proxy.close();
    expect(manifest.version).toBe(1);
    expect(warnings.some((w) => /could not write the manifest/.test(w))).toBe(true);
    // The lock is free again: another proxy can open the store.
    await tmpfs.setFreeBytes(1024 * 1024);
    proxy = await startProxy({ storeDir, upstreams: [pypi.indexUrl], onWarning: () => {} });
    await expectOnlyVerifiedFiles();
  });
});
