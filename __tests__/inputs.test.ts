import { DEFAULT_DEPENDENCY_FILES, parseInputs } from '../src/inputs.js';

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
  ])('invalid %s %j fails with a message naming the input', (name, value, message) => {
    expect(() => parseInputs(read({ [name]: value }))).toThrow(message);
  });
});
