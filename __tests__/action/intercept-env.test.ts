import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { caBundle, chooseProxyMode, interceptEnvironment } from '../../src/action/intercept-env.js';
import { JobCa } from '../../src/proxy/intercept/job-ca.js';
import { tempFolders } from '../support/temp-folders.js';

const testDir = tempFolders('intercept-env-');

describe('chooseProxyMode', () => {
  it('auto intercepts when a uv.lock records URLs, and an input overrides', () => {
    expect(chooseProxyMode('auto', ['uv.lock']).mode).toBe('intercept');
    expect(chooseProxyMode('auto', ['sub/uv.lock', 'sub/pylock.toml']).mode).toBe('intercept');
    expect(chooseProxyMode('auto', ['requirements.txt', 'poetry.lock']).mode).toBe('index');
    expect(chooseProxyMode('index', ['uv.lock']).mode).toBe('index');
    expect(chooseProxyMode('intercept', ['requirements.txt']).mode).toBe('intercept');
  });

  it('auto keeps a pylock.toml alone in index mode: pip and uv pip keep its files in their own caches', () => {
    // Interception serves them to pip over TLS on every warm job: 7.6 s against 4.6 s from
    // pip's cache (BENCHMARKS.md, run lockfile), with 0 upstream requests either way.
    for (const files of [['pylock.toml'], ['sub/pylock.dev.toml', 'requirements.txt']]) {
      const decision = chooseProxyMode('auto', files);
      expect([files, decision.mode]).toEqual([files, 'index']);
      expect(decision.reason).toMatch(/pylock\.toml.*own caches/);
    }
    expect(chooseProxyMode('intercept', ['pylock.toml']).mode).toBe('intercept');
  });
});

describe('interceptEnvironment', () => {
  it('exports HTTPS_PROXY, the CA variables at one bundle, NO_PROXY appended, and no index variables', async () => {
    const dir = testDir();
    const ca = await JobCa.create({ hosts: ['pypi.org', 'files.pythonhosted.org'] });
    const corporate = await JobCa.create({ hosts: ['corp.example'] });
    const corporateFile = join(dir, 'corp.pem');
    writeFileSync(corporateFile, corporate.certPem);
    const env = {
      SSL_CERT_FILE: corporateFile,
      PIP_CERT: join(dir, 'missing.pem'),
      NO_PROXY: 'internal.example',
      ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/',
      GITHUB_API_URL: 'https://api.github.com',
    };
    const bundlePath = join(dir, 'bundle.pem');
    const exported = await interceptEnvironment({
      proxyUrl: 'http://127.0.0.1:31415',
      caCertPem: ca.certPem,
      bundlePath,
      env,
    });
    expect(exported).toMatchObject({
      HTTPS_PROXY: 'http://127.0.0.1:31415',
      https_proxy: 'http://127.0.0.1:31415',
      SSL_CERT_FILE: bundlePath,
      PIP_CERT: bundlePath,
      REQUESTS_CA_BUNDLE: bundlePath,
    });
    expect(exported).not.toHaveProperty('PIP_INDEX_URL');
    expect(exported).not.toHaveProperty('UV_DEFAULT_INDEX');
    const noProxy = exported.NO_PROXY?.split(',') ?? [];
    expect(noProxy[0]).toBe('internal.example');
    expect(noProxy).toEqual(
      expect.arrayContaining([
        'results-receiver.actions.githubusercontent.com',
        'api.github.com',
        '127.0.0.1',
        '.blob.core.windows.net',
      ]),
    );
    expect(exported.no_proxy).toBe(exported.NO_PROXY);
    // The bundle: Node's roots, the job's own bundle, the job CA.
    const pem = readFileSync(bundlePath, 'utf8');
    const certs = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(certs.length).toBe(tls.rootCertificates.length + 2);
    const subjects = certs.slice(-2).map((cert) => new X509Certificate(cert).subject);
    expect(subjects).toEqual([
      new X509Certificate(corporate.certPem).subject,
      new X509Certificate(ca.certPem).subject,
    ]);
    expect(caBundle(ca.certPem, env).included).toEqual([corporateFile]);
  });

  it("takes a CA folder's hashed certificates into the bundle (it replaces the folder for pip), and skips a FIFO without waiting on it", async () => {
    const dir = testDir();
    const ca = await JobCa.create({ hosts: ['pypi.org'] });
    const corporate = await JobCa.create({ hosts: ['corp.example'] });
    const folder = join(dir, 'certs');
    mkdirSync(folder);
    // c_rehash's <subject hash>.0; a name OpenSSL would not read is left out, as OpenSSL does.
    writeFileSync(join(folder, '5e1a2b3c.0'), corporate.certPem);
    writeFileSync(join(folder, 'other.pem'), ca.certPem);
    const fifo = join(dir, 'ca.fifo');
    execFileSync('mkfifo', [fifo]);
    // Without O_NONBLOCK the read of the FIFO waits for a writer: the main step would hang.
    const bundle = caBundle(ca.certPem, {
      SSL_CERT_FILE: fifo,
      PIP_CERT: folder,
      REQUESTS_CA_BUNDLE: '/dev/zero',
    });
    expect(bundle.included).toEqual([folder]);
    const certs = bundle.pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(certs.length).toBe(tls.rootCertificates.length + 2);
    expect(new X509Certificate(certs.at(-2) ?? '').subject).toBe(
      new X509Certificate(corporate.certPem).subject,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
