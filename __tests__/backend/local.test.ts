import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CacheScope, readCacheScope } from '../../src/backend/cache-scope.js';
import { LocalCacheBackend } from '../../src/backend/local.js';

let root: string;
let pip: string;
let uv: string;
let backend: LocalCacheBackend;
// A push to the default branch: its own ref is the only one it reads.
const onMain: CacheScope = { ownRef: 'refs/heads/main', restoreRefs: ['refs/heads/main'], notes: [] };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'local-backend-'));
  pip = join(root, 'pip');
  uv = join(root, 'uv');
  mkdirSync(join(pip, 'wheels'), { recursive: true });
  mkdirSync(uv);
  writeFileSync(join(pip, 'wheels', 'a.whl'), 'pip bytes');
  writeFileSync(join(uv, 'b.txt'), 'uv bytes');
  backend = new LocalCacheBackend(join(root, 'store'), onMain);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function empty(...folders: string[]): void {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}

test('a saved entry restores every folder to its own place', async () => {
  expect(await backend.save([pip, uv], 'k-1')).toEqual({ status: 'saved' });
  empty(pip, uv);
  expect(await backend.restore([pip, uv], 'k-1', [])).toEqual({ matchedKey: 'k-1' });
  expect(readFileSync(join(pip, 'wheels', 'a.whl'), 'utf8')).toBe('pip bytes');
  expect(readFileSync(join(uv, 'b.txt'), 'utf8')).toBe('uv bytes');
});

test('the exact key wins, then the newest entry under a restore key', async () => {
  await backend.save([pip, uv], 'k-old');
  writeFileSync(join(uv, 'b.txt'), 'newer');
  await new Promise((resolve) => setTimeout(resolve, 5));
  await backend.save([pip, uv], 'k-new');
  writeFileSync(join(uv, 'b.txt'), 'unrelated');
  await backend.save([pip, uv], 'other-1');
  empty(pip, uv);

  expect((await backend.restore([pip, uv], 'k-old', ['k-'])).matchedKey).toBe('k-old');
  expect((await backend.restore([pip, uv], 'k-missing', ['k-'])).matchedKey).toBe('k-new');
  expect(readFileSync(join(uv, 'b.txt'), 'utf8')).toBe('newer');
  expect((await backend.restore([pip, uv], 'x-missing', ['x-'])).matchedKey).toBeUndefined();
});

test('another list of folders does not match, like the service version', async () => {
  await backend.save([pip, uv], 'k-1');
  expect((await backend.restore([pip], 'k-1', ['k-'])).matchedKey).toBeUndefined();
});

test('saving a key twice keeps the first entry and says so', async () => {
  await backend.save([pip, uv], 'k-1');
  writeFileSync(join(uv, 'b.txt'), 'second');
  expect((await backend.save([pip, uv], 'k-1')).status).toBe('exists');
  empty(pip, uv);
  await backend.restore([pip, uv], 'k-1', []);
  expect(readFileSync(join(uv, 'b.txt'), 'utf8')).toBe('uv bytes');
});

test('an interrupted save (archive without its record) is never restored', async () => {
  await backend.save([pip, uv], 'k-1');
  const store = join(root, 'store');
  for (const name of readdirSync(store).filter((n) => n.endsWith('.json'))) rmSync(join(store, name));
  expect((await backend.restore([pip, uv], 'k-1', ['k-'])).matchedKey).toBeUndefined();
});

test('past its size limit, the entries used least recently are evicted', async () => {
  const store = join(root, 'bounded');
  const probe = new LocalCacheBackend(join(root, 'probe'), onMain);
  await probe.save([pip, uv], 'size-probe');
  const probeRecord = readdirSync(join(root, 'probe')).find((name) => name.endsWith('.json')) as string;
  const entrySize = JSON.parse(readFileSync(join(root, 'probe', probeRecord), 'utf8')).size as number;

  // Room for two entries, not three.
  const bounded = new LocalCacheBackend(store, onMain, Math.floor(entrySize * 2.5));
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  await bounded.save([pip, uv], 'k-1');
  await pause();
  await bounded.save([pip, uv], 'k-2');
  await pause();
  expect((await bounded.restore([pip, uv], 'k-1', [])).matchedKey).toBe('k-1');
  await pause();
  await bounded.save([pip, uv], 'k-3');

  expect((await bounded.restore([pip, uv], 'k-2', [])).matchedKey).toBeUndefined();
  expect((await bounded.restore([pip, uv], 'k-1', [])).matchedKey).toBe('k-1');
  expect((await bounded.restore([pip, uv], 'k-3', [])).matchedKey).toBe('k-3');
  expect(readdirSync(store)).toHaveLength(4);
});

describe('branch scope, as the cache service applies it (issue 9, case 8)', () => {
  // Jobs on different refs sharing one folder, as on a self-hosted runner. The scopes come from
  // the runner's own variables and event file, through readCacheScope.
  let shared: string;
  beforeEach(() => {
    shared = join(root, 'shared');
  });

  /** A job's view of the shared folder: GITHUB_REF, GITHUB_BASE_REF and the event's default branch. */
  function jobOn(ref: string, options: { base?: string; defaultBranch?: string | null } = {}) {
    const eventPath = join(root, `event-${Math.random().toString(36).slice(2)}.json`);
    const defaultBranch = options.defaultBranch === undefined ? 'main' : options.defaultBranch;
    writeFileSync(
      eventPath,
      JSON.stringify(defaultBranch ? { repository: { default_branch: defaultBranch } } : {}),
    );
    const env = { GITHUB_REF: ref, GITHUB_BASE_REF: options.base ?? '', GITHUB_EVENT_PATH: eventPath };
    return new LocalCacheBackend(shared, readCacheScope(env));
  }

  /** Saves the two folders holding `content` under `key`. */
  async function saveAs(job: LocalCacheBackend, key: string, content: string): Promise<void> {
    writeFileSync(join(uv, 'b.txt'), content);
    expect(await job.save([pip, uv], key)).toEqual({ status: 'saved' });
    // createdAt is in ms: keep "newest" unambiguous.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async function restoredBy(job: LocalCacheBackend, key: string, restoreKeys: string[] = []) {
    empty(pip, uv);
    const { matchedKey } = await job.restore([pip, uv], key, restoreKeys);
    return matchedKey ? { matchedKey, content: readFileSync(join(uv, 'b.txt'), 'utf8') } : undefined;
  }

  test("a pull request's save is restored by neither the default branch nor a sibling pull request", async () => {
    const pr7 = jobOn('refs/pull/7/merge', { base: 'main' });
    await saveAs(pr7, 'k-1', 'from pr 7');

    expect(await restoredBy(jobOn('refs/heads/main'), 'k-1', ['k-'])).toBeUndefined();
    expect(await restoredBy(jobOn('refs/pull/8/merge', { base: 'main' }), 'k-1', ['k-'])).toBeUndefined();
    expect(await restoredBy(jobOn('refs/heads/feature-c'), 'k-1', ['k-'])).toBeUndefined();
    // A re-run of the pull request itself does.
    expect(await restoredBy(jobOn('refs/pull/7/merge', { base: 'main' }), 'k-1')).toEqual({
      matchedKey: 'k-1',
      content: 'from pr 7',
    });
  });

  test("a pull request restores its base branch's and the default branch's entries, not a sibling branch's", async () => {
    await saveAs(jobOn('refs/heads/main'), 'k-main', 'from main');
    await saveAs(jobOn('refs/heads/feature-a'), 'k-feature-a', 'from feature-a');
    await saveAs(jobOn('refs/heads/feature-c'), 'k-feature-c', 'from feature-c');
    const pr = jobOn('refs/pull/9/merge', { base: 'feature-a' });

    expect(await restoredBy(pr, 'k-main')).toEqual({ matchedKey: 'k-main', content: 'from main' });
    expect(await restoredBy(pr, 'k-feature-a')).toEqual({
      matchedKey: 'k-feature-a',
      content: 'from feature-a',
    });
    expect(await restoredBy(pr, 'k-feature-c')).toBeUndefined();
    // A push to a branch reads its own ref and the default branch, never a sibling's.
    expect(await restoredBy(jobOn('refs/heads/feature-b'), 'k-feature-a')).toBeUndefined();
    expect(await restoredBy(jobOn('refs/heads/feature-b'), 'k-main')).toEqual({
      matchedKey: 'k-main',
      content: 'from main',
    });
    // A tag is a scope of its own: release-b does not read release-a's entry.
    await saveAs(jobOn('refs/tags/release-a'), 'k-tag', 'from release-a');
    expect(await restoredBy(jobOn('refs/tags/release-b'), 'k-tag')).toBeUndefined();
  });

  test('every step of the search on the own ref first, then the base branch, then the default branch', async () => {
    // The default branch holds the exact key; the pull request's own ref only a fallback.
    await saveAs(jobOn('refs/heads/main'), 'k-2', 'exact, on main');
    await saveAs(jobOn('refs/heads/main'), 'k-3', 'newest, on main');
    await saveAs(jobOn('refs/heads/feature-a'), 'k-base', 'on the base branch');
    const pr = jobOn('refs/pull/9/merge', { base: 'feature-a' });
    await saveAs(pr, 'k-1', 'fallback, on the pull request');

    expect(await restoredBy(pr, 'k-2', ['k-'])).toEqual({
      matchedKey: 'k-1',
      content: 'fallback, on the pull request',
    });
    // Without one of its own, the base branch's entry wins over the newer ones of the default branch.
    const otherPr = jobOn('refs/pull/10/merge', { base: 'feature-a' });
    expect(await restoredBy(otherPr, 'k-2', ['k-'])).toEqual({
      matchedKey: 'k-base',
      content: 'on the base branch',
    });
    // On one ref: the exact key, then the newest entry under the key as prefix, then restore keys.
    const main = jobOn('refs/heads/main');
    expect((await restoredBy(main, 'k-2', ['k-']))?.matchedKey).toBe('k-2');
    expect((await restoredBy(main, 'k-', []))?.matchedKey).toBe('k-3');
  });

  test('the same key saved on two refs makes two entries, each restored in its own scope', async () => {
    await saveAs(jobOn('refs/heads/main'), 'k-1', 'from main');
    await saveAs(jobOn('refs/heads/feature-a'), 'k-1', 'from feature-a');
    expect(await restoredBy(jobOn('refs/heads/feature-a'), 'k-1')).toEqual({
      matchedKey: 'k-1',
      content: 'from feature-a',
    });
    expect(await restoredBy(jobOn('refs/heads/main'), 'k-1')).toEqual({
      matchedKey: 'k-1',
      content: 'from main',
    });
  });

  test('with the default branch unknown, only the own ref and the base branch are read', async () => {
    await saveAs(jobOn('refs/heads/main'), 'k-main', 'from main');
    await saveAs(jobOn('refs/heads/feature-a'), 'k-base', 'from feature-a');
    const blind = jobOn('refs/pull/9/merge', { base: 'feature-a', defaultBranch: null });
    expect(blind.scope.notes).toEqual([
      expect.stringMatching(/^The default branch is unknown .*not restored/),
    ]);
    expect(await restoredBy(blind, 'k-main')).toBeUndefined();
    expect((await restoredBy(blind, 'k-base'))?.matchedKey).toBe('k-base');
  });

  test('runs outside Actions (no GITHUB_REF) share a scope no run on a ref reads', async () => {
    const outside = new LocalCacheBackend(shared, readCacheScope({}));
    await saveAs(outside, 'k-local', 'from a laptop');
    await saveAs(jobOn('refs/heads/main'), 'k-main', 'from main');
    expect(await restoredBy(jobOn('refs/heads/main'), 'k-local')).toBeUndefined();
    expect(await restoredBy(new LocalCacheBackend(shared, readCacheScope({})), 'k-main')).toBeUndefined();
    expect((await restoredBy(new LocalCacheBackend(shared, readCacheScope({})), 'k-local'))?.matchedKey).toBe(
      'k-local',
    );
  });

  test('an entry saved before scopes were recorded is never restored', async () => {
    // As the previous version wrote it: no scope in the record, files named by key and paths only.
    const main = jobOn('refs/heads/main');
    await saveAs(main, 'k-1', 'unscoped');
    const record = readdirSync(shared).find((name) => name.endsWith('.json')) as string;
    const { scope: _dropped, ...legacy } = JSON.parse(readFileSync(join(shared, record), 'utf8'));
    const version = createHash('sha256').update([pip, uv].join('\n')).digest('hex');
    const legacyId = createHash('sha256').update(`k-1\n${version}`).digest('hex').slice(0, 32);
    renameSync(join(shared, record.replace(/\.json$/, '.tar')), join(shared, `${legacyId}.tar`));
    rmSync(join(shared, record));
    writeFileSync(join(shared, `${legacyId}.json`), JSON.stringify(legacy));

    expect(await restoredBy(main, 'k-1', ['k-'])).toBeUndefined();
    expect(await restoredBy(jobOn('refs/pull/7/merge', { base: 'main' }), 'k-1', ['k-'])).toBeUndefined();
  });
});
