// End to end, outside Actions' RUNNER_TEMP (local-action runs, self-made runners): the action's
// folders then live in the system's temp dir, which every user of the machine can write. The
// bundled action under the runner emulation with RUNNER_TEMP unset and TMPDIR a temp folder of
// the test, where "another user" planted the action's folder beforehand.
import {
  chmodSync,
  existsSync,
  lchownSync,
  mkdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { job, project, pypi, root, useCacheJobs } from './cache-jobs-fixture.js';

useCacheJobs('cache-jobs-shared-temp-');

const uid = process.getuid?.();
const posixOnly = uid === undefined ? test.skip : test;

/** A user's folder with a file in pip/, which a planted link would have the action empty. */
function victim(name: string): string {
  const home = join(root, name, 'victim-home');
  mkdirSync(join(home, 'pip'), { recursive: true });
  writeFileSync(join(home, 'pip', 'keep'), 'not the job');
  return home;
}

posixOnly(
  'a planted symlink in the shared temp dir is refused, and what it points at is left alone',
  async () => {
    const { workspace } = project('symlink', 'tiny-util==0.3.0\n');
    const shared = join(root, 'symlink', 'tmp');
    mkdirSync(shared, { recursive: true });
    const home = victim('symlink');
    // Both the name every user shared before and this user's own name point at the victim.
    symlinkSync(home, join(shared, 'pypi-cache-action'));
    symlinkSync(home, join(shared, `pypi-cache-action-${uid}`));
    const main = await job(workspace, { RUNNER_TEMP: undefined, TMPDIR: shared }).runMain();
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain(
      `${join(shared, `pypi-cache-action-${uid}`)} is a symlink; it accepts only a directory (not a symlink) owned by this user`,
    );
    expect(existsSync(join(home, 'pip', 'keep'))).toBe(true);
  },
);

posixOnly('a folder writable by others is refused and not emptied', async () => {
  const { workspace } = project('open', 'tiny-util==0.3.0\n');
  const shared = join(root, 'open', 'tmp');
  const planted = join(shared, `pypi-cache-action-${uid}`);
  mkdirSync(join(planted, 'pip'), { recursive: true });
  chmodSync(planted, 0o777);
  writeFileSync(join(planted, 'pip', 'keep'), 'planted');
  const main = await job(workspace, { RUNNER_TEMP: undefined, TMPDIR: shared }).runMain();
  expect(main.exitCode).toBe(1);
  expect(main.errors.join('\n')).toContain(`${planted} is writable by others (mode 777)`);
  expect(existsSync(join(planted, 'pip', 'keep'))).toBe(true);
});

posixOnly(
  "with no folder there, the job's folders are made for this user alone (mode 0700), the proxy's too",
  async () => {
    const { workspace } = project('fresh', 'tiny-util==0.3.0\n');
    const shared = join(root, 'fresh', 'tmp');
    mkdirSync(shared, { recursive: true });
    const fresh = job(
      workspace,
      { RUNNER_TEMP: undefined, TMPDIR: shared },
      { proxy: 'true', 'index-url': pypi.indexUrl },
    );
    const main = await fresh.runMain();
    expect({ code: main.exitCode, errors: main.errors }).toEqual({ code: 0, errors: [] });
    const own = join(shared, `pypi-cache-action-${uid}`);
    // This user's folder, and in it one for this job (as RUNNER_TEMP is per job).
    const pipDir = main.outputs['pip-cache-dir'] ?? '';
    expect(pipDir).toMatch(new RegExp(`^${own}/job-[0-9a-f]{12}/pypi-cache-action/pip$`));
    const jobDir = dirname(dirname(pipDir));
    for (const folder of [own, jobDir, dirname(pipDir), join(jobDir, 'pypi-cache-proxy')]) {
      expect([folder, statSync(folder).mode & 0o777]).toEqual([folder, 0o700]);
    }
    expect(existsSync(join(shared, 'pypi-cache-action'))).toBe(false);
    const post = await fresh.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    // Nobody empties the shared temp dir after the job: the post step removes the cache folders
    // (the entry has them); the daemon's folder stays for the tunnel relay and the CA bundle.
    expect(existsSync(dirname(pipDir))).toBe(false);
    expect(existsSync(join(jobDir, 'pypi-cache-proxy'))).toBe(true);
  },
);

posixOnly(
  'a TMPDIR that others may write without the sticky bit is refused: they could rename our checked folder and put a symlink there',
  async () => {
    const { workspace } = project('open-tmpdir', 'tiny-util==0.3.0\n');
    const shared = join(root, 'open-tmpdir', 'tmp');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    const main = await job(workspace, { RUNNER_TEMP: undefined, TMPDIR: shared }).runMain();
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain(
      `is in ${shared}, which is writable by others without the sticky bit (mode 777)`,
    );
    expect(existsSync(join(shared, `pypi-cache-action-${uid}`))).toBe(false);
  },
);

const asRoot = uid === 0 ? test : test.skip;

asRoot(
  "a TMPDIR symlink another user owns, repointed between the steps, sends the post step's prune nowhere else (as root)",
  async () => {
    const { workspace } = project('tmpdir-link', 'tiny-util==0.3.0\n');
    const real = join(root, 'tmpdir-link', 'real');
    mkdirSync(real, { recursive: true });
    const link = join(root, 'tmpdir-link', 'tmp');
    symlinkSync(real, link);
    lchownSync(link, 65534, 65534);
    // A folder of this user's elsewhere, of the same name (another TMPDIR this user has).
    const victim = join(root, 'tmpdir-link', 'victim');
    const victimHttp = join(victim, `pypi-cache-action-${uid}`, 'pip', 'http');
    mkdirSync(victimHttp, { recursive: true, mode: 0o700 });
    writeFileSync(join(victimHttp, 'keep'), 'not the job');
    const linked = job(workspace, { RUNNER_TEMP: undefined, TMPDIR: link }, { prune: 'true' });
    const main = await linked.runMain();
    expect({ code: main.exitCode, errors: main.errors }).toEqual({ code: 0, errors: [] });
    // The folders are named by the link's target, resolved once in the main step.
    expect(main.outputs['pip-cache-dir']).toMatch(
      new RegExp(
        `^${join(realpathSync(real), `pypi-cache-action-${uid}`)}/job-[0-9a-f]{12}/pypi-cache-action/pip$`,
      ),
    );
    // The link's owner points it at the victim's folder before the post step.
    rmSync(link);
    symlinkSync(victim, link);
    lchownSync(link, 65534, 65534);
    const post = await linked.runPost();
    expect(post.exitCode).toBe(0);
    expect(existsSync(join(victimHttp, 'keep'))).toBe(true);
  },
);

posixOnly(
  "two jobs of one user at once: the second one's main step empties nothing of the first's",
  async () => {
    const { workspace } = project('two-jobs', 'tiny-util==0.3.0\n');
    const shared = join(root, 'two-jobs', 'tmp');
    mkdirSync(shared, { recursive: true });
    const env = { RUNNER_TEMP: undefined, TMPDIR: shared };
    const first = job(workspace, env);
    const firstMain = await first.runMain();
    expect(firstMain.exitCode).toBe(0);
    // The first job's pip is at work in its cache folder...
    const firstPip = firstMain.outputs['pip-cache-dir'] ?? '';
    mkdirSync(join(firstPip, 'http-v2'), { recursive: true });
    writeFileSync(join(firstPip, 'http-v2', 'downloading'), 'the first job');
    // ...when the second job of the same user starts on the same machine.
    const secondMain = await job(workspace, env).runMain();
    expect(secondMain.exitCode).toBe(0);
    expect(existsSync(join(firstPip, 'http-v2', 'downloading'))).toBe(true);
    expect(secondMain.outputs['pip-cache-dir']).not.toBe(firstPip);
  },
);
