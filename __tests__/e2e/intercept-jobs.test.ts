// Emulated jobs with `proxy: true` and a pylock.toml, through dist/. With `proxy-mode:
// intercept`: the main step exports HTTPS_PROXY and the CA bundle (no PIP_INDEX_URL), a
// `run: pip install -r pylock.toml` step with pip 26.2.1 goes through the daemon, the post step
// saves the store. Job 2 restores it and reaches the PyPI stand-in not at all. The stand-in is a
// TLS server with a test CA of its own, mapped in for the daemon through the test-only origin
// mapping (PYPI_CACHE_PROXY_TEST_ORIGINS): nothing leaves loopback. With `proxy-mode: auto` a
// pylock.toml alone stays in index mode, and pip's own cache carries its files from job to job.
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobEnv } from '../support/cache-job.js';
import { httpsThroughProxy, openTunnel, tlsThroughProxy } from '../support/connect-client.js';
import { CorporateProxy } from '../support/corporate-proxy.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import type { FakePypi } from '../support/fake-pypi.js';
import { fakePypiOverTls } from '../support/fake-pypi-tls.js';
import { loopbackCertificate } from '../support/loopback-certificate.js';
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

function newJob(
  machineEnv: Record<string, string> = {},
  runnerTemp = temp,
  inputs = {},
  jobWorkspace = workspace,
): RunnerJob {
  const job = new RunnerJob({
    workspace: jobWorkspace,
    inputs: { installer: 'pip', proxy: 'true', ...inputs },
    env: jobEnv(service, testEnv),
    machineEnv,
    runnerTemp,
  });
  jobs.push(job);
  return job;
}

function pipStep(
  job: RunnerJob,
  target: string,
  cwd = workspace,
  args: string[] = [],
): Promise<{ code: number; out: string }> {
  if ('missing' in pip) throw new Error(pip.missing);
  const child = spawn(
    pip.python,
    ['-m', 'pip', 'install', '--target', target, '--timeout', '10', ...args, '-r', 'pylock.toml'],
    {
      cwd,
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

test('pip -r pylock.toml under proxy-mode intercept: intercepted, saved, and warm with zero upstream requests', async () => {
  if ('missing' in pip) {
    console.warn(`SKIPPED: ${pip.missing}`);
    return;
  }
  const first = newJob({}, temp, { 'proxy-mode': 'intercept' });
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
  const second = newJob({}, temp, { 'proxy-mode': 'intercept' });
  const warmMain = await second.runMain();
  expect(warmMain.outputs['cache-hit']).toBe('true');
  const warm = await pipStep(second, join(root, 'site-2'));
  if (warm.code !== 0) throw new Error(warm.out);
  expect(pypi.requests).toEqual([]);
  expect((await second.runPost()).exitCode).toBe(0);
}, 180_000);

test('pip -r pylock.toml under proxy-mode auto: index mode, pip’s own cache kept and saved, warm with zero upstream requests', async () => {
  if ('missing' in pip) {
    console.warn(`SKIPPED: ${pip.missing}`);
    return;
  }
  // Without interception pip goes to the lock's URLs itself: here the stand-in's loopback
  // address (its certificate names files.pythonhosted.org, so the address is a trusted host,
  // whose answers pip caches as it caches https ones).
  const autoWorkspace = join(root, 'workspace-auto');
  mkdirSync(autoWorkspace, { recursive: true });
  const direct = (url: string) => `${pypi.filesOrigin}${new URL(url).pathname}`;
  const packages = wheels.map(
    (w) =>
      `[[packages]]\nname = "${w.project}"\nversion = "${w.version}"\nwheels = [{ url = "${direct(pypi.fileUrl(w.filename))}", hashes = { sha256 = "${w.sha256}" } }]\n`,
  );
  writeFileSync(
    join(autoWorkspace, 'pylock.toml'),
    `lock-version = "1.0"\ncreated-by = "tests"\n\n${packages.join('\n')}`,
  );
  const trusted = ['--trusted-host', new URL(pypi.filesOrigin).host];
  // The proxy's index on the stand-in too: in index mode no test-only origin mapping applies.
  const inputs = { 'key-suffix': 'auto-pylock', 'index-url': pypi.indexUrl };
  pypi.resetRequests();
  const autoTemp = join(root, 'runner-temp-auto');
  const first = newJob({}, autoTemp, inputs, autoWorkspace);
  const main = await first.runMain();
  expect(main.exitCode).toBe(0);
  expect(main.outputs['proxy-mode']).toBe('index');
  expect(main.stdout).toMatch(/Proxy mode: index \(a pylock\.toml records file URLs/);
  expect(main.exportedEnv).not.toHaveProperty('HTTPS_PROXY');
  const cold = await pipStep(first, join(root, 'site-auto-1'), autoWorkspace, trusted);
  if (cold.code !== 0) throw new Error(cold.out);
  expect(pypi.counts()).toMatchObject({ pages: 0, files: 2 });
  const post = await first.runPost();
  expect(post.exitCode).toBe(0);
  // pip's cache holds the files (they went past the proxy): kept, and saved with an empty store.
  expect(post.stdout).toContain('Installer caches kept as they are (prune: auto)');
  expect(post.stdout).not.toContain('not saved');
  expect(post.stdout).toMatch(/: saved\./);

  // A fresh runner (the same RUNNER_TEMP path, as on one runner image): only what the entry restored.
  rmSync(autoTemp, { recursive: true, force: true });
  pypi.resetRequests();
  const second = newJob({}, autoTemp, inputs, autoWorkspace);
  expect((await second.runMain()).outputs['cache-hit']).toBe('true');
  const warm = await pipStep(second, join(root, 'site-auto-2'), autoWorkspace, trusted);
  if (warm.code !== 0) throw new Error(warm.out);
  expect(pypi.requests).toEqual([]);
  expect((await second.runPost()).exitCode).toBe(0);
}, 180_000);

test('behind the job’s own HTTPS proxy: the daemon and the relay go through it, and its credentials are nowhere but the environment', async () => {
  const credentials = { user: 'corp-user-51d2', password: 'corp:pw/3e9@x' };
  const corp = new CorporateProxy({ credentials });
  await corp.start();
  const corpTemp = join(root, 'runner-temp-corp');
  try {
    // The corporate proxy where a self-hosted runner has it: the machine's environment (a
    // workflow `env:` HTTPS_PROXY would win over the action's export, see README). A mirror
    // listed in intercept-hosts is answered with the job CA too (the wiring to the daemon; what
    // it then serves is in proxy/intercept/intercept-mirrors.test.ts).
    const job = newJob({ HTTPS_PROXY: corp.url(), NO_PROXY: 'internal.example' }, corpTemp, {
      'proxy-mode': 'intercept',
      'extra-index-urls': 'corp=https://mirror.example/simple/',
      'intercept-hosts': 'mirror.example',
    });
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['proxy-mode']).toBe('intercept');
    const daemonUrl = main.outputs['proxy-url'] as string;
    expect(main.exportedEnv.HTTPS_PROXY).toBe(daemonUrl);
    expect(job.stepEnv().HTTPS_PROXY).toBe(daemonUrl);
    // Only loopback is added: the runner's services were reached through the job's proxy, and
    // through our tunnel they still are.
    expect(main.exportedEnv.NO_PROXY).toBe('internal.example,localhost,127.0.0.1,::1');
    const bundle = readFileSync(main.exportedEnv.SSL_CERT_FILE as string, 'utf8');
    const mirrorTls = await tlsThroughProxy(daemonUrl, 'mirror.example', { ca: [bundle] });
    expect(mirrorTls.getPeerCertificate().subjectaltname).toBe('DNS:mirror.example');
    // Closed as a TLS client closes (close_notify, then FIN). Dropped with destroy() right after
    // the handshake, the daemon held this tunnel open and its SIGTERM waited the whole 5 s grace.
    mirrorTls.end();
    const file = pypi.fileUrl(wheels[1]?.filename ?? '');
    const answer = await httpsThroughProxy(daemonUrl, file, { ca: [bundle] });
    expect(answer.status).toBe(200);
    expect(corp.count(new URL(pypi.filesOrigin).host)).toBe(1);

    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    const relay = /Tunnel relay on (\S+) \(pid (\d+)\)/.exec(post.stdout);
    relays.push(Number(relay?.[2]));
    const saved = service
      .entries()
      .find((e) => e.finalized && e.key.startsWith(main.outputs['cache-key'] ?? '-'));
    expect(saved).toBeDefined();
    const before = corp.connects.length;
    const tunnel = await openTunnel(daemonUrl, new URL(pypi.indexOrigin).host);
    expect(tunnel.status).toBe(200);
    tunnel.socket.destroy();
    expect(corp.connects.length).toBe(before + 1);

    const secrets = [credentials.password, encodeURIComponent(credentials.password)];
    // The log: masked before anything could print it, and never printed otherwise.
    for (const [name, out] of [
      ['main', main.stdout],
      ['post', post.stdout],
    ]) {
      const lines = (out as string).split('\n');
      // A workflow command escapes % as %25; the runner masks the unescaped value.
      const mask = `::add-mask::${corp.url().replace(/%/g, '%25')}`;
      expect([name, lines.includes(mask) || name === 'post']).toEqual([name, true]);
      for (const line of lines.filter((l) => !l.startsWith('::add-mask::')))
        for (const secret of secrets) expect([name, line.includes(secret)]).toEqual([name, false]);
    }
    expect(JSON.stringify(main.state)).not.toContain(credentials.password);
    // Every file the job left in RUNNER_TEMP, but the GITHUB_ENV files: the store, the daemon's
    // logs, manifest, CA bundle, the state file. GITHUB_ENV carries it for the relay, as it
    // carried HTTPS_PROXY for every step before.
    const files = readdirSync(corpTemp, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('set_env_'))
      .map((entry) => join(entry.parentPath, entry.name));
    expect(files.some((path) => path.endsWith('proxy-output.log'))).toBe(true);
    for (const path of files)
      for (const secret of secrets)
        expect([path, readFileSync(path, 'latin1').includes(secret)]).toEqual([path, false]);
    // The saved entries, unpacked.
    const archives = service
      .entries()
      .filter((candidate) => candidate.finalized)
      .map((e) => e.blobPath);
    expect(archives.length).toBeGreaterThan(0);
    for (const archive of archives) {
      const contents = execFileSync('tar', ['-xOPf', archive], { maxBuffer: 256 * 1024 * 1024 });
      for (const secret of secrets) expect(contents.includes(secret)).toBe(false);
    }
  } finally {
    await corp.stop();
  }
}, 120_000);

test('behind an https:// job proxy the daemon chains over TLS; behind a socks5:// one the job runs without the proxy, never red', async () => {
  const corpCert = await loopbackCertificate();
  const corp = new CorporateProxy({ tls: corpCert });
  await corp.start();
  const corpCaFile = join(root, 'corp-ca.pem');
  writeFileSync(corpCaFile, corpCert.certPem);
  try {
    // The corporate CA where a runner has it: SSL_CERT_FILE, beside HTTPS_PROXY.
    const job = newJob(
      { HTTPS_PROXY: corp.url(), SSL_CERT_FILE: corpCaFile },
      join(root, 'runner-temp-tls-proxy'),
      {
        'proxy-mode': 'intercept',
        'proxy-port': '0',
        'key-suffix': 'tls-proxy',
      },
    );
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.warnings).toEqual([]);
    expect(main.outputs['proxy-mode']).toBe('intercept');
    const bundle = readFileSync(main.exportedEnv.SSL_CERT_FILE as string, 'utf8');
    const answer = await httpsThroughProxy(
      main.outputs['proxy-url'] as string,
      pypi.fileUrl(wheels[0]?.filename ?? ''),
      {
        ca: [bundle],
      },
    );
    expect(answer.status).toBe(200);
    expect(corp.count(new URL(pypi.filesOrigin).host)).toBe(1);
    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    const relay = /Tunnel relay on (\S+) \(pid (\d+)\)/.exec(post.stdout);
    if (relay) relays.push(Number(relay[2]));
  } finally {
    await corp.stop();
  }

  const socks = 'socks5://corp-user:socks-pw-4c1d@127.0.0.1:1080';
  const job = newJob({ HTTPS_PROXY: socks }, join(root, 'runner-temp-socks'), { 'key-suffix': 'socks' });
  const main = await job.runMain();
  expect(main.exitCode).toBe(0);
  expect(main.warnings).toEqual([
    expect.stringMatching(
      /HTTPS_PROXY \(socks5:\/\/127\.0\.0\.1:1080\).*takes http:\/\/\[user:password@\]host:port or https:.*The proxy is off for this job/,
    ),
  ]);
  expect(main.stdout).toContain('::add-mask::socks-pw-4c1d');
  for (const warning of main.warnings) expect(warning).not.toContain('socks-pw-4c1d');
  expect(main.outputs['proxy-url']).toBe('');
  expect(main.exportedEnv).not.toHaveProperty('HTTPS_PROXY');
  expect((await job.runPost()).exitCode).toBe(0);
}, 120_000);
