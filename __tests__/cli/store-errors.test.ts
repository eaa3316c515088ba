// Issue 13: what the command line says about a --store or --pins it cannot use, and a populated
// store it cannot write (served frozen, read-only). Runs dist/proxy.js: `npm run build` first.
import { chmod, cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileUrlFromPage, PIP_ACCEPT, removeDir, request, startStack, tempDir } from '../proxy/harness.js';
import { runCli, waitForFile } from './cli-process.js';

const ACCEPTS = 'expected a folder the proxy can create or write, or a populated store it can read';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('store-errors');
  await writeFile(join(dir, 'a-file'), 'not a folder\n');
});
afterAll(async () => {
  await makeWritable(dir);
  await removeDir(dir);
});

test.each([
  ['a file', 'a-file', () => 'it is a file, not a folder'],
  ['under a file', 'a-file/store', () => `${join(dir, 'a-file')} is a file, not a folder`],
  // Node's recursive mkdir spins forever here: procfs answers ENOENT with the parent present.
  ['under /proc', '/proc/nope', () => '/proc does not let a folder be created in it'],
  ['two below /proc', '/proc/nope/deeper', () => '/proc does not let a folder be created in it'],
])(
  '--store %s: exit 2 naming the flag, the value and what it accepts',
  async (_name, path, reason) => {
    const store = path.startsWith('/') ? path : join(dir, path);
    const { code, stderr } = await runCli(['--store', store]).exited;
    expect(code).toBe(2);
    expect(stderr).toContain(`--store ${JSON.stringify(store)}: ${reason()}; ${ACCEPTS}`);
    expect(stderr).toContain('Try --help.');
    expect(stderr).not.toMatch(/EEXIST|ENOENT|ENOTDIR|mkdir/);
  },
  15_000,
);

test.each([
  ['missing', '/nonexistent.json', 'no such file'],
  ['a folder', '.', 'a folder, not a file'],
  ['not JSON', 'a-file', 'not JSON'],
])('--pins %s: exit 2 naming the flag, the value and what it accepts', async (_name, path, reason) => {
  const pins = path.startsWith('/') ? path : join(dir, path);
  const { code, stderr } = await runCli(['--store', join(dir, 'unused'), '--pins', pins]).exited;
  expect(code).toBe(2);
  expect(stderr).toContain(`--pins ${JSON.stringify(pins)}: ${reason}`);
  expect(stderr).toContain('expected a JSON file {"projects": {"<name>": ["<version>", ...]}}');
  expect(stderr).not.toContain('ENOENT');
});

/** Root writes through mode bits: the read-only runs drop to `nobody` where the tests run as root. */
const asReader = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

async function makeReadOnly(path: string): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) await makeReadOnly(join(path, entry));
    await chmod(path, 0o555);
  } else {
    await chmod(path, 0o444);
  }
}

async function makeWritable(path: string): Promise<void> {
  const info = await stat(path);
  if (!info.isDirectory()) return;
  await chmod(path, 0o755);
  for (const entry of await readdir(path)) await makeWritable(join(path, entry));
}

test('a populated read-only store is served frozen, with one warning that nothing new is stored', async () => {
  const stack = await startStack([{ name: 'demo', version: '1.0' }]);
  const base = join(dir, 'readonly');
  await mkdir(base);
  try {
    // Populate the store through a writable proxy: the page and the wheel.
    const wheel = stack.wheels[0]?.filename ?? '';
    const fileUrl = await fileUrlFromPage(stack.proxy.url, 'demo', wheel);
    expect((await request(fileUrl)).status).toBe(200);
    await stack.proxy.close();
    const storeDir = join(base, 'store');
    await cp(stack.storeDir, storeDir, { recursive: true });
    await makeReadOnly(base);
    await chmod(dir, 0o755); // mkdtemp's 0700 would keep `nobody` out
    const readyDir = join(dir, 'ready');
    await mkdir(readyDir);
    await chmod(readyDir, 0o777); // the reader writes its ready file here
    const readyFile = join(readyDir, 'url');
    stack.pypi.resetRequests();
    const { child, exited } = runCli(
      ['--store', storeDir, '--upstream', stack.pypi.indexUrl, '--ready-file', readyFile],
      asReader,
    );
    try {
      const url = await waitForFile(readyFile);
      const page = await request(`${url}/simple/demo/`, { headers: { accept: PIP_ACCEPT } });
      expect(page.status).toBe(200);
      const file = await request(new URL(new URL(fileUrl).pathname, url).toString());
      expect(file.status).toBe(200);
      // Frozen: neither the page nor the file was asked of upstream.
      expect(stack.pypi.counts().total).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    const { code, stderr, stdout } = await exited;
    expect(code).toBe(0);
    const warnings = stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toEqual([
      `warning: the store ${storeDir} is read-only: serving what it holds under the frozen policy; nothing new will be stored and no manifest written`,
    ]);
    expect(stdout).toContain(`store ${storeDir} (read-only); index policy frozen;`);
    expect(stdout).toContain('served 2 requests: 2 from the store');
    expect(await readdir(storeDir)).not.toContain('lock');
  } finally {
    await makeWritable(base);
    await stack.stop();
  }
});

test('an empty folder it cannot write: exit 2 naming --store', async () => {
  const empty = join(dir, 'empty-readonly');
  await mkdir(empty);
  await chmod(empty, 0o555);
  await chmod(dir, 0o755);
  const { code, stderr } = await runCli(['--store', empty], asReader).exited;
  expect(code).toBe(2);
  expect(stderr).toContain(
    `--store ${JSON.stringify(empty)}: the folder is not writable and holds no store (no layout.json); ${ACCEPTS}`,
  );
});
