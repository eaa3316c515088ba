// Two emulated jobs with `proxy: true` and a pylock.toml (so `proxy-mode: auto` intercepts),
// through dist/: the main step exports HTTPS_PROXY and the CA bundle (no PIP_INDEX_URL), a
// `run: pip install -r pylock.toml` step with pip 26.2.1 goes through the daemon, the post step
// saves the store. Job 2 restores it and reaches the PyPI stand-in not at all. The stand-in is a
// TLS server with a test CA of its own, mapped in for the daemon through the test-only origin
// mapping (PYPI_CACHE_PROXY_TEST_ORIGINS): nothing leaves loopback.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobEnv } from '../support/cache-job.js';
import { httpsThroughProxy } from '../support/connect-client.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import type { FakePypi } from '../support/fake-pypi.js';
import { fakePypiOverTls } from '../support/fake-pypi-tls.js';
import { pip26Venv } from '../support/pip26.js';
import { RunnerJob } from '../support/runner.js';
import { type BuiltWheel, buildWheels } from '../support/wheels.js';

let root: string;
let pypi: FakePypi;
let service: FakeCacheService;
let wheels: BuiltWheel[];
let workspace: string;
let temp: string;
let testEnv: Record<string, string>;
let pip: { python: string } | { missing: string };
let testCaPem: string;
const relays: number[] = [];
const jobs: RunnerJob[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'intercept-jobs-'));
  pip = await pip26Venv(root);
  wheels = await buildWheels(join(root, 'wheels'), [
    { name: 'lib-core', version: '1.0.0', payloadBytes: 300_000 },
    { name: 'tiny-util', version: '0.3.0' },
  ]);
  const tls = await fakePypiOverTls({
    wheels,
  });
  pypi = tls.pypi;
  const testCa = tls.testCa;
  service = new FakeCacheService();
  await Promise.all([pypi.start(), service.start()]);
  const testCaFile = join(root, 'test-ca.pem');
  writeFileSync(testCaFile, testCa.certPem);
  testCaPem = testCa.certPem;
  testEnv = {
    PYPI_CACHE_PROXY_TEST_ORIGINS: JSON.stringify({
      'pypi.org': pypi.indexOrigin,
      'files.pythonhosted.org': pypi.filesOrigin,
    }),
    PYPI_CACHE_PROXY_TEST_CA: testCaFile,
  };
  workspace = join(root, 'workspace');
  temp = join(root, 'runner-temp');
  mkdirSync(workspace, { recursive: true });
  const packages = wheels.map(
    (w) =>
      `[[packages]]\nname = "${w.project}"\nversion = "${w.version}"\nwheels = [{ url = "${pypi.fileUrl(w.filename)}", hashes = { sha256 = "${w.sha256}" } }]\n`,
  );
  writeFileSync(
    join(workspace, 'pylock.toml'),
    `lock-version = "1.0"\ncreated-by = "tests"\n\n${packages.join('\n')}`,
  );
}, 180_000);

afterAll(async () => {
  // What the runner does at the end of a job: the relay left for later post steps is ended.
  for (const pid of relays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await Promise.all(jobs.map((job) => job.cleanup()));
  await Promise.all([pypi?.stop(), service?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

function newJob(): RunnerJob {
  const job = new RunnerJob({
    workspace,
    inputs: { installer: 'pip', proxy: 'true' },
    env: jobEnv(service, testEnv),
    runnerTemp: temp,
  });
  jobs.push(job);
  return job;
}

function pipStep(job: RunnerJob, target: string): Promise<{ code: number; out: string }> {
  if ('missing' in pip) throw new Error(pip.missing);
  const child = spawn(
    pip.python,
    ['-m', 'pip', 'install', '--target', target, '--timeout', '10', '-r', 'pylock.toml'],
    {
      cwd: workspace,
      env: job.stepEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, out })));
}

/** Every file below `dir` that holds a PEM private key. */
function filesWithPrivateKeys(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => statSync(path).size < 50_000_000 && readFileSync(path).includes('PRIVATE KEY'));
}

test('pip -r pylock.toml under proxy-mode auto: intercepted, saved, and warm with zero upstream requests', async () => {
  if ('missing' in pip) {
    console.warn(`SKIPPED: ${pip.missing}`);
    return;
  }
  const first = newJob();
  const main = await first.runMain();
  expect(main.exitCode).toBe(0);
  expect(main.outputs['proxy-mode']).toBe('intercept');
  expect(main.exportedEnv).toMatchObject({ HTTPS_PROXY: main.outputs['proxy-url'] });
  expect(main.exportedEnv).not.toHaveProperty('PIP_INDEX_URL');
  expect(main.exportedEnv.PIP_CERT).toBe(main.exportedEnv.SSL_CERT_FILE);
  const cold = await pipStep(first, join(root, 'site-1'));
  if (cold.code !== 0) throw new Error(cold.out);
  expect(pypi.counts()).toMatchObject({ pages: 0, files: 2 });
  const post = await first.runPost();
  expect(post.exitCode).toBe(0);
  expect(post.stdout).toMatch(/Cache saved|saved/i);
  // The CA key was never written: not under the runner's folders (store, bundle, logs) at all.
  expect(filesWithPrivateKeys(temp)).toEqual([]);
  // A later post step (an action listed before ours) still has HTTPS_PROXY: the relay on the
  // proxy's address tunnels its request to the real host, whose own certificate it sees.
  const relay = /Tunnel relay on (\S+) \(pid (\d+)\)/.exec(post.stdout);
  expect(relay?.[1]).toBe(main.outputs['proxy-url']);
  relays.push(Number(relay?.[2]));
  const before = pypi.requests.length;
  const later = await httpsThroughProxy(main.exportedEnv.HTTPS_PROXY as string, 'https://pypi.org/simple/', {
    ca: [testCaPem],
  });
  expect(later.status).toBe(200);
  const presented = new X509Certificate(later.peerCertificate.raw);
  expect(presented.checkIssued(new X509Certificate(testCaPem))).toBe(true);
  expect(pypi.requests.length).toBe(before + 1);
  process.kill(relays.pop() as number, 'SIGTERM');

  pypi.resetRequests();
  const second = newJob();
  const warmMain = await second.runMain();
  expect(warmMain.outputs['cache-hit']).toBe('true');
  const warm = await pipStep(second, join(root, 'site-2'));
  if (warm.code !== 0) throw new Error(warm.out);
  expect(pypi.requests).toEqual([]);
  expect((await second.runPost()).exitCode).toBe(0);
}, 180_000);
