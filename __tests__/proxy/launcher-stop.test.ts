// Issue 9, case 15: the post step signals the recorded pid only while it is still the proxy.
// Real processes: a `sleep` holding a pid the state names, and the real daemon (dist/proxy.js,
// so `npm run build` first).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { isRunning, launchProxy, stopProxy } from '../../src/proxy/launcher.js';
import { removeDir, tempDir } from './harness.js';

let dir: string;
// Every process a test spawns, killed at the end: one left running keeps the jest worker alive.
const spawned: ChildProcess[] = [];

function track(child: ChildProcess): ChildProcess {
  spawned.push(child);
  return child;
}

beforeAll(async () => {
  dir = await tempDir('launcher');
});
afterAll(async () => {
  for (const child of spawned) child.kill('SIGKILL');
  await removeDir(dir);
});

const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux('a recorded pid that now belongs to another process is not signalled', async () => {
  const sleeper = track(spawn('sleep', ['30'], { stdio: 'ignore' }));
  const pid = sleeper.pid ?? 0;
  expect(await stopProxy(pid, 500, join(dir, 'store'))).toBe('not-ours');
  expect(isRunning(pid)).toBe(true);
});

/** `sh` runs `child` in the background, prints its pid and becomes a `sleep` that never reaps it. */
function parentThatNeverReaps(child: string): Promise<number> {
  const parent = track(
    spawn('sh', ['-c', `${child} & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  return new Promise((resolve) => parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk))));
}

onLinux('a process that exited but is not reaped yet (a zombie) is not running', async () => {
  // The daemon's parent is init by the post step; a container's init may reap late or never.
  const pid = await parentThatNeverReaps('sleep 30');
  expect(isRunning(pid)).toBe(true);
  // Before: kill(pid, 0) succeeds on a zombie, so this waited out the timeout and said 'killed'.
  expect(await stopProxy(pid, 5_000)).toBe('stopped');
  expect(isRunning(pid)).toBe(false);
});

onLinux(
  'the proxy itself, on its store, is stopped',
  async () => {
    const storeDir = join(dir, 'store');
    const launched = await launchProxy({
      script: join(process.cwd(), 'dist', 'proxy.js'),
      storeDir,
      upstreams: ['http://127.0.0.1:9/simple/'],
      host: '127.0.0.1',
      port: 0,
      indexPolicy: 'frozen',
      workDir: join(dir, 'work'),
      env: process.env,
    });
    // Another store's proxy is not this one.
    expect(await stopProxy(launched.pid, 5_000, join(dir, 'other-store'))).toBe('not-ours');
    expect(await stopProxy(launched.pid, 10_000, storeDir)).toBe('stopped');
  },
  30_000,
);
