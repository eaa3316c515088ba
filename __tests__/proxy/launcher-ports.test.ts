// The port race: the action used to probe a port free and let the daemon bind it later; a
// process that took the port in between failed the main step with EADDRINUSE. Now the daemon
// (dist/proxy.js, so `npm run build` first) binds the first free candidate itself and reports
// the one it bound. Real listeners hold the ports.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { launchProxy, PORTS_IN_USE_EXIT_CODE, stopProxy } from '../../src/proxy/launcher.js';
import { removeDir, tempDir } from './harness.js';

let dir: string;
const held: Server[] = [];

beforeAll(async () => {
  dir = await tempDir('ports');
});
afterAll(async () => {
  for (const server of held) server.close();
  await removeDir(dir);
});

/** A listener on a free loopback port, as another process on the runner would hold it. */
async function holdPort(): Promise<number> {
  const server = createServer();
  held.push(server);
  await new Promise<void>((resolve) =>
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve),
  );
  return (server.address() as { port: number }).port;
}

function launch(name: string, port: number[]) {
  return launchProxy({
    script: join(process.cwd(), 'dist', 'proxy.js'),
    storeDir: join(dir, name, 'store'),
    upstreams: ['http://127.0.0.1:9/simple/'],
    host: '127.0.0.1',
    port,
    indexPolicy: 'frozen',
    workDir: join(dir, name, 'work'),
    env: process.env,
  });
}

test('the chosen port taken before the daemon binds it: the next candidate, and the URL says so', async () => {
  const taken = await holdPort();
  // Before: the daemon got --port <taken> alone and exited with EADDRINUSE.
  const launched = await launch('next', [taken, 0]);
  try {
    const port = Number(new URL(launched.url).port);
    expect(port).not.toBe(taken);
    expect(port).toBeGreaterThan(0);
    const health = (await (await fetch(`${launched.url}/-/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
  } finally {
    await stopProxy(launched.pid, 5_000);
  }
}, 30_000);

test('every candidate taken: a start error naming the ports, with its own exit code', async () => {
  const ports = [await holdPort(), await holdPort()];
  const failure = await launch('none', ports).then(
    () => undefined,
    (error: unknown) => error as Error & { exitCode?: number },
  );
  expect(failure?.exitCode).toBe(PORTS_IN_USE_EXIT_CODE);
  expect(failure?.message).toContain(
    `--port ${ports.join(',')}: ports ${ports.join(',')} on 127.0.0.1 are all in use by another process (EADDRINUSE)`,
  );
}, 30_000);
