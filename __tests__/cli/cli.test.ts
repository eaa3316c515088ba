// The bundled command line (dist/proxy.js, run `npm run build` first) as a child process.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PIP_ACCEPT, removeDir, request, tempDir } from '../proxy/harness.js';
import { FakePypi } from '../support/fake-pypi.js';
import { buildWheels } from '../support/wheels.js';
import { CLI, runCli, waitForFile } from './cli-process.js';

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/proxy.js is missing: run `npm run build` first');
  dir = await tempDir('cli');
});
afterAll(() => removeDir(dir));

test('--help documents every flag', async () => {
  const { stdout, code } = await runCli(['--help']).exited;
  expect(code).toBe(0);
  for (const flag of [
    '--store',
    '--upstream',
    '--host',
    '--port',
    '--index-policy',
    '--ready-file',
    '--log',
    '--manifest',
  ]) {
    expect(stdout).toContain(flag);
  }
  expect(stdout).toContain('PYPI_CACHE_PROXY_AUTH_');
});

test.each([
  [['--bogus'], 'unknown option "--bogus"'],
  [['--port', 'eighty'], '--port'],
  [['--port', '70000'], '--port'],
  [['--index-policy', 'sometimes'], '--index-policy'],
  [['--store'], '--store needs a value'],
  [['--upstream', 'ftp://example.com/simple/'], '--upstream'],
  [['--upstream', 'simple=https://example.com/simple/'], 'invalid name'],
])('bad usage %p: exit 2 with a clear message', async (args, message) => {
  const { code, stderr } = await runCli(['--store', join(dir, 'unused'), ...args]).exited;
  expect(code).toBe(2);
  expect(stderr).toContain(message);
});

test('serves after --ready-file appears; SIGTERM exits 0 and writes the manifest and log', async () => {
  const pypi = new FakePypi({
    wheels: await buildWheels(join(dir, 'wheels'), [{ name: 'demo', version: '1.0' }]),
  });
  await pypi.start();
  try {
    const storeDir = join(dir, 'store');
    const readyFile = join(dir, 'ready');
    const logFile = join(dir, 'access.jsonl');
    const { child, exited } = runCli([
      '--store',
      storeDir,
      `--upstream=${pypi.indexUrl}`,
      '--port',
      '0',
      '--ready-file',
      readyFile,
      '--log',
      logFile,
    ]);
    const url = await waitForFile(readyFile);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await request(`${url}/simple/demo/`, { headers: { accept: PIP_ACCEPT } });
    expect(page.status).toBe(200);
    child.kill('SIGTERM');
    const { code, stdout } = await exited;
    expect(code).toBe(0);
    // Issue 13: the start-up line says the store, the policy and the upstream; one line on exit.
    expect(stdout).toContain(
      `listening on ${url} (index ${url}/simple/); store ${storeDir}; index policy revalidate; upstream pypi=${pypi.indexOrigin}/***`,
    );
    expect(stdout).toMatch(
      /served 1 requests: 0 from the store \(0 B\), 1 from upstream \(\d+(\.\d)? [KM]?B\), 0 revalidated \(304\), 0 errors/,
    );
    const manifest = JSON.parse(await readFile(join(storeDir, 'manifest.json'), 'utf8'));
    expect(manifest.pages).toEqual([{ upstream: 'pypi', project: 'demo' }]);
    const log = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(log).toContainEqual(
      expect.objectContaining({ method: 'GET', path: '/simple/demo/', status: 200 }),
    );
  } finally {
    await pypi.stop();
  }
});
