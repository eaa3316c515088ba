// Hostile request targets: refused with 4xx, no secret outside the store served, nothing
// written outside the store, and nothing in the store but its own layout.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree, request, type Stack, startStack } from './harness.js';

let stack: Stack;
const SECRET = 'top-secret-content-outside-the-store';
const SHA = '0'.repeat(64);

beforeAll(async () => {
  stack = await startStack([{ name: 'demo', version: '1.0' }]);
  await writeFile(join(stack.dir, 'secret.txt'), SECRET);
});
afterAll(() => stack.stop());

const targets = [
  '/simple/../secret.txt',
  '/simple/..%2f..%2fsecret.txt',
  '/simple/%2e%2e/%2e%2e/secret.txt',
  '/files/pypi/demo/../../../secret.txt',
  `/files/pypi/demo/${SHA}/..%2F..%2F..%2Fsecret.txt`,
  `/files/pypi/demo/${SHA}/%2e%2e%5csecret.txt`,
  `/files/pypi/..%2F..%2F/${SHA}/secret.txt`,
  '/files/pypi/demo/nohash/secret.txt',
  `/files/pypi/demo/${SHA}/secret.txt%00.whl`,
  '//etc/passwd',
  '/%2fetc%2fpasswd',
  '/simple/%2fetc%2fpasswd/',
  `/simple/${'a'.repeat(300)}/`,
  `/files/pypi/demo/${SHA}/${'a'.repeat(10_000)}.whl`,
  '/-/../simple/demo/',
  '/pypi/simple/demo/',
  '/simple/demo/%ff%fe/',
];

test.each(targets)('%s is refused with 4xx and leaks nothing', async (target) => {
  const res = await request(stack.proxy.url, { rawPath: target });
  expect(res.status).toBeGreaterThanOrEqual(300);
  expect(res.status).toBeLessThan(500);
  expect(res.body.toString()).not.toContain(SECRET);
  expect(res.body.toString()).not.toContain('root:');
});

test('oversized headers and request bodies are refused', async () => {
  const huge = await request(`${stack.proxy.url}/simple/`, { headers: { 'x-big': 'a'.repeat(20_000) } });
  expect(huge.status).toBe(431);
  const withBody = await request(`${stack.proxy.url}/simple/`, { headers: { 'content-length': '5' } });
  expect(withBody.status).toBe(413);
});

test('after all that, only the layout and the running proxy lock exist in the store and nothing new outside it', async () => {
  const tree = await listTree(stack.storeDir);
  for (const path of tree)
    expect(path).toMatch(/^(layout\.json|lock|pages\/pypi\/(index\.json|projects\/[a-z0-9-]+\.json))$/);
  const outside = await listTree(stack.dir);
  expect(outside.filter((path) => !path.startsWith('store/') && !path.startsWith('wheels/'))).toEqual([
    'secret.txt',
  ]);
  expect(stack.proxy.stats().errors).toBe(0);
});
