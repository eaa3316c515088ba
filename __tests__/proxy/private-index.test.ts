// A bare-bones private index, the kind the fake PyPI does not imitate: HTML only (whatever the
// Accept header), gzip pages, relative links without hashes, and files behind a relative
// redirect. A local server in this test stands in for it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startProxy } from '../../src/proxy/index.js';
import { listTree, PIP_ACCEPT, removeDir, request, sha256, tempDir } from './harness.js';

const SDIST = Buffer.from('pretend this is a tar.gz'.repeat(100));
let server: Server;
let origin: string;
const seen: string[] = [];
let dir: string;

beforeAll(async () => {
  dir = await tempDir('private');
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/repo/simple/tool/') {
      const html = `<html><body><a href="../../files/tool-1.0.tar.gz">tool-1.0.tar.gz</a></body></html>`;
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.end(gzipSync(html));
    } else if (req.url === '/repo/files/tool-1.0.tar.gz') {
      res.writeHead(302, { location: '../blobs/abc' });
      res.end();
    } else if (req.url === '/repo/blobs/abc') {
      res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': SDIST.length });
      res.end(SDIST);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await removeDir(dir);
});

test('HTML-only index, no hashes, relative redirect: served, stored by computed hash, frozen replay offline', async () => {
  const storeDir = join(dir, 'store');
  const upstreams = [`corp=${origin}/repo/simple/`];
  let proxy = await startProxy({ storeDir, upstreams, onWarning: () => {} });
  const page = await request(`${proxy.url}/simple/tool/`, { headers: { accept: PIP_ACCEPT } });
  expect(page.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
  const [file] = JSON.parse(page.body.toString()).files;
  expect(file).toEqual({
    filename: 'tool-1.0.tar.gz',
    url: '/files/corp/tool/nohash/tool-1.0.tar.gz',
    hashes: {},
  });
  const html = await request(`${proxy.url}/simple/tool/`);
  expect(html.body.toString()).toContain('href="/files/corp/tool/nohash/tool-1.0.tar.gz"');

  const download = await request(`${proxy.url}${file.url}`);
  expect(download.body.equals(SDIST)).toBe(true);
  expect(download.headers['content-encoding']).toBeUndefined();
  expect(seen).toEqual(['GET /repo/simple/tool/', 'GET /repo/files/tool-1.0.tar.gz', 'GET /repo/blobs/abc']);
  const manifest = await proxy.close();
  expect(manifest.names).toEqual([{ upstream: 'corp', project: 'tool', filename: 'tool-1.0.tar.gz' }]);
  expect(await listTree(storeDir)).toEqual(
    expect.arrayContaining([
      `files/sha256/${sha256(SDIST).slice(0, 2)}/${sha256(SDIST)}`,
      'names/corp/tool/tool-1.0.tar.gz',
      'pages/corp/projects/tool.json',
    ]),
  );

  seen.length = 0;
  proxy = await startProxy({ storeDir, upstreams, indexPolicy: 'frozen' });
  try {
    const again = await request(`${proxy.url}${file.url}`);
    expect(again.body.equals(SDIST)).toBe(true);
    expect(seen).toEqual([]);
  } finally {
    await proxy.close();
  }
});
