import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasUrlLockfile, lockedUrlsIn, readLockedUrls } from '../../src/key/locked-urls.js';
import { tempFolders } from '../support/temp-folders.js';

const testDir = tempFolders('locked-urls-');

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

describe('lockedUrlsIn', () => {
  it('reads uv.lock sdists and wheels (inline tables, hash = "sha256:...")', () => {
    const text = `
[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/f1/70/x/idna-3.10.tar.gz", hash = "sha256:${A}", size = 190490 }
wheels = [
    { url = "https://files.pythonhosted.org/packages/76/c6/y/idna-3.10-py3-none-any.whl", hash = "sha256:${B.toUpperCase()}", size = 70442 },
]
`;
    expect(lockedUrlsIn(text)).toEqual({
      'https://files.pythonhosted.org/packages/f1/70/x/idna-3.10.tar.gz': A,
      'https://files.pythonhosted.org/packages/76/c6/y/idna-3.10-py3-none-any.whl': B,
    });
  });

  it('reads pylock.toml wheels inline and as tables, and skips URLs without a sha256', () => {
    const text = `
lock-version = "1.0"
[[packages]]
name = "alpha"
version = "1.0"
wheels = [{ url = "https://files.pythonhosted.org/packages/aa/bb/c/alpha-1.0-py3-none-any.whl", hashes = { sha256 = "${A}" } }]

[[packages]]
name = "beta"
version = "2.0"
[[packages.wheels]]
name = "beta-2.0-py3-none-any.whl"
url = "https://files.pythonhosted.org/packages/cc/dd/e/beta-2.0-py3-none-any.whl"
size = 10
hashes = { sha256 = "${C}" }

[packages.sdist]
url = "https://example.org/beta-2.0.tar.gz"
[packages.sdist.hashes]
md5 = "00"
`;
    expect(lockedUrlsIn(text)).toEqual({
      'https://files.pythonhosted.org/packages/aa/bb/c/alpha-1.0-py3-none-any.whl': A,
      'https://files.pythonhosted.org/packages/cc/dd/e/beta-2.0-py3-none-any.whl': C,
    });
  });

  it('reads only uv.lock and pylock files of the dependency files', () => {
    const dir = testDir();
    writeFileSync(
      join(dir, 'uv.lock'),
      `wheels = [{ url = "https://h.example/x.whl", hash = "sha256:${A}" }]\n`,
    );
    writeFileSync(join(dir, 'poetry.lock'), `url = "https://h.example/y.whl"\nhash = "sha256:${B}"\n`);
    expect(readLockedUrls(dir, ['uv.lock', 'poetry.lock', 'missing/pylock.toml'])).toEqual({
      'https://h.example/x.whl': A,
    });
    expect(hasUrlLockfile(['requirements.txt', 'sub/pylock.dev.toml'])).toBe(true);
    expect(hasUrlLockfile(['requirements.txt', 'poetry.lock'])).toBe(false);
  });
});
