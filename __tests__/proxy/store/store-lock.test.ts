// Issue 9, case 7 (first half): a store has one owner. Two real daemons (dist/proxy.js, so
// `npm run build` first) on one store: the second refuses, naming the lock and the holder's pid,
// and leaves tmp/ of the first alone; a lock left by a dead process is taken over.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreLock } from '../../../src/proxy/store/store-lock.js';
import { removeDir, tempDir } from '../harness.js';

let dir: string;
const running: ChildProcess[] = [];

beforeAll(async () => {
  dir = await tempDir('lock');
});
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await removeDir(dir);
});

function daemon(storeDir: string) {
  const child = spawn(
    process.execPath,
    [
      join(process.cwd(), 'dist', 'proxy.js'),
      '--store',
      storeDir,
      '--upstream',
      'http://127.0.0.1:9/simple/',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (output.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  listening.catch(() => {}); // a daemon expected to refuse never listens
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code, output }));
  });
  return { child, listening, exited };
}

test('a second proxy on a store in use refuses, names the lock and the holder, keeps tmp/', async () => {
  const storeDir = join(dir, 'store');
  const first = daemon(storeDir);
  await first.listening;
  const inFlight = join(storeDir, 'tmp', 'download-under-way');
  await writeFile(inFlight, 'partial');

  const second = daemon(storeDir);
  const { code, output } = await second.exited;
  expect(code).toBe(1);
  expect(output).toContain(join(storeDir, 'lock'));
  expect(output).toContain(`pid ${first.child.pid}`);
  expect(existsSync(inFlight)).toBe(true);

  first.child.kill('SIGTERM');
  await first.exited;
  expect(existsSync(join(storeDir, 'lock'))).toBe(false);
}, 30_000);

test('a lock left by a dead process is taken over', async () => {
  const storeDir = join(dir, 'stale');
  await mkdir(storeDir, { recursive: true });
  const gone = spawn('true');
  await new Promise((resolve) => gone.once('exit', resolve));
  const lock = { pid: gone.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(join(storeDir, 'lock'), JSON.stringify(lock));
  const proxy = daemon(storeDir);
  await proxy.listening;
  expect(JSON.parse(await readFile(join(storeDir, 'lock'), 'utf8')).pid).toBe(proxy.child.pid);
  proxy.child.kill('SIGTERM');
  await proxy.exited;
}, 30_000);

/**
 * `sh` starts a `sleep` in the background, prints its pid and becomes a `sleep` that never reaps
 * it; the child, killed here, is then a zombie until its parent dies.
 */
async function zombie(): Promise<{ pid: number; parent: ChildProcess }> {
  const parent = spawn('sh', ['-c', 'sleep 30 & echo $!; exec sleep 30'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  running.push(parent);
  const pid = await new Promise<number>((resolve) =>
    parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk))),
  );
  // Until sh has become the `sleep`, it would reap the child itself. Polled: there is no event.
  const parentCommand = () => readFile(`/proc/${parent.pid}/comm`, 'utf8').then((comm) => comm.trim());
  while ((await parentCommand()) !== 'sleep') await new Promise((resolve) => setTimeout(resolve, 2));
  process.kill(pid, 'SIGKILL');
  // Waits for the child to have exited (state Z).
  const state = async () =>
    readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => stat.slice(stat.lastIndexOf(')') + 2)[0]);
  while ((await state()) !== 'Z') await new Promise((resolve) => setTimeout(resolve, 2));
  return { pid, parent };
}

(process.platform === 'linux' ? test : test.skip)(
  'a lock held by a process that exited but is not reaped (a zombie) is taken over',
  async () => {
    const storeDir = join(dir, 'zombie');
    await mkdir(storeDir, { recursive: true });
    const { pid, parent } = await zombie();
    // Its start time as the holder recorded it: a zombie's /proc entry still has it.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const processStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const holder = { pid, host: hostname(), processStart, since: new Date().toISOString() };
    await writeFile(join(storeDir, 'lock'), JSON.stringify(holder));
    // Before: kill(pid, 0) succeeds on a zombie, so the store stayed locked by a dead daemon.
    const lock = await StoreLock.acquire(storeDir);
    expect(JSON.parse(await readFile(join(storeDir, 'lock'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
    parent.kill('SIGKILL');
  },
);
