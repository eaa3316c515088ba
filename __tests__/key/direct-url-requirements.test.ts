import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasDirectUrlRequirement, hasDirectUrlRequirements } from '../../src/key/direct-url-requirements.js';

describe('hasDirectUrlRequirement', () => {
  it('finds PEP 508 direct references and bare URL lines', () => {
    for (const text of [
      'alpha @ https://files.pythonhosted.org/packages/ab/cd/ef/alpha-1.0-py3-none-any.whl\n',
      'beta[extra]@http://mirror.example/beta-2.0.tar.gz#sha256=00\n',
      'gamma==1.0\n  https://files.example/gamma-1.0-py3-none-any.whl  \n',
      'delta @ https://x.example/d.whl ; python_version >= "3.9"\n',
    ]) {
      expect([text, hasDirectUrlRequirement(text)]).toEqual([text, true]);
    }
  });

  it('ignores URLs of options, comments and pins: those go through the index', () => {
    for (const text of [
      'alpha==1.0\n--index-url https://pypi.org/simple/\n-f https://wheels.example/\n',
      '# see https://example.org/why\nbeta==2.0 # https://pinned.example\n',
      '--extra-index-url=https://mirror.example/simple/\ngamma>=1\n',
    ]) {
      expect([text, hasDirectUrlRequirement(text)]).toEqual([text, false]);
    }
  });
});

describe('hasDirectUrlRequirements', () => {
  it('reads the requirements files among the dependency files, and only those', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'direct-url-'));
    try {
      writeFileSync(join(workspace, 'requirements.txt'), 'alpha==1.0\n');
      writeFileSync(
        join(workspace, 'direct.txt'),
        'beta @ https://files.example/beta-1.0-py3-none-any.whl\n',
      );
      writeFileSync(
        join(workspace, 'pyproject.toml'),
        'dependencies = ["x @ https://files.example/x.whl"]\n',
      );
      expect(hasDirectUrlRequirements(workspace, ['requirements.txt'])).toBe(false);
      expect(hasDirectUrlRequirements(workspace, ['requirements.txt', 'direct.txt'])).toBe(true);
      expect(hasDirectUrlRequirements(workspace, ['pyproject.toml', 'missing.txt'])).toBe(false);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
