// Real pip 26.2.1 through HTTPS_PROXY with PIP_CERT, as a job under `proxy-mode: intercept`:
// `pip install -r pylock.toml` whose URLs are https://files.pythonhosted.org/..., direct-URL
// requirements, and a plain `pip install NAME` against pip's default index https://pypi.org/simple/
// (no PIP_INDEX_URL). The daemon intercepts both hosts and fetches from the PyPI stand-in, a TLS
// server with a test CA of its own mapped in by the test-only OriginMap: nothing leaves loopback.
// Each job restarts the daemon on the same store (as a restored cache entry) with fresh pip folders.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import { lockedUrlsIn } from '../../../src/key/locked-urls.js';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import type { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import type { FakePypi } from '../../support/fake-pypi.js';
import { fakePypiOverTls } from '../../support/fake-pypi-tls.js';
import { isolatedPipEnv } from '../../support/pip.js';
import { PIP_26, pip26Venv } from '../../support/pip26.js';
import { type BuiltWheel, buildWheels } from '../../support/wheels.js';
import { removeDir, tempDir } from '../harness.js';

let dir: string;
let wheels: BuiltWheel[];
let pypi: FakePypi;
let testCa: JobCa;
let pip: { python: string } | { missing: string };
let job = 0;

function wheel(project: string, version: string): BuiltWheel {
  const found = wheels.find((w) => w.project === project && w.version === version);
  if (!found) throw new Error(`${project} ${version}`);
  return found;
}

function pylock(locked: BuiltWheel[]): string {
  const packages = locked.map(
    (w) => `[[packages]]
name = "${w.project}"
version = "${w.version}"
wheels = [{ name = "${w.filename}", url = "${pypi.fileUrl(w.filename)}", size = ${w.size}, hashes = { sha256 = "${w.sha256}" } }]
`,
  );
  return `lock-version = "1.0"\ncreated-by = "pypi-cache-action tests"\n\n${packages.join('\n')}`;
}

beforeAll(async () => {
  dir = await tempDir('pip-intercept');
  pip = await pip26Venv(dir);
  wheels = await buildWheels(join(dir, 'wheels'), [
    { name: 'alpha', version: '1.0.0' },
    { name: 'beta', version: '1.0.0' },
    { name: 'beta', version: '2.0.0' },
    { name: 'gamma', version: '1.0.0' },
  ]);
  ({ pypi, testCa } = await fakePypiOverTls({
    wheels,
  }));
  await pypi.start();
}, 180_000);

afterAll(async () => {
  await pypi?.stop();
  await removeDir(dir);
});

/** One job: the daemon on the shared store, `pip install ARGS` with fresh folders, the daemon stopped. */
async function runJob(
  args: string[],
  lockText?: string,
): Promise<{ upstream: number; stats: ReturnType<RunningProxy['stats']>; paths: string[] }> {
  if ('missing' in pip) throw new Error(pip.missing);
  const { python } = pip;
  job++;
  const work = join(dir, `job-${job}`);
  pypi.resetRequests();
  const proxy = await startProxy({
    storeDir: join(dir, 'store'),
    onWarning: () => {},
    retryBackoffMs: 10,
    intercept: {
      testOrigins: { 'pypi.org': pypi.indexOrigin, 'files.pythonhosted.org': pypi.filesOrigin },
      testUpstreamCa: [testCa.certPem],
      lockedHashes: new Map(Object.entries(lockText ? lockedUrlsIn(lockText) : {})),
    },
  });
  try {
    // What the action exports: the roots the job trusts plus the job CA.
    const bundle = join(dir, `ca-bundle-${job}.pem`);
    await writeFile(bundle, `${[...tls.rootCertificates, proxy.caCertPem].join('\n')}\n`);
    const env = isolatedPipEnv({
      HTTPS_PROXY: proxy.url,
      https_proxy: proxy.url,
      PIP_CERT: bundle,
      SSL_CERT_FILE: bundle,
      REQUESTS_CA_BUNDLE: bundle,
    });
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(
        python,
        [
          '-m',
          'pip',
          'install',
          '--target',
          join(work, 'site'),
          '--cache-dir',
          join(work, 'pip-cache'),
          '--timeout',
          '10',
          ...args,
        ],
        { env, cwd: work.replace(/job-\d+$/, ''), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      child.on('close', (code) => resolve({ code: code ?? 1, out }));
    });
    if (result.code !== 0) throw new Error(`pip ${args.join(' ')} failed:\n${result.out}`);
    return { upstream: pypi.requests.length, stats: proxy.stats(), paths: pypi.requests.map((r) => r.path) };
  } finally {
    await proxy.close();
  }
}

function skipped(): boolean {
  if (!('missing' in pip)) return false;
  console.warn(`SKIPPED: ${pip.missing}`);
  return true;
}

describe(`pip ${PIP_26} through HTTPS_PROXY under interception`, () => {
  it('installs -r pylock.toml: cold each file once, warm zero upstream requests, a bump fetches only the new file', async () => {
    if (skipped()) return;
    const lock1 = pylock([wheel('alpha', '1.0.0'), wheel('beta', '1.0.0')]);
    await writeFile(join(dir, 'pylock.toml'), lock1);
    const cold = await runJob(['-r', 'pylock.toml'], lock1);
    expect(cold.paths.sort()).toEqual(
      [pypi.fileUrl(wheel('alpha', '1.0.0').filename), pypi.fileUrl(wheel('beta', '1.0.0').filename)]
        .map((url) => new URL(url).pathname)
        .sort(),
    );
    expect(cold.stats.verified.lockfile).toBe(2);

    const warm = await runJob(['-r', 'pylock.toml'], lock1);
    expect(warm.upstream).toBe(0);
    expect(warm.stats.servedFromStore).toBe(2);

    const lock2 = pylock([wheel('alpha', '1.0.0'), wheel('beta', '2.0.0')]);
    await writeFile(join(dir, 'pylock.toml'), lock2);
    const bumped = await runJob(['-r', 'pylock.toml'], lock2);
    expect(bumped.paths).toEqual([new URL(pypi.fileUrl(wheel('beta', '2.0.0').filename)).pathname]);
  }, 120_000);

  it('installs direct-URL requirements (verified by the path digest), then warm with zero upstream requests', async () => {
    if (skipped()) return;
    const gamma = wheel('gamma', '1.0.0');
    await writeFile(join(dir, 'requirements.txt'), `gamma @ ${pypi.fileUrl(gamma.filename)}\n`);
    const cold = await runJob(['-r', 'requirements.txt']);
    expect(cold.upstream).toBe(1);
    expect(cold.stats.verified['path-digest']).toBe(1);
    const warm = await runJob(['-r', 'requirements.txt']);
    expect(warm.upstream).toBe(0);
  }, 120_000);

  it('installs by name from the default index https://pypi.org/simple/, intercepted without PIP_INDEX_URL', async () => {
    if (skipped()) return;
    const cold = await runJob(['alpha==1.0.0']);
    // The page and its PEP 658 metadata once; alpha's wheel is in the store from the pylock job.
    const wheelPath = new URL(pypi.fileUrl(wheel('alpha', '1.0.0').filename)).pathname;
    expect(cold.paths).toEqual(['/simple/alpha/', `${wheelPath}.metadata`]);
    expect(cold.stats.verified.page).toBe(1);
    const warm = await runJob(['alpha==1.0.0']);
    // Revalidate asks for the page once per job (a 304), nothing else.
    expect(warm.paths).toEqual(['/simple/alpha/']);
    expect(cold.stats.connects.intercepted).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
