// The store on a nearly full file system (issue 9, case 1), for real: the store is a small tmpfs
// whose free space is set a page short of a file's size, so the kernel answers with a short
// write and then ENOSPC. What a user checks: the client gets the right bytes (or a clear error)
// and never hangs, files/sha256/ never holds a file whose sha256 differs from its name, the
// manifest lists only what is stored, and once space is freed the file is fetched and stored.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { type RunningProxy, startProxy } from '../../src/proxy/index.js';
import { FakePypi } from '../support/fake-pypi.js';
import { oneFilePageShort, Tmpfs, tmpfsUnavailable } from '../support/tmpfs.js';
import { type BuiltWheel, buildWheels } from '../support/wheels.js';
import { fileUrlFromPage, listTree, removeDir, sha256, tempDir } from './harness.js';

const unavailable = tmpfsUnavailable();
if (unavailable) {
  process.stderr.write(`disk-full tests skipped: cannot mount a tmpfs here (${unavailable})\n`);
}
const describeOnTmpfs = unavailable ? describe.skip : describe;

// A client that gives up instead of hanging: 'hung' is a failure the tests name.
const CLIENT_PATIENCE_MS = 20_000;

type Outcome = { kind: 'ok'; status: number; body: Buffer } | { kind: 'cut-off' } | { kind: 'hung' };

function get(url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => resolve({ kind: 'cut-off' }));
      res.on('end', () =>
        resolve(
          res.complete
            ? { kind: 'ok', status: res.statusCode ?? 0, body: Buffer.concat(chunks) }
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

describeOnTmpfs('a store on a nearly full disk', () => {
  let dir: string;
  let storeDir: string;
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
      // Streamed to the client while it downloads.
      { name: 'large', version: '1.0', payloadBytes: 12_000_000 },
      // Larger than what a download may hold in memory once the store gave up (16 MiB).
      { name: 'huge', version: '1.0', payloadBytes: 20_000_000 },
      { name: 'unstored-page', version: '1.0' },
    ]);
    pypi = new FakePypi({ wheels });
    await pypi.start();
    storeDir = join(dir, 'store');
    await mkdir(storeDir);
    tmpfs = Tmpfs.mount(storeDir, 64 * 1024 * 1024);
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
      tmpfs?.unmount();
      if (dir) await removeDir(dir);
    }
  });

  // Each test starts with room, so that one test's full disk never explains another's failure.
  beforeEach(() => tmpfs.setFreeBytes(64 * 1024 * 1024));

  /** Every stored file's bytes hash to its name: nothing unverified was committed. */
  async function expectOnlyVerifiedFiles(): Promise<void> {
    for (const path of await listTree(join(storeDir, 'files', 'sha256'))) {
      const name = path.split('/').pop() ?? '';
      expect(sha256(await readFile(join(storeDir, 'files', 'sha256', path)))).toBe(name);
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
        expect(sha256(first.body)).toBe(file.sha256);
      }
      await expectOnlyVerifiedFiles();
      expect(await storedHashes()).not.toContain(file.sha256);
      expect(proxy.manifest().files).not.toContain(file.sha256);
      expect(warnings.some((w) => w.includes(file.filename) && /could not take it/.test(w))).toBe(true);

      // Space freed: the next request downloads the file again and stores it, verified.
      await tmpfs.setFreeBytes(64 * 1024 * 1024);
      const second = await get(url);
      expect(second.kind === 'ok' && sha256(second.body)).toBe(file.sha256);
      expect(await storedHashes()).toContain(file.sha256);
      expect(proxy.manifest().files).toContain(file.sha256);
      await expectOnlyVerifiedFiles();
    });
  });

  test('a streamed file too large to hold in memory is cut off quickly, never stored, never a hang', async () => {
    const file = wheel('huge');
    const url = await fileUrlFromPage(proxy.url, file.project, file.filename);
    await tmpfs.setFreeBytes(256 * 1024);

    const answer = await get(url);
    expect(answer.kind === 'cut-off' || (answer.kind === 'ok' && answer.status >= 500)).toBe(true);
    await expectOnlyVerifiedFiles();
    expect(await storedHashes()).not.toContain(file.sha256);
    expect(proxy.manifest().files).not.toContain(file.sha256);
  });

  test('a page upstream answered is served although the store cannot keep it', async () => {
    await tmpfs.setFreeBytes(0);
    const answer = await get(`${proxy.url}/simple/unstored-page/`);
    expect(answer.kind === 'ok' && answer.status).toBe(200);
    if (answer.kind === 'ok') expect(answer.body.toString()).toContain('unstored_page-1.0');
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
