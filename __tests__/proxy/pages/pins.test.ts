// Pinned versions under revalidate: a stored page listing every pinned version is served from
// the store; a page missing a pinned version (a lockfile bump) is asked upstream.
import { join } from 'node:path';
import type { ProjectPage } from '../../../src/proxy/pages/pages.js';
import { fileVersion, pageHasPinnedVersions } from '../../../src/proxy/pages/pins.js';
import { buildWheels } from '../../support/wheels.js';
import { PIP_ACCEPT, request, type Stack, startStack } from '../harness.js';

test.each([
  ['demo_pkg-1.0.0-py3-none-any.whl', '1'],
  ['demo_pkg-2.1-1-cp312-cp312-manylinux_2_17_x86_64.whl', '2.1'],
  ['demo-pkg-1.2.0rc1.tar.gz', '1.2rc1'],
  ['Demo.Pkg-0.10.zip', '0.10'],
  ['README.txt', undefined],
])('fileVersion(%s) = %s', (filename, version) => {
  expect(fileVersion(filename)).toBe(version);
});

test('a page satisfies pins only when it offers every pinned version', () => {
  const page: ProjectPage = {
    name: 'demo',
    meta: {},
    extra: {},
    files: ['demo-1.0-py3-none-any.whl', 'demo-1.1.tar.gz'].map((filename) => ({
      filename,
      url: `https://files.example/${filename}`,
      hashes: {},
      extra: {},
    })),
  };
  expect(pageHasPinnedVersions(page, ['1.0.0'])).toBe(true);
  expect(pageHasPinnedVersions(page, ['1.0', '1.1'])).toBe(true);
  expect(pageHasPinnedVersions(page, ['1.2'])).toBe(false);
  expect(pageHasPinnedVersions(page, [])).toBe(false);
  expect(pageHasPinnedVersions(page, undefined)).toBe(false);
});

describe('revalidate with pins', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack([
      { name: 'alpha', version: '1.0' },
      { name: 'beta', version: '1.0' },
      { name: 'gamma', version: '1.0' },
    ]);
    for (const project of ['alpha', 'beta', 'gamma']) {
      await request(`${stack.proxy.url}/simple/${project}/`, { headers: { accept: PIP_ACCEPT } });
    }
  });
  afterAll(() => stack.stop());

  test('only the bumped project and the unpinned one go upstream', async () => {
    const [bumped] = await buildWheels(join(stack.dir, 'more'), [{ name: 'beta', version: '2.0' }]);
    if (!bumped) throw new Error('fixture');
    stack.pypi.addWheels([bumped]);
    const pins = new Map([
      ['alpha', ['1.0']],
      ['beta', ['2.0']],
    ]);
    await stack.restartProxy({ indexPolicy: 'revalidate', pins });
    stack.pypi.resetRequests();

    for (const project of ['alpha', 'beta', 'gamma']) {
      const page = await request(`${stack.proxy.url}/simple/${project}/`, {
        headers: { accept: PIP_ACCEPT },
      });
      expect(page.status).toBe(200);
      if (project === 'beta') expect(JSON.parse(page.body.toString()).versions).toEqual(['1.0', '2.0']);
    }
    expect(Object.keys(stack.pypi.counts().byPath).sort()).toEqual(['/simple/beta/', '/simple/gamma/']);
  });
});
