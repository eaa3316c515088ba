// Issue 9, case 5, the action's side: the post step with a daemon that is stuck. The stand-in is
// a real process with the proxy's command-line shape (`node …/proxy.js --store DIR`, which is
// what stopProxy checks in /proc/<pid>/cmdline) that ignores SIGTERM and accepts connections
// without ever answering, so the stats and manifest queries hang too.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STOP_BOUNDS, stopJobProxy, stopProblem } from '../../src/action/job-proxy.js';
import { removeDir, tempDir } from '../proxy/harness.js';

const STUCK_DAEMON = `
import { createServer } from 'node:net';
process.on('SIGTERM', () => {});
const server = createServer(() => {});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

let dir: string;
let stuck: ChildProcess | undefined;

beforeAll(async () => {
  dir = await tempDir('stuck-daemon');
});
afterAll(async () => {
  stuck?.kill('SIGKILL');
  await removeDir(dir);
});

const onLinux = process.platform === 'linux' ? test : test.skip;

onLinux(
  'a daemon that ignores SIGTERM and answers nothing is killed, and the post step is not held past the bound',
  async () => {
    const script = join(dir, 'proxy.js');
    const storeDir = join(dir, 'store');
    await writeFile(script, STUCK_DAEMON);
    const child = spawn(process.execPath, [script, '--store', storeDir], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    stuck = child;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const port = await new Promise<string>((resolve) =>
      child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );

    // The post step's bounds are 2 s for both queries side by side and 8 s for the stop (the old
    // code waited 10 s + 10 s + 60 s here); a tenth of each keeps the case, not the 10 s wait.
    const bounds = { queryTimeoutMs: 200, stopTimeoutMs: 800 };
    expect(STOP_BOUNDS).toEqual({ queryTimeoutMs: 2_000, stopTimeoutMs: 8_000 });
    const started = Date.now();
    const stopped = await stopJobProxy(
      {
        pid: child.pid ?? 0,
        url: `http://127.0.0.1:${port}`,
        storeDir,
        outputFile: join(dir, 'proxy-output.log'),
        manifestFile: join(dir, 'manifest.json'),
        policy: 'revalidate',
      },
      bounds,
    );
    const elapsed = Date.now() - started;

    expect(await exited).toBe('SIGKILL');
    expect(stopped.stats).toBeUndefined();
    expect(stopped.problem).toMatch(
      /^the proxy did not exit within 0\.8 s of SIGTERM and was killed \(it did not answer either\)/,
    );
    // The bound is the design, not a speed measurement: both waits, slack for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(bounds.queryTimeoutMs + bounds.stopTimeoutMs);
    expect(elapsed).toBeLessThan(bounds.queryTimeoutMs + bounds.stopTimeoutMs + 5_000);
  },
  30_000,
);

describe('stopProblem', () => {
  const state = {
    pid: 1234,
    url: 'http://127.0.0.1:31415',
    storeDir: '/nowhere/store',
    outputFile: '/nowhere/proxy-output.log',
    manifestFile: '/nowhere/manifest.json',
    policy: 'revalidate' as const,
  };

  test('under interception, a daemon that died says that every HTTPS request after it failed, not only installs', () => {
    const problem = stopProblem({ ...state, mode: 'intercept' }, 'not-running', false);
    expect(problem).toMatch(
      /^the proxy stopped during the job; HTTPS_PROXY pointed at http:\/\/127\.0\.0\.1:31415/,
    );
    expect(problem).toMatch(/every HTTPS request of the steps after it stopped failed, not only installs/);
    expect(stopProblem({ ...state, mode: 'index' }, 'not-running', false)).not.toMatch(/HTTPS_PROXY/);
    expect(stopProblem({ ...state, mode: 'intercept' }, 'stopped', true)).toBeUndefined();
  });

  test('a daemon killed after the post step’s own bound says 8 s, and whether it answered', () => {
    expect(stopProblem({ ...state, mode: 'index' }, 'killed', false)).toMatch(
      /^the proxy did not exit within 8 s of SIGTERM and was killed \(it did not answer either\): \(no output\)$/,
    );
    expect(stopProblem({ ...state, mode: 'index' }, 'killed', true)).toMatch(
      /^the proxy did not exit within 8 s of SIGTERM and was killed: /,
    );
  });
});
