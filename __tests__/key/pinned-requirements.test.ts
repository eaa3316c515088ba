import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readPinnedRequirements } from '../../src/key/pinned-requirements.js';

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'pinned-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function write(name: string, content: string): string {
  mkdirSync(dirname(join(workspace, name)), { recursive: true });
  writeFileSync(join(workspace, name), content);
  return name;
}

test('pins with extras, markers, hashes, comments and harmless options are pinned', () => {
  const file = write(
    'requirements.txt',
    [
      '# compiled by pip-compile',
      '--index-url https://pypi.org/simple/',
      '--require-hashes',
      'Requests[socks]==2.32.3 ; python_version >= "3.8" \\',
      '    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000',
      'urllib3===2.2.1  # via requests',
      'zope.interface == 6.4',
      '',
    ].join('\n'),
  );
  expect(readPinnedRequirements(workspace, [file, 'pyproject.toml'])).toEqual({
    pinned: true,
    pins: [
      { project: 'requests', version: '2.32.3', conditional: true },
      { project: 'urllib3', version: '2.2.1', conditional: false },
      { project: 'zope-interface', version: '6.4', conditional: false },
    ],
  });
});

test.each([
  ['a range', 'lib-core>=1.0', "line 2: 'lib-core>=1.0' is not pinned"],
  ['a name alone', 'lib-core', "line 2: 'lib-core' is not pinned"],
  ['a wildcard', 'flake8==7.*', "'flake8==7.*' is not pinned"],
  ['two clauses', 'a==1.0,!=1.0.1', "'a==1.0,!=1.0.1' is not pinned"],
  ['a direct URL', 'a @ https://example.org/a-1.0-py3-none-any.whl', 'is not pinned'],
  ['an editable', '-e ./src', "'-e ./src' is not a pinned requirement"],
  ['an include of another file', '-r extra.txt', 'includes a file that is not among the dependency files'],
])('%s is not pinned, and the reason names file and line', (_kind, line, reason) => {
  const file = write('requirements.txt', `app==1.0.0\n${line}\n`);
  const result = readPinnedRequirements(workspace, [file]);
  expect(result.pinned).toBe(false);
  expect(result.pinned ? '' : result.reason).toContain('requirements.txt line 2');
  expect(result.pinned ? '' : result.reason).toContain(reason);
});

test('an include of another dependency file is fine: that file is checked too', () => {
  const main = write('requirements/main.txt', '-r base.txt\napp==1.0.0\n');
  const base = write('requirements/base.txt', 'lib-core>=1\n');
  const result = readPinnedRequirements(workspace, [main, base]);
  expect(result).toEqual({ pinned: false, reason: expect.stringContaining('requirements/base.txt line 1') });
  write('requirements/base.txt', 'lib-core==1.0.0\n');
  expect(readPinnedRequirements(workspace, [main, base])).toMatchObject({ pinned: true });
});

test('no requirements file at all is not pinned (a uv.lock or pyproject.toml is no -r input)', () => {
  write('uv.lock', 'version = 1\n');
  expect(readPinnedRequirements(workspace, ['uv.lock'])).toEqual({
    pinned: false,
    reason: expect.stringContaining('no requirements file'),
  });
});
