// Real pip (isolated from this machine's pip config) installs a small dependency tree through
// the proxy: cold, then warm in frozen mode (no request reaches the stand-in) and warm in
// revalidate mode (at most one page request per project, no file requests).
import { join } from 'node:path';
import { createVenv, installedPackages, isolatedPipEnv, pipInstall } from '../support/pip.js';
import { type Stack, startStack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack([
    { name: 'App_Main', version: '1.0.0', dependencies: ['lib-a>=1.1', 'lib-b'] },
    { name: 'lib-a', version: '1.0.0' },
    { name: 'lib-a', version: '1.2.0', dependencies: ['lib-c==0.5'] },
    { name: 'lib-b', version: '2.0.0', requiresPython: '>=3.8' },
    { name: 'lib-b', version: '3.0.0', requiresPython: '>=4' },
    { name: 'lib-c', version: '0.5' },
  ]);
});
afterAll(() => stack.stop());

const EXPECTED = { 'app-main': '1.0.0', 'lib-a': '1.2.0', 'lib-b': '2.0.0', 'lib-c': '0.5' };

async function installInFreshVenv(name: string): Promise<void> {
  const python = await createVenv(join(stack.dir, `venv-${name}`));
  const result = await pipInstall({
    python,
    args: ['--index-url', `${stack.proxy.url}/simple/`, 'app-main'],
    env: isolatedPipEnv(),
  });
  if (result.code !== 0) throw new Error(`pip failed:\n${result.stdout}\n${result.stderr}`);
  expect(result.stdout).toContain(`${stack.proxy.url}/simple/`);
  const installed = await installedPackages(python);
  expect(installed).toEqual(EXPECTED);
}

test('cold install through the proxy fetches each page and file once', async () => {
  await installInFreshVenv('cold');
  const counts = stack.pypi.counts();
  console.log(`cold run, requests to the stand-in: ${JSON.stringify({ ...counts, byPath: undefined })}`);
  expect(counts.pages).toBe(4);
  expect(counts.files + counts.metadata).toBeGreaterThanOrEqual(4);
  for (const [path, times] of Object.entries(counts.byPath)) expect([path, times]).toEqual([path, 1]);
  expect(stack.proxy.stats().errors).toBe(0);
});

test('warm, frozen: fresh venv and no pip cache, zero requests to the stand-in', async () => {
  await stack.restartProxy({ indexPolicy: 'frozen' });
  stack.pypi.resetRequests();
  await installInFreshVenv('frozen');
  console.log(`warm frozen run, requests to the stand-in: ${stack.pypi.requests.length}`);
  expect(stack.pypi.requests).toEqual([]);
  expect(stack.proxy.stats().servedFromStore).toBeGreaterThan(0);
});

test('warm, revalidate: at most one page request per project, no file requests', async () => {
  await stack.restartProxy({ indexPolicy: 'revalidate' });
  stack.pypi.resetRequests();
  await installInFreshVenv('revalidate');
  const counts = stack.pypi.counts();
  console.log(
    `warm revalidate run, requests to the stand-in: ${JSON.stringify({ ...counts, byPath: undefined })}`,
  );
  expect(counts.files + counts.metadata).toBe(0);
  expect(counts.pages).toBeLessThanOrEqual(4);
  for (const times of Object.values(counts.byPath)) expect(times).toBe(1);
  // Conditional requests: the pages did not change, so upstream answered 304.
  expect(stack.pypi.requests.every((r) => r.status === 304)).toBe(true);
});
