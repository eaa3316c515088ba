import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLockfilePins } from '../../src/key/lockfile-pins.js';

let workspace: string;
beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'pins-'));
});
afterEach(() => rmSync(workspace, { recursive: true, force: true }));

function write(name: string, content: string): string {
  writeFileSync(join(workspace, name), content);
  return name;
}

test('requirements files: exact pins with extras, markers and hashes; ranges are not pins', () => {
  const file = write(
    'requirements.txt',
    [
      '# comment',
      'Requests[socks]==2.32.3 ; python_version >= "3.8" \\',
      '    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000',
      'urllib3===2.2.1',
      'Django>=4.2',
      'flake8==7.*',
      '-r other.txt',
      'zope.interface == 6.4',
    ].join('\n'),
  );
  expect(readLockfilePins(workspace, [file])).toEqual({
    requests: ['2.32.3'],
    urllib3: ['2.2.1'],
    'zope-interface': ['6.4'],
  });
});

test('uv.lock, poetry.lock, pdm.lock and pylock.toml package tables', () => {
  const uv = write(
    'uv.lock',
    `version = 1
requires-python = ">=3.12"

[[package]]
name = "anyio"
version = "4.4.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "idna" }]
wheels = [{ url = "https://files.pythonhosted.org/anyio-4.4.0-py3-none-any.whl", hash = "sha256:00" }]

[package.optional-dependencies]
trio = [{ name = "trio" }]

[[package]]
name = "idna"
version = "3.7"
`,
  );
  const pylock = write(
    'pylock.toml',
    'lock-version = "1.0"\n\n[[packages]]\nname = "Idna"\nversion = "3.8"\n',
  );
  expect(readLockfilePins(workspace, [uv, pylock])).toEqual({ anyio: ['4.4.0'], idna: ['3.7', '3.8'] });
});

test('Pipfile.lock default and develop sections', () => {
  const file = write(
    'Pipfile.lock',
    JSON.stringify({
      _meta: {},
      default: { flask: { version: '==3.0.3' }, local: { path: '.' } },
      develop: { pytest: { version: '==8.2.0' } },
    }),
  );
  expect(readLockfilePins(workspace, [file])).toEqual({ flask: ['3.0.3'], pytest: ['8.2.0'] });
});

test('files that pin nothing, or cannot be read, give no pins', () => {
  const pyproject = write('pyproject.toml', '[project]\nname = "x"\nversion = "1.0"\n');
  expect(readLockfilePins(workspace, [pyproject, 'missing/requirements.txt'])).toEqual({});
});
