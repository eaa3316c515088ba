// Issue 9, case 3: an upstream that accepts and then never answers, or sends a byte every two
// seconds, must not fail an install the store can serve. Real pip (isolated) under revalidate,
// against the PyPI stand-in's hang and trickle faults; pip keeps its own 15 s read timeout.
import { join } from 'node:path';
import { DEFAULT_COLD_PAGE_DEADLINE_MS } from '../../../src/proxy/pages/page-service.js';
import type { Fault } from '../../support/fake-pypi.js';
import { createVenv, installedPackages, isolatedPipEnv, pipInstall } from '../../support/pip.js';
import { PIP_ACCEPT, request, type Stack, startStack } from '../harness.js';

let stack: Stack;
const EXPECTED = { 'app-main': '1.0.0', 'lib-a': '1.2.0', 'lib-b': '2.0.0' };
const ALL_PAGES = /^\/simple\//;
// Short deadlines keep the suite fast (the defaults are 3 s and 12 s); what is tested is that a
// deadline, not pip's 15 s read timeout, ends the wait.
const DEADLINES = { pageDeadlineMs: 500, coldPageDeadlineMs: 1_000 };
const PIP_READ_TIMEOUT_MS = 15_000;

beforeAll(async () => {
  stack = await startStack([
    { name: 'App_Main', version: '1.0.0', dependencies: ['lib-a>=1.1', 'lib-b'] },
    { name: 'lib-a', version: '1.2.0' },
    { name: 'lib-b', version: '2.0.0' },
  ]);
  await fillStore(Object.keys(EXPECTED));
}, 60_000);
afterAll(() => stack.stop());
afterEach(() => stack.pypi.clearFaults());

/**
 * What a normal first job leaves in the store: every page and file it asked for (the pages as
 * pip asks, and each file with its PEP 658 metadata), fetched through the proxy without a pip
 * run of its own (~0.8 s of CPU): the jobs under test are pip's.
 */
async function fillStore(projects: string[]): Promise<void> {
  for (const project of projects) {
    const pageUrl = `${stack.proxy.url}/simple/${project}/`;
    const page = await request(pageUrl, { headers: { accept: PIP_ACCEPT } });
    if (page.status !== 200) throw new Error(`${pageUrl}: ${page.status}`);
    const { files } = JSON.parse(page.body.toString()) as {
      files: { url: string; 'core-metadata'?: unknown }[];
    };
    for (const file of files) {
      const url = new URL(file.url, pageUrl).toString();
      for (const wanted of file['core-metadata'] ? [url, `${url}.metadata`] : [url]) {
        const fetched = await request(wanted);
        if (fetched.status !== 200) throw new Error(`${wanted}: ${fetched.status}`);
      }
    }
  }
}

async function install(name: string, project = 'app-main', extra: string[] = []) {
  const python = await createVenv(join(stack.dir, `venv-${name}`));
  return pipInstall({
    python,
    args: [...extra, '--retries', '0', '--index-url', `${stack.proxy.url}/simple/`, project],
    env: isolatedPipEnv(),
  });
}

test.each<Fault>(['hang', 'trickle'])(
  'revalidate with a %s upstream: pip installs from the store, the upstream is marked down',
  async (fault) => {
    // A fresh proxy: a fresh breaker, and every page asks upstream once.
    await stack.restartProxy({ indexPolicy: 'revalidate', ...DEADLINES });
    stack.pypi.resetRequests();
    stack.pypi.injectFault({ path: ALL_PAGES, fault });
    const result = await install(fault);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(await installedPackages(join(stack.dir, `venv-${fault}`, 'bin/python'))).toEqual(EXPECTED);
    const stats = stack.proxy.stats();
    expect(stats.staleServed).toBe(3);
    // The first page ran into the deadline and opened the breaker: the rest did not ask.
    expect(stack.pypi.requests.filter((r) => ALL_PAGES.test(r.path))).toHaveLength(1);
  },
  60_000,
);

test('with no stored copy, a hung upstream is a clear 504 naming it, before pip times out', async () => {
  // The real default must answer before pip gives up on its own.
  expect(DEFAULT_COLD_PAGE_DEADLINE_MS).toBeLessThan(PIP_READ_TIMEOUT_MS);
  await stack.restartProxy({ indexPolicy: 'revalidate', ...DEADLINES });
  stack.pypi.injectFault({ path: ALL_PAGES, fault: 'hang' });
  const direct = await request(`${stack.proxy.url}/simple/never-stored/`);
  expect(direct.status).toBe(504);
  expect(direct.body.toString()).toMatch(/upstream pypi gave no complete answer .*within \d+ ms/);
  // pip sees the 504 (-vv: pip logs a failed page at debug level), not its own read timeout.
  const result = await install('cold-hang', 'never-stored-either', ['-vv']);
  expect(result.code).not.toBe(0);
  expect(`${result.stdout}${result.stderr}`).toMatch(/504/);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/Read timed out/i);
}, 60_000);
