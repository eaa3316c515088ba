// Issue 9, case 5: shutdown with a stuck upstream. Real signals to the real daemon
// (dist/proxy.js, so `npm run build` first); the upstream is a loopback server that accepts
// connections and never answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { removeDir, request, tempDir } from '../proxy/harness.js';

let dir: string;
let hung: Server;
const sockets: Socket[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await tempDir('shutdown');
  hung = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hung.close(resolve));
  await removeDir(dir);
});

async function startDaemon(name: string, env: Record<string, string> = {}) {
  const port = (hung.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    [
      join(process.cwd(), 'dist', 'proxy.js'),
      ['--store', join(dir, name)],
      ['--upstream', `http://127.0.0.1:${port}/simple/`],
    ].flat(),
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      const found = /listening on (\S+)/.exec(d.toString());
      if (found?.[1]) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`proxy exited ${code}`)));
  });
  return { child, url, exited };
}

/** Resolves once the upstream holds as many requests as `count`. */
async function upstreamHolds(count: number): Promise<void> {
  while (sockets.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
}

test('SIGTERM: a request stuck on upstream gets a 503, the manifest is written, exit 0', async () => {
  // The test-only grace of 1 s instead of the default 5 s: the same 503 once it has passed.
  const proxy = await startDaemon('graceful', { PYPI_CACHE_PROXY_TEST_SHUTDOWN_GRACE_MS: '1000' });
  const stuck = request(`${proxy.url}/simple/anything/`);
  await upstreamHolds(1);
  const signalled = Date.now();
  proxy.child.kill('SIGTERM');
  const answer = await stuck;
  expect(Date.now() - signalled).toBeGreaterThanOrEqual(900);
  expect(answer.status).toBe(503);
  expect(await proxy.exited).toBe(0);
  expect(existsSync(join(dir, 'graceful', 'manifest.json'))).toBe(true);
}, 20_000);

test('a second signal exits at once', async () => {
  const proxy = await startDaemon('impatient');
  const stuck = request(`${proxy.url}/simple/anything/`).catch((error: Error) => error);
  await upstreamHolds(2);
  proxy.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 100));
  proxy.child.kill('SIGINT');
  expect(await proxy.exited).toBe(1);
  // Exited under the client: no answer at all, rather than one after the grace period.
  expect(await stuck).not.toHaveProperty('status');
}, 20_000);
