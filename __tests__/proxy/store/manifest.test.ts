// The manifest of what a run used, and pruning the store to it before the action saves it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Manifest, pruneStoreToManifest, readManifest } from '../../../src/proxy/index.js';
import { fileUrlFromPage, listTree, PIP_ACCEPT, request, type Stack, startStack } from '../harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack([
    { name: 'kept', version: '1.0' },
    { name: 'dropped', version: '1.0' },
  ]);
});
afterAll(() => stack.stop());

function wheel(project: string) {
  const found = stack.wheels.find((w) => w.project === project);
  if (!found) throw new Error(project);
  return found;
}

async function use(project: string): Promise<void> {
  const url = await fileUrlFromPage(stack.proxy.url, project, wheel(project).filename);
  expect((await request(url)).status).toBe(200);
  expect((await request(`${url}.metadata`)).status).toBe(200);
}

test('the manifest lists the pages and files a run used, and pruning keeps exactly those', async () => {
  await use('dropped');
  await stack.restartProxy();
  await use('kept');
  const manifest = await stack.proxy.close();
  const written = await readManifest(join(stack.storeDir, 'manifest.json'));
  expect(written).toEqual(manifest);
  expect(manifest.pages).toEqual([{ upstream: 'pypi', project: 'kept' }]);
  expect(manifest.files).toHaveLength(2); // the wheel and its .metadata
  expect(manifest.files).toContain(wheel('kept').sha256);

  const before = await listTree(stack.storeDir);
  expect(before).toContain('pages/pypi/projects/dropped.json');
  expect(before).toContain(`files/sha256/${wheel('dropped').sha256.slice(0, 2)}/${wheel('dropped').sha256}`);

  const result = await pruneStoreToManifest(stack.storeDir, manifest);
  expect(result).toEqual({ kept: 3, removed: 3 });
  const after = await listTree(stack.storeDir);
  expect(after.filter((path) => /^(files|pages|names)\//.test(path)).sort()).toEqual(
    [
      'pages/pypi/projects/kept.json',
      ...manifest.files.map((sha) => `files/sha256/${sha.slice(0, 2)}/${sha}`),
    ].sort(),
  );

  // The pruned store still serves the run it came from without upstream requests.
  await stack.restartProxy({ indexPolicy: 'frozen' });
  stack.pypi.resetRequests();
  await use('kept');
  expect(stack.pypi.requests).toEqual([]);
});

test('manifest entries that are not valid names never turn into paths', async () => {
  const sentinel = join(stack.dir, 'sentinel.txt');
  await writeFile(sentinel, 'keep me');
  const hostile = {
    version: 1,
    layout: 1,
    startedAt: '',
    finishedAt: '',
    pages: [{ upstream: '..', project: '../../sentinel' }],
    indexes: ['../..'],
    files: ['../../../sentinel.txt'],
    names: [{ upstream: 'pypi', project: 'x', filename: '../../../../sentinel.txt' }],
  } as Manifest;
  await pruneStoreToManifest(stack.storeDir, hostile);
  expect(await readFile(sentinel, 'utf8')).toBe('keep me');
  expect((await listTree(stack.storeDir)).filter((path) => /^(files|pages|names)\//.test(path))).toEqual([]);
});

test('pages answered from the store in frozen mode are recorded too', async () => {
  await stack.restartProxy({ indexPolicy: 'frozen' });
  await request(`${stack.proxy.url}/simple/kept/`, { headers: { accept: PIP_ACCEPT } });
  expect(stack.proxy.manifest().pages).toEqual([{ upstream: 'pypi', project: 'kept' }]);
});
