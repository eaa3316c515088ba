// The daemon (dist/proxy.js, `npm run build` first) checks an index's certificate against what
// the job trusts: Node's roots plus the CA files of SSL_CERT_FILE, REQUESTS_CA_BUNDLE, PIP_CERT
// and NODE_EXTRA_CA_CERTS, where a corporate or internal CA is given to pip and uv. The index is
// the PyPI stand-in over TLS at 127.0.0.1, its certificate signed by no CA Node knows.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIP_ACCEPT, removeDir, request, sha256, tempDir } from '../proxy/harness.js';
import { FakePypi } from '../support/fake-pypi.js';
import { loopbackCertificate } from '../support/loopback-certificate.js';
import { type BuiltWheel, buildWheels } from '../support/wheels.js';
import { CLI, runCli, waitForFile } from './cli-process.js';

let dir: string;
let pypi: FakePypi;
let wheel: BuiltWheel;
let caFile: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/proxy.js is missing: run `npm run build` first');
  dir = await tempDir('job-ca-trust');
  [wheel] = (await buildWheels(join(dir, 'wheels'), [{ name: 'internal-lib', version: '2.0' }])) as [
    BuiltWheel,
  ];
  const { certPem, keyPem } = await loopbackCertificate();
  caFile = join(dir, 'corporate-ca.pem');
  writeFileSync(caFile, certPem);
  const tls = { cert: certPem, key: keyPem };
  pypi = new FakePypi({ wheels: [wheel], tls: { index: tls, files: tls } });
  await pypi.start();
});
afterAll(async () => {
  await pypi?.stop();
  await removeDir(dir);
});

/** A daemon with `env`; the page's status, and the file's status and sha256 when the page listed it. */
async function fetchThroughDaemon(name: string, env: Record<string, string>) {
  return (await runDaemon(name, env)).fetched;
}

/** fetchThroughDaemon's answer, and what the daemon wrote to stderr until it exited. */
async function runDaemon(name: string, env: Record<string, string>) {
  const readyFile = join(dir, `${name}.ready`);
  const { child, exited } = runCli(
    [
      '--store',
      join(dir, `${name}-store`),
      `--upstream=${pypi.indexUrl}`,
      '--port',
      '0',
      '--ready-file',
      readyFile,
    ],
    { env: { PATH: process.env.PATH ?? '', ...env } },
  );
  let fetched: { page: number; file?: number; sha256?: string };
  try {
    const url = await waitForFile(readyFile);
    const page = await request(`${url}/simple/internal-lib/`, { headers: { accept: PIP_ACCEPT } });
    if (page.status !== 200) fetched = { page: page.status };
    else {
      const listed = JSON.parse(page.body.toString()) as { files: { url: string }[] };
      const fileUrl = new URL(listed.files[0]?.url ?? '', `${url}/simple/internal-lib/`).toString();
      const file = await request(fileUrl);
      fetched = { page: page.status, file: file.status, sha256: sha256(file.body) };
    }
  } finally {
    child.kill('SIGTERM');
  }
  return { fetched, stderr: (await exited).stderr };
}

test.each(['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PIP_CERT', 'NODE_EXTRA_CA_CERTS'])(
  'an index whose CA the job names in %s is fetched and its file stored',
  async (variable) => {
    expect(await fetchThroughDaemon(variable, { [variable]: caFile })).toEqual({
      page: 200,
      file: 200,
      sha256: wheel.sha256,
    });
  },
);

test('without the CA named, the index is not trusted (502), and not asked again', async () => {
  const { fetched, stderr } = await runDaemon('untrusted', {});
  expect(fetched).toEqual({ page: 502 });
  // The same certificate would meet the same trust: no retry (each waited out a backoff).
  expect(stderr).toContain('self-signed certificate');
  expect(stderr).not.toContain('retrying');
});

test.each(['PIP_CERT', 'REQUESTS_CA_BUNDLE'])(
  'a CA folder in %s (requests takes one; OpenSSL reads its hashed names) is trusted too',
  async (variable) => {
    // c_rehash's layout: <subject hash>.0; a name OpenSSL would not read (corporate.pem) is not read.
    const folder = join(dir, `ca-folder-${variable}`);
    mkdirSync(folder);
    writeFileSync(join(folder, '9d1f0c5e.0'), readCa());
    expect(await fetchThroughDaemon(`folder-${variable}`, { [variable]: folder })).toEqual({
      page: 200,
      file: 200,
      sha256: wheel.sha256,
    });
    const unhashed = join(dir, `unhashed-${variable}`);
    mkdirSync(unhashed);
    writeFileSync(join(unhashed, 'corporate.pem'), readCa());
    expect(await fetchThroughDaemon(`unhashed-${variable}`, { [variable]: unhashed })).toEqual({ page: 502 });
  },
);

test('a CA variable naming a FIFO or a device does not hang the daemon: it is left out, the others apply', async () => {
  const fifo = join(dir, 'ca.fifo');
  execFileSync('mkfifo', [fifo]);
  expect(
    await fetchThroughDaemon('fifo', {
      SSL_CERT_FILE: fifo,
      REQUESTS_CA_BUNDLE: '/dev/zero',
      PIP_CERT: caFile,
    }),
  ).toEqual({ page: 200, file: 200, sha256: wheel.sha256 });
});

function readCa(): string {
  return readFileSync(caFile, 'utf8');
}
