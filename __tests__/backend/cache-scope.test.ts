// The refs a run may restore from, read from the runner's variables and event file as the
// runner writes them (issue 9, case 8). Real event files in a temp folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCacheScope } from '../../src/backend/cache-scope.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cache-scope-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function event(name: string, payload: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

test('a push reads its own branch, then the default branch', () => {
  const env = {
    GITHUB_REF: 'refs/heads/feature-a',
    GITHUB_EVENT_PATH: event('push', { repository: { default_branch: 'main' } }),
  };
  expect(readCacheScope(env)).toEqual({
    ownRef: 'refs/heads/feature-a',
    restoreRefs: ['refs/heads/feature-a', 'refs/heads/main'],
    notes: [],
  });
});

test('a pull request saves under its merge ref and reads it, its base branch, then the default branch', () => {
  const path = event('pr', {
    repository: { default_branch: 'main' },
    pull_request: { base: { ref: 'release' } },
  });
  const scope = readCacheScope({
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_BASE_REF: 'release',
    GITHUB_EVENT_PATH: path,
  });
  expect(scope.ownRef).toBe('refs/pull/7/merge');
  expect(scope.restoreRefs).toEqual(['refs/pull/7/merge', 'refs/heads/release', 'refs/heads/main']);
  // GITHUB_BASE_REF missing: the event's pull_request.base.ref says the same.
  expect(readCacheScope({ GITHUB_REF: 'refs/pull/7/merge', GITHUB_EVENT_PATH: path }).restoreRefs).toEqual(
    scope.restoreRefs,
  );
});

test('a ref is listed once: on the default branch, or a pull request into it', () => {
  const path = event('main', { repository: { default_branch: 'main' } });
  expect(readCacheScope({ GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: path }).restoreRefs).toEqual([
    'refs/heads/main',
  ]);
  expect(
    readCacheScope({ GITHUB_REF: 'refs/pull/8/merge', GITHUB_BASE_REF: 'main', GITHUB_EVENT_PATH: path })
      .restoreRefs,
  ).toEqual(['refs/pull/8/merge', 'refs/heads/main']);
});

test('a tag is its own scope, kept apart from a branch of the same name', () => {
  const path = event('tag', { repository: { default_branch: 'v1' } });
  expect(readCacheScope({ GITHUB_REF: 'refs/tags/v1', GITHUB_EVENT_PATH: path }).restoreRefs).toEqual([
    'refs/tags/v1',
    'refs/heads/v1',
  ]);
});

test('an unknown default branch is said, and not guessed', () => {
  const noRepository = readCacheScope({
    GITHUB_REF: 'refs/heads/feature-a',
    GITHUB_EVENT_PATH: event('bare', {}),
  });
  expect(noRepository.restoreRefs).toEqual(['refs/heads/feature-a']);
  expect(noRepository.notes).toEqual([expect.stringMatching(/bare\.json has no repository\.default_branch/)]);
  const noEvent = readCacheScope({ GITHUB_REF: 'refs/heads/feature-a' });
  expect(noEvent.restoreRefs).toEqual(['refs/heads/feature-a']);
  expect(noEvent.notes).toEqual([expect.stringMatching(/GITHUB_EVENT_PATH is not set/)]);
  const unreadable = readCacheScope({
    GITHUB_REF: 'refs/heads/feature-a',
    GITHUB_EVENT_PATH: join(dir, 'missing.json'),
  });
  expect(unreadable.restoreRefs).toEqual(['refs/heads/feature-a']);
});

test('outside Actions (no GITHUB_REF): one shared scope of its own, and a note saying so', () => {
  expect(readCacheScope({})).toEqual({
    ownRef: '',
    restoreRefs: [''],
    notes: [expect.stringMatching(/^GITHUB_REF is not set/)],
  });
});
