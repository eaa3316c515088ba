// Issue 9, case 16: under frozen, a 404 upstream (pip's self-check asks for /simple/pip/ on
// every run) is stored as "not on this index" for a while, so later frozen runs stay off the
// network; the record survives the post step's prune; revalidate asks again.
import { readManifest } from '../../../src/proxy/index.js';
import { pruneStoreToManifest } from '../../../src/proxy/store/manifest.js';
import { request, type Stack, startStack } from '../harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack([{ name: 'present', version: '1.0' }], { proxy: { indexPolicy: 'frozen' } });
});
afterAll(() => stack.stop());

const asked = () => stack.pypi.requests.filter((r) => r.path === '/simple/pip/').length;

test('frozen: a 404 is asked once, then answered from the store across runs', async () => {
  expect((await request(`${stack.proxy.url}/simple/pip/`)).status).toBe(404);
  expect(asked()).toBe(1);
  // The next job: the post step prunes to the manifest, the store comes back, frozen again.
  await stack.proxy.close();
  await pruneStoreToManifest(stack.storeDir, await readManifest(`${stack.storeDir}/manifest.json`));
  await stack.restartProxy({ indexPolicy: 'frozen' });
  expect((await request(`${stack.proxy.url}/simple/pip/`)).status).toBe(404);
  expect(asked()).toBe(1);

  await stack.restartProxy({ indexPolicy: 'revalidate' });
  expect((await request(`${stack.proxy.url}/simple/pip/`)).status).toBe(404);
  expect(asked()).toBe(2);
});
