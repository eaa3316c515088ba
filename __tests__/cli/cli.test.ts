// The bundled command line (dist/proxy.js, run `npm run build` first) as a child process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PIP_ACCEPT, removeDir, request, tempDir } from '../proxy/harness.js';
import { FakePypi } from '../support/fake-pypi.js';
import { buildWheels } from '../support/wheels.js';

const CLI = resolve('dist/proxy.js');

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): { child: ReturnType<typeof spawn>; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<Exit>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  return { child, exited };
}

async function waitForFile(path: string, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (existsSync(path)) return readFile(path, 'utf8');
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not appear`);
}

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
    expect(stdout).toContain(url);
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
