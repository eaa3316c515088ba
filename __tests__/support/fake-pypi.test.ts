import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { FakePypi } from './fake-pypi.js';
import { BASE_PYTHON, createVenv, installedPackages, isolatedPipEnv, pipInstall } from './pip.js';
import { type BuiltWheel, buildWheels } from './wheels.js';

const PIP_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection broke before the body was complete. */
  error?: string;
  headersAt: number;
  endedAt: number;
}

/** A plain HTTP client without keep-alive or decoding, so faults show exactly as sent. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let responded = false;
    const req = request(url, { method, headers, agent: false }, (res) => {
      responded = true;
      const headersAt = Date.now() - started;
      const chunks: Buffer[] = [];
      const finish = (error?: string) =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          headersAt,
          endedAt: Date.now() - started,
          ...(error ? { error } : {}),
        });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish());
      res.on('error', (e) => finish(e.message));
    });
    // Once headers are in, a broken connection is reported through the response instead.
    req.on('error', (e) => (responded ? undefined : reject(e)));
    req.end();
  });
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

let dir: string;
let wheels: BuiltWheel[];
let pypi: FakePypi;
const wheel = (filename: string) => {
  const found = wheels.find((w) => w.filename === filename);
  if (!found) throw new Error(`no wheel ${filename}`);
  return found;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-pypi-'));
  wheels = await buildWheels(join(dir, 'wheels'), [
    { name: 'App', version: '1.0.0', dependencies: ['Lib_Core>=1.0', 'tiny.util'] },
    { name: 'Lib_Core', version: '1.0.0', requiresPython: '>=3.8', dependencies: ['tiny-util>=0.1'] },
    { name: 'Lib_Core', version: '1.1.0', requiresPython: '>=3.8', dependencies: ['tiny-util>=0.1'] },
    { name: 'Lib_Core', version: '1.2.0', requiresPython: '>=3.8' },
    { name: 'tiny.util', version: '0.1.0' },
    { name: 'no-meta', version: '2.0' },
    { name: 'big', version: '1.0', payloadBytes: 256 * 1024 },
  ]);
  pypi = new FakePypi({
    wheels,
    withMetadata: (w) => w.project !== 'no-meta',
    yanked: { 'lib_core-1.2.0-py3-none-any.whl': 'broken <build>' },
    slowFaultMs: 400,
  });
  await pypi.start();
});

afterAll(async () => {
  await pypi?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  pypi.resetRequests();
  pypi.clearFaults();
});

const fileUrl = async (filename: string): Promise<string> => {
  const page = await get(`${pypi.indexUrl}${wheel(filename).project}/`, { accept: PIP_ACCEPT });
  const file = JSON.parse(page.body.toString()).files.find(
    (f: { filename: string }) => f.filename === filename,
  );
  return file.url;
};

describe('simple index', () => {
  test('serves PEP 691 JSON to a client that prefers it', async () => {
    const res = await get(`${pypi.indexUrl}lib-core/`, { accept: PIP_ACCEPT });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
    expect(res.headers.vary).toBe('Accept, Accept-Encoding');
    const page = JSON.parse(res.body.toString());
    expect(page.meta['api-version']).toBe('1.1');
    expect(page.name).toBe('lib-core');
    expect(page.versions).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    const w = wheel('lib_core-1.1.0-py3-none-any.whl');
    const file = page.files.find((f: { filename: string }) => f.filename === w.filename);
    expect(file).toMatchObject({
      hashes: { sha256: w.sha256 },
      'requires-python': '>=3.8',
      'core-metadata': { sha256: sha256(w.metadata) },
      yanked: false,
      size: w.size,
    });
    expect(file.url).toMatch(
      new RegExp(`^${pypi.filesOrigin}/packages/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/`),
    );
    expect(file['upload-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(page.files.find((f: { filename: string }) => f.filename.includes('1.2.0')).yanked).toBe(
      'broken <build>',
    );
  });

  test('serves PEP 503 HTML by default and for the v1 HTML type, with escaped attributes', async () => {
    const plain = await get(`${pypi.indexUrl}lib-core/`);
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
    const v1 = await get(`${pypi.indexUrl}lib-core/`, { accept: 'application/vnd.pypi.simple.v1+html' });
    expect(v1.headers['content-type']).toBe('application/vnd.pypi.simple.v1+html');
    const html = v1.body.toString();
    expect(html).toBe(plain.body.toString());
    const w = wheel('lib_core-1.1.0-py3-none-any.whl');
    const link = html.split('\n').find((line) => line.includes(`>${w.filename}<`)) ?? '';
    expect(link).toContain(`href="${pypi.filesOrigin}/packages/`);
    expect(link).toContain(`#sha256=${w.sha256}"`);
    expect(link).toContain('data-requires-python="&gt;=3.8"');
    expect(link).toContain(`data-core-metadata="sha256=${sha256(w.metadata)}"`);
    expect(link).toContain(`data-dist-info-metadata="sha256=${sha256(w.metadata)}"`);
    expect(html).toContain('data-yanked="broken &lt;build&gt;"');
    const noMeta = await get(`${pypi.indexUrl}no-meta/`);
    expect(noMeta.body.toString()).not.toContain('data-core-metadata');
  });

  test('negotiates by q-value and answers 406 when nothing fits', async () => {
    const html = await get(`${pypi.indexUrl}app/`, {
      accept: 'application/vnd.pypi.simple.v1+json;q=0.5, text/html;q=0.9',
    });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    const json = await get(`${pypi.indexUrl}app/`, { accept: 'application/vnd.pypi.simple.latest+json' });
    expect(json.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
    expect((await get(`${pypi.indexUrl}app/`, { accept: 'application/xml' })).status).toBe(406);
  });

  test('redirects non-normalized names to the canonical page and 404s unknown ones', async () => {
    for (const path of ['Lib_Core/', 'lib.core/', 'lib-core']) {
      const res = await get(`${pypi.indexUrl}${path}`);
      expect([path, res.status, res.headers.location]).toEqual([path, 301, '/simple/lib-core/']);
    }
    expect((await get(`${pypi.indexUrl}does-not-exist/`)).status).toBe(404);
    const root = await get(pypi.indexUrl, { accept: PIP_ACCEPT });
    expect(JSON.parse(root.body.toString()).projects.map((p: { name: string }) => p.name)).toEqual([
      'App',
      'big',
      'Lib_Core',
      'no-meta',
      'tiny.util',
    ]);
  });

  test('answers If-None-Match with 304 and gzips on request, each with its own ETag', async () => {
    const first = await get(`${pypi.indexUrl}app/`, { accept: PIP_ACCEPT });
    const etag = String(first.headers.etag);
    const again = await get(`${pypi.indexUrl}app/`, { accept: PIP_ACCEPT, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const gz = await get(`${pypi.indexUrl}app/`, { accept: PIP_ACCEPT, 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(first.body)).toBe(true);
    expect(gz.headers.etag).not.toBe(etag);
    const html = await get(`${pypi.indexUrl}app/`, { 'if-none-match': etag });
    expect(html.status).toBe(200);
  });

  test('changes the page and its ETag when more versions are published', async () => {
    const before = await get(`${pypi.indexUrl}tiny-util/`, { accept: PIP_ACCEPT });
    const [bumped] = await buildWheels(join(dir, 'later'), [{ name: 'tiny.util', version: '0.2.0' }]);
    const later = new FakePypi({ wheels: wheels.filter((w) => w.project === 'tiny-util') });
    await later.start();
    try {
      const page = () => get(`${later.indexUrl}tiny-util/`, { accept: PIP_ACCEPT });
      const old = await page();
      later.addWheels([bumped]);
      const updated = await page();
      expect(JSON.parse(updated.body.toString()).versions).toEqual(['0.1.0', '0.2.0']);
      expect(updated.headers.etag).not.toBe(old.headers.etag);
      expect(JSON.parse(before.body.toString()).versions).toEqual(['0.1.0']);
    } finally {
      await later.stop();
    }
  });
});

describe('files origin', () => {
  test('serves whole files, HEAD and byte ranges', async () => {
    const w = wheel('big-1.0-py3-none-any.whl');
    const url = await fileUrl(w.filename);
    const head = await get(url, {}, 'HEAD');
    expect(head.headers['content-length']).toBe(String(w.size));
    expect(head.headers['accept-ranges']).toBe('bytes');
    expect(head.headers.etag).toBe(`"${w.sha256}"`);
    const full = await get(url);
    expect(sha256(full.body)).toBe(w.sha256);
    const onDisk = await readFile(w.path);
    const part = await get(url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${w.size}`);
    expect(part.body.equals(onDisk.subarray(100, 200))).toBe(true);
    const tail = await get(url, { range: 'bytes=-10' });
    expect(tail.body.equals(onDisk.subarray(w.size - 10))).toBe(true);
    const beyond = await get(url, { range: `bytes=${w.size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${w.size}`);
    expect((await get(url, { 'if-none-match': `"${w.sha256}"` })).status).toBe(304);
    expect(pypi.counts()).toMatchObject({ pages: 1, files: 6, metadata: 0 });
  });

  test('serves .metadata equal to the METADATA inside the wheel, only where advertised', async () => {
    const w = wheel('app-1.0.0-py3-none-any.whl');
    const res = await get(`${await fileUrl(w.filename)}.metadata`);
    const inWheel = await promisify(execFile)(BASE_PYTHON, [
      '-c',
      'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())',
      w.path,
      'app-1.0.0.dist-info/METADATA',
    ]);
    expect(res.body.toString()).toBe(inWheel.stdout);
    expect(res.body.toString()).toBe(w.metadata);
    expect(res.body.toString()).toContain('Requires-Dist: Lib_Core>=1.0');
    expect((await get(`${await fileUrl('no_meta-2.0-py3-none-any.whl')}.metadata`)).status).toBe(404);
    expect(pypi.counts().metadata).toBe(2);
  });
});

describe('faults', () => {
  const bigFile = 'big-1.0-py3-none-any.whl';

  test('status-503 for the first N requests only', async () => {
    const url = await fileUrl(bigFile);
    pypi.injectFault({ path: bigFile, fault: 'status-503', times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(url)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(pypi.requests.filter((r) => r.origin === 'files').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  test('reset-mid-body and truncated-body send headers and part of the body, then break', async () => {
    const w = wheel(bigFile);
    const url = await fileUrl(bigFile);
    for (const fault of ['reset-mid-body', 'truncated-body'] as const) {
      pypi.injectFault({ path: bigFile, fault, times: 1 });
      const res = await get(url);
      expect([fault, res.status, res.headers['content-length']]).toEqual([fault, 200, String(w.size)]);
      expect(res.error).toBeDefined();
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body.length).toBeLessThan(w.size);
    }
    const recorded = pypi.requests.filter((r) => r.origin === 'files');
    expect(recorded.map((r) => r.bytes)).toEqual([Math.floor(w.size / 2), Math.floor(w.size / 2)]);
  });

  test('wrong-bytes sends the full length with a different sha256', async () => {
    const w = wheel(bigFile);
    pypi.injectFault({ path: /big-1\.0/, fault: 'wrong-bytes' });
    const res = await get(await fileUrl(bigFile));
    expect(res.error).toBeUndefined();
    expect(res.body.length).toBe(w.size);
    expect(sha256(res.body)).not.toBe(w.sha256);
  });

  test('slow holds the body back after the headers', async () => {
    pypi.injectFault({ path: bigFile, fault: 'slow', delayMs: 300 });
    const res = await get(await fileUrl(bigFile));
    expect(res.headersAt).toBeLessThan(200);
    expect(res.endedAt).toBeGreaterThanOrEqual(290);
    expect(sha256(res.body)).toBe(wheel(bigFile).sha256);
  });

  test('faults on pages by path, and at a seeded rate', async () => {
    pypi.injectFault({ path: '/simple/app/', fault: 'status-503', times: 1 });
    expect((await get(`${pypi.indexUrl}app/`)).status).toBe(503);
    expect((await get(`${pypi.indexUrl}app/`)).status).toBe(200);
    const url = await fileUrl(bigFile);
    pypi.injectFault({ fault: 'status-503', rate: 0.5 });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(url, {}, 'HEAD')).status);
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(2);
    expect(failed).toBeLessThan(18);
  });

  test('setDown cuts every connection until it is lifted', async () => {
    pypi.setDown(true);
    await expect(get(`${pypi.indexUrl}app/`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    pypi.setDown(false);
    expect((await get(`${pypi.indexUrl}app/`)).status).toBe(200);
    expect(pypi.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  test('latency and bandwidth cap slow responses down', async () => {
    const [w] = await buildWheels(join(dir, 'throttle'), [
      { name: 'slowpoke', version: '1', payloadBytes: 100_000 },
    ]);
    const slow = new FakePypi({ wheels: [w], latencyMs: 100, bytesPerSecond: 400_000 });
    await slow.start();
    try {
      const page = await get(`${slow.indexUrl}slowpoke/`, { accept: PIP_ACCEPT });
      expect(page.endedAt).toBeGreaterThanOrEqual(95);
      const file = await get(JSON.parse(page.body.toString()).files[0].url);
      expect(sha256(file.body)).toBe(w.sha256);
      // 100 kB at 400 kB/s is 250 ms, plus 100 ms latency.
      expect(file.endedAt).toBeGreaterThanOrEqual(300);
    } finally {
      await slow.stop();
    }
  });
});

describe('real pip', () => {
  test('installs a dependency tree from the fake index, skipping the yanked release', async () => {
    const python = await createVenv(join(dir, 'venv'));
    const result = await pipInstall({
      python,
      args: ['app'],
      env: isolatedPipEnv({ PIP_INDEX_URL: pypi.indexUrl }),
    });
    expect(result.code).toBe(0);
    expect(await installedPackages(python)).toEqual({
      app: '1.0.0',
      'lib-core': '1.1.0',
      'tiny-util': '0.1.0',
    });
    const counts = pypi.counts();
    expect(counts.pages).toBe(3);
    expect(counts.metadata).toBe(3); // PEP 658: pip resolves from .metadata before downloading
    expect(counts.files).toBe(3);
    expect(
      pypi.requests.filter((r) => r.origin === 'index').every((r) => r.headers.accept === PIP_ACCEPT),
    ).toBe(true);
    const imported = await promisify(execFile)(python, [
      '-c',
      'import app, lib_core; print(lib_core.__version__)',
    ]);
    expect(imported.stdout.trim()).toBe('1.1.0');
  });

  test('rejects a file whose bytes do not match the advertised sha256', async () => {
    const python = await createVenv(join(dir, 'venv-corrupt'));
    pypi.injectFault({ path: 'tiny_util-0.1.0-py3-none-any.whl', fault: 'wrong-bytes' });
    const env = isolatedPipEnv({ PIP_INDEX_URL: pypi.indexUrl });
    const result = await pipInstall({ python, args: ['tiny.util'], env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DO NOT MATCH THE HASHES');
  });

  test('is isolated from the machine pip config: local-only projects are not found', async () => {
    // /opt/wheels (PIP_FIND_LINKS) holds torch; the user pip.conf adds file:///opt/pypi/simple (absl-py).
    const python = await createVenv(join(dir, 'venv-isolated'));
    const env = isolatedPipEnv({ PIP_INDEX_URL: pypi.indexUrl });
    for (const name of ['torch', 'absl-py']) {
      const result = await pipInstall({ python, args: ['--dry-run', '--no-deps', name], env });
      expect([name, result.code]).toEqual([name, 1]);
      expect(result.stderr).toContain(`No matching distribution found for ${name}`);
    }
    expect(pypi.counts().byPath).toEqual({ '/simple/torch/': 1, '/simple/absl-py/': 1 });
  });

  // The control: on this machine, pip left alone does find absl-py outside the fake index.
  const machineIndex = existsSync('/opt/pypi/simple/absl-py') ? test : test.skip;
  machineIndex('without isolation the machine config leaks in (control)', async () => {
    const python = await createVenv(join(dir, 'venv-leaky'));
    const env = { ...process.env, PIP_INDEX_URL: pypi.indexUrl };
    const result = await pipInstall({ python, args: ['--dry-run', '--no-deps', 'absl-py'], env });
    expect(result.stdout).toContain('Would install absl-py');
  });
});
