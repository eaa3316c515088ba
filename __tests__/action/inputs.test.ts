import { parseInputs, redact } from '../../src/action/inputs.js';
import { DEFAULT_DEPENDENCY_FILES } from '../../src/key/dependency-files.js';

const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseInputs', () => {
  test('empty inputs give the documented defaults', () => {
    expect(parseInputs(read({}))).toEqual({
      installer: 'auto',
      dependencyFiles: DEFAULT_DEPENDENCY_FILES,
      pythonVersion: undefined,
      keyPrefix: 'pypi-cache',
      keySuffix: '',
      restoreFallback: true,
      save: 'always',
      prune: 'auto',
      cacheBackend: 'auto',
      localCacheDir: undefined,
      proxy: false,
      proxyMode: 'auto',
      indexUrl: undefined,
      extraIndexUrls: [],
      interceptHosts: [],
      allowFileHosts: [],
      proxyHost: '127.0.0.1',
      proxyPort: undefined,
    });
  });

  test('allow-file-hosts: one a line or comma-separated, lower-cased, each once', () => {
    const inputs = parseInputs(
      read({
        'allow-file-hosts':
          'Files.Example.com, *.blob.example.net\n# storage\n\n10.0.0.7,[fd00::7]\nfiles.example.com\n',
      }),
    );
    expect(inputs.allowFileHosts).toEqual([
      'files.example.com',
      '*.blob.example.net',
      '10.0.0.7',
      '[fd00::7]',
    ]);
  });

  test('proxy inputs: extra indexes get names, explicit names are kept', () => {
    const inputs = parseInputs(
      read({
        proxy: 'true',
        'index-url': 'https://user:pw@private.example/simple/',
        'extra-index-urls': 'https://a.example/simple/\ninternal=https://b.example/simple\n',
        'proxy-host': '0.0.0.0',
        'proxy-port': '3141',
        'proxy-mode': 'Intercept',
        'intercept-hosts': 'Mirror.Example\nb.example:8443, mirror.example\n',
      }),
    );
    expect(inputs).toMatchObject({
      proxy: true,
      proxyMode: 'intercept',
      indexUrl: 'https://user:pw@private.example/simple/',
      extraIndexUrls: [
        { name: 'extra1', url: 'https://a.example/simple/' },
        { name: 'internal', url: 'https://b.example/simple' },
      ],
      interceptHosts: ['mirror.example', 'b.example:8443'],
      proxyHost: '0.0.0.0',
      proxyPort: 3141,
    });
  });

  test('accepted spellings are read case-insensitively and trimmed', () => {
    const inputs = parseInputs(
      read({
        installer: ' UV ',
        save: 'default-branch',
        prune: 'True',
        'restore-fallback': 'FALSE',
        'cache-backend': 'local',
        'python-version': '3.13.1',
        'dependency-files': 'requirements/*.txt\n\n# a comment\n!requirements/docs.txt\n',
      }),
    );
    expect(inputs).toMatchObject({
      installer: 'uv',
      save: 'default-branch',
      prune: 'on',
      restoreFallback: false,
      cacheBackend: 'local',
      pythonVersion: '3.13',
      dependencyFiles: ['requirements/*.txt', '!requirements/docs.txt'],
    });
  });

  test.each([
    ['3.13t', '3.13t'],
    ['pypy3.10', 'pypy3.10'],
    ['none', 'none'],
    ['NONE', 'none'],
  ])('python-version %s is kept as %s', (raw, expected) => {
    expect(parseInputs(read({ 'python-version': raw })).pythonVersion).toBe(expected);
  });

  test.each([
    ['installer', 'poetry', /Input 'installer': 'poetry' is not one of: auto, pip, uv/],
    ['save', 'yes', /Input 'save': 'yes' is not one of: true, false, default-branch/],
    ['prune', 'maybe', /Input 'prune': 'maybe' is not one of: auto, true, false/],
    ['restore-fallback', 'on', /Input 'restore-fallback': 'on' is not one of: true, false/],
    ['cache-backend', 's3', /Input 'cache-backend': 's3' is not one of: auto, actions, local/],
    ['python-version', 'latest', /Input 'python-version': 'latest' is not a Python version/],
    ['key-prefix', 'my,prefix', /Input 'key-prefix': 'my,prefix' may only contain/],
    ['key-suffix', 'has space', /Input 'key-suffix': 'has space' may only contain/],
    ['key-prefix', 'x'.repeat(129), /Input 'key-prefix': must be at most 128 characters/],
    [
      'dependency-files',
      'requirements[.txt',
      /Input 'dependency-files': 'requirements\[.txt' is not a valid glob: '\[' is never closed/,
    ],
    ['dependency-files', 'src/{a,b.txt', /'\{' is never closed/],
    ['dependency-files', 'a]b.txt', /'\]' has no matching '\['/],
    ['dependency-files', '/etc/passwd', /must be relative to the workspace/],
    ['dependency-files', 'C:\\deps\\req.txt', /must be relative to the workspace/],
    ['dependency-files', '../other/requirements.txt', /must not leave the workspace/],
    ['dependency-files', '!', /it is empty/],
    ['proxy', 'yes', /Input 'proxy': 'yes' is not one of: true, false/],
    ['index-url', 'pypi.org/simple', /Input 'index-url': 'pypi.org\/simple' is not a URL/],
    ['index-url', 'ftp://mirror/simple/', /Input 'index-url': 'ftp:\/\/mirror\/\*\*\*' must be an http/],
    ['index-url', 'https://u:secret@x.example/simple/?a=1', /Input 'index-url': 'https:\/\/\*\*\*@x.example/],
    ['extra-index-urls', 'Bad Name=https://x.example/simple/', /'Bad Name' is not a usable index name/],
    ['extra-index-urls', 'a=https://x.example/\na=https://y.example/', /the name 'a' is used twice/],
    [
      'intercept-hosts',
      'https://mirror.example/simple/',
      /Input 'intercept-hosts': 'https:\/\/mirror\.example\/\*\*\*' is not a host name/,
    ],
    ['intercept-hosts', 'mirror.example/simple', /Input 'intercept-hosts': .* no scheme or path/],
    ['proxy-port', '70000', /Input 'proxy-port': '70000' is not a port/],
    ['proxy-host', 'local host', /Input 'proxy-host': 'local host' is not an address/],
    [
      'allow-file-hosts',
      'https://files.example.com/bucket/',
      /Input 'allow-file-hosts': 'https:\/\/files\.example\.com\/\*\*\*' is not a host; use a host name \(files\.example\.com\), \*\.example\.com for its subdomains, or an IP address, one a line or comma-separated \(here: files\.example\.com\)\./,
    ],
    [
      'allow-file-hosts',
      'files.example.com:8443',
      /Input 'allow-file-hosts': 'files\.example\.com:8443' is not a host/,
    ],
    ['allow-file-hosts', 'ok.example, bad host', /Input 'allow-file-hosts': 'bad host' is not a host/],
  ])('invalid %s %j fails with a message naming the input', (name, value, message) => {
    expect(() => parseInputs(read({ [name]: value }))).toThrow(message);
  });
});

describe('index URLs in validation errors (issue 9, cases 10 and 11)', () => {
  // An unescaped @ in the password: the userinfo runs to the last @ of the authority.
  test.each([
    ['index-url', 'https://user:p@ss@word@private.example/simple/?x=1'],
    ['index-url', 'ftp://user:p@ss@word@private.example/simple/'],
    ['extra-index-urls', 'corp=https://user:p@ss@word@private.example/simple/#frag'],
  ])('%s: no part of a password holding @ is printed', (name, value) => {
    let message = '';
    try {
      parseInputs(read({ [name]: value }));
    } catch (error: unknown) {
      message = (error as Error).message;
    }
    expect(message).toContain('***@private.example');
    for (const part of ['user', 'p@ss', 'ss@word', 'word']) expect(message).not.toContain(part);
  });

  test('the path of a private index (where tokens live) is not printed either', () => {
    expect(() =>
      parseInputs(read({ 'index-url': 'https://dl.cloudsmith.io/T0KEN123/org/repo/python/simple/?a=1' })),
    ).toThrow(/'https:\/\/dl\.cloudsmith\.io\/\*\*\*' must have no query/);
    expect(redact('https://pypi.org/simple/?a')).toBe('https://pypi.org/simple/?a');
  });
});
