// An index with a token in its path, as private indexes do (https://dl.cloudsmith.io/<token>/...):
// the token must reach no stored page, no manifest, no access log, no warning and no error a
// client sees (issue 9, case 10). The stand-in index lives under that path on 127.0.0.1 and
// serves its files from the same origin, as Cloudsmith does.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningProxy, startProxy } from '../../src/proxy/index.js';
import { resolveStoredFileUrl, storedFileUrl } from '../../src/proxy/pages/stored-urls.js';
import { indexUrlSecrets, maskSecrets, redactUrl } from '../../src/proxy/upstream/url-secrets.js';
import { FakePypi } from '../support/fake-pypi.js';
import { buildWheels } from '../support/wheels.js';
import { fileUrlFromPage, listTree, PIP_ACCEPT, removeDir, request, tempDir } from './harness.js';

const TOKEN = 'Tk9aZ3Qx7vLmP2sR';
let dir: string;
let pypi: FakePypi;

beforeAll(async () => {
  dir = await tempDir('secrets');
  const wheels = await buildWheels(join(dir, 'wheels'), [
    { name: 'demo', version: '1.0' },
    { name: 'demo', version: '2.0' },
  ]);
  pypi = new FakePypi({ wheels, pathPrefix: `${TOKEN}/org/repo/python` });
  await pypi.start();
});
// Closed here too, so a failed assertion leaves no server that keeps Jest from exiting.
const started: RunningProxy[] = [];
const start = async (options: Parameters<typeof startProxy>[0]) => {
  const proxy = await startProxy(options);
  started.push(proxy);
  return proxy;
};
afterAll(async () => {
  await Promise.all(started.map((proxy) => proxy.close()));
  await pypi.stop();
  await removeDir(dir);
});

/** Every file below `root` whose bytes contain the token, as paths. */
async function filesHoldingToken(root: string): Promise<string[]> {
  const holding: string[] = [];
  for (const path of await listTree(root)) {
    if ((await readFile(join(root, path))).includes(TOKEN)) holding.push(path);
  }
  return holding;
}

test('pages, files, warnings, errors, the access log and the store never hold the token', async () => {
  expect(pypi.indexUrl).toContain(TOKEN);
  const storeDir = join(dir, 'store');
  const logFile = join(dir, 'access.jsonl');
  const manifestPath = join(dir, 'manifest.json');
  const warnings: string[] = [];
  const options = {
    storeDir,
    upstreams: [pypi.indexUrl],
    logFile,
    manifestPath,
    retryBackoffMs: 1,
    upstreamRetries: 0,
    onWarning: (warning: string) => warnings.push(warning),
  };
  let proxy: RunningProxy = await start(options);
  const [old, current] = ['demo-1.0-py3-none-any.whl', 'demo-2.0-py3-none-any.whl'];
  const wheel = await request(await fileUrlFromPage(proxy.url, 'demo', current));
  expect(wheel.status).toBe(200);
  // Errors a client sees, with the upstream in trouble: a 404 and a failing page.
  expect((await request(`${proxy.url}/simple/nothing-here/`)).status).toBe(404);
  pypi.injectFault({ path: old, fault: 'status-503' });
  const failed = await request(await fileUrlFromPage(proxy.url, 'demo', old));
  expect(failed.status).toBe(502);
  expect(failed.body.toString()).toContain('demo-1.0-py3-none-any.whl');
  expect(failed.body.toString()).not.toContain(TOKEN);
  pypi.clearFaults();
  await proxy.close();

  // A later run with upstream down serves the stored page (a warning names it) and still
  // downloads the file it never fetched, from the stored relative URL once upstream is back.
  pypi.setDown(true);
  proxy = await start(options);
  expect((await request(`${proxy.url}/simple/demo/`, { headers: { accept: PIP_ACCEPT } })).status).toBe(200);
  pypi.setDown(false);
  expect(warnings.join('\n')).toMatch(/serving the stored page/);
  await proxy.close();
  proxy = await start({ ...options, indexPolicy: 'frozen' });
  const later = await request(await fileUrlFromPage(proxy.url, 'demo', old));
  expect(later.status).toBe(200);
  await proxy.close();

  expect(warnings.length).toBeGreaterThan(0);
  for (const warning of warnings) expect(warning).not.toContain(TOKEN);
  expect(await filesHoldingToken(storeDir)).toEqual([]);
  expect(await readFile(logFile, 'utf8')).not.toContain(TOKEN);
  expect(await readFile(manifestPath, 'utf8')).not.toContain(TOKEN);
  const stored = JSON.parse(await readFile(join(storeDir, 'pages', 'pypi', 'projects', 'demo.json'), 'utf8'));
  expect(stored.page.files.map((file: { url: string }) => file.url)).toEqual([
    expect.stringMatching(/^\.\.\/packages\/.*\/demo-1\.0-py3-none-any\.whl$/),
    expect.stringMatching(/^\.\.\/packages\/.*\/demo-2\.0-py3-none-any\.whl$/),
  ]);
});

describe('stored file URLs', () => {
  const index = `https://dl.example/${TOKEN}/org/repo/python/simple/`;

  test.each([
    [`https://dl.example/${TOKEN}/org/repo/python/packages/a/demo-1.0.whl`, '../packages/a/demo-1.0.whl'],
    [`https://dl.example/${TOKEN}/org/repo/python/simple/demo/demo-1.0.whl`, 'demo/demo-1.0.whl'],
    [`https://dl.example/${TOKEN}/files/demo-1.0.whl?sig=1`, '../../../../files/demo-1.0.whl?sig=1'],
    ['https://dl.example/other/demo-1.0.whl', '../../../../../other/demo-1.0.whl'],
    // An empty segment: `./` keeps the reference from reading as `//host`.
    [`https://dl.example/${TOKEN}//demo-1.0.whl`, '../../../.././/demo-1.0.whl'],
    // Elsewhere, a URL that repeats the token is not stored at all.
    [`https://cdn.example/${TOKEN}/demo-1.0.whl`, ''],
    ['https://cdn.example/public/demo-1.0.whl', 'https://cdn.example/public/demo-1.0.whl'],
  ])('%s is stored as %j and read back', (url, expected) => {
    const stored = storedFileUrl(url, index);
    expect(stored).toBe(expected);
    expect(stored).not.toContain(TOKEN);
    if (stored !== '') expect(resolveStoredFileUrl(stored, index)).toBe(url);
  });

  test('a rotated token: the stored reference resolves under the new index URL', () => {
    const stored = storedFileUrl(`https://dl.example/${TOKEN}/org/repo/python/packages/x.whl`, index);
    expect(resolveStoredFileUrl(stored, index.replace(TOKEN, 'NewToken12345678'))).toBe(
      'https://dl.example/NewToken12345678/org/repo/python/packages/x.whl',
    );
  });
});

describe('secrets of an index URL', () => {
  test('the URL and its token, never a common word', () => {
    const secrets = indexUrlSecrets(`https://dl.cloudsmith.io/${TOKEN}/acme/repo/python/simple/`);
    expect(secrets).toEqual(
      expect.arrayContaining([`https://dl.cloudsmith.io/${TOKEN}/acme/repo/python/simple/`, TOKEN]),
    );
    for (const word of ['simple', 'python', 'repo', 'acme', 'dl.cloudsmith.io'])
      expect(secrets).not.toContain(word);
  });

  test('credentials, and a user name that is the token', () => {
    expect(indexUrlSecrets('https://aws:s3cr3t-pass@x.example/pypi/repo/simple/')).toEqual(
      expect.arrayContaining(['s3cr3t-pass', 'aws:s3cr3t-pass']),
    );
    expect(indexUrlSecrets('https://aws:s3cr3t-pass@x.example/pypi/repo/simple/')).not.toContain('aws');
    expect(indexUrlSecrets(`https://${TOKEN}@pypi.fury.io/acme/`)).toContain(TOKEN);
  });

  test('public PyPI has none', () => {
    expect(indexUrlSecrets('https://pypi.org/simple/')).toEqual([]);
  });

  test('masking replaces the whole URL before its parts', () => {
    const url = `https://dl.example/${TOKEN}/org/simple/`;
    expect(maskSecrets(`failed: ${url}demo/ and ${TOKEN}`, indexUrlSecrets(url))).toBe(
      'failed: ***demo/ and ***',
    );
  });

  test('logged URLs show the host and the file or project, not the path', () => {
    const index = `https://dl.example/${TOKEN}/org/simple/`;
    expect(redactUrl(`${index}demo/`, index)).toBe('https://dl.example/***/demo/');
    expect(redactUrl(index, index)).toBe('https://dl.example/***/');
    expect(redactUrl(`https://dl.example/${TOKEN}/files/demo-1.0.tar.gz?sig=x`)).toBe(
      'https://dl.example/***/demo-1.0.tar.gz',
    );
    expect(redactUrl(`https://dl.example/simple/${TOKEN}/`)).toBe('https://dl.example/***');
    expect(redactUrl('https://u:p@files.pythonhosted.org/packages/a/b.whl?x=1')).toBe(
      'https://files.pythonhosted.org/packages/a/b.whl',
    );
  });
});
