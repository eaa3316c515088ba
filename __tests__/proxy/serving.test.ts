// What the proxy serves, checked answer by answer against a fake PyPI on loopback.
import { gunzipSync } from 'node:zlib';
import { fileUrlFromPage, PIP_ACCEPT, request, type Stack, sha256, startStack } from './harness.js';

const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
let stack: Stack;
let base: string;

beforeAll(async () => {
  stack = await startStack(
    [
      { name: 'Demo_Pkg', version: '1.0.0', requiresPython: '>=3.8' },
      { name: 'Demo_Pkg', version: '1.1.0', dependencies: ['dep-one>=1'] },
      { name: 'dep-one', version: '1.0.0' },
    ],
    { pypi: { yanked: { 'demo_pkg-1.0.0-py3-none-any.whl': 'use 1.1' } } },
  );
  base = stack.proxy.url;
});
afterAll(() => stack.stop());

describe('project pages', () => {
  test('JSON for pip: every field kept, file URLs rewritten to this proxy', async () => {
    const res = await request(`${base}/simple/demo-pkg/`, { headers: { accept: PIP_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    expect(res.headers.vary).toBe('Accept, Accept-Encoding');
    const page = JSON.parse(res.body.toString());
    expect(page.meta['api-version']).toBe('1.1');
    expect(page.versions).toEqual(['1.0.0', '1.1.0']);
    const [old] = page.files;
    const wheel = stack.wheels.find((w) => w.filename === old.filename);
    expect(old).toMatchObject({
      url: `/files/pypi/demo-pkg/${wheel?.sha256}/${old.filename}`,
      hashes: { sha256: wheel?.sha256 },
      'requires-python': '>=3.8',
      'core-metadata': { sha256: sha256(wheel?.metadata ?? '') },
      yanked: 'use 1.1',
      size: wheel?.size,
    });
    expect(old['upload-time']).toMatch(/^2024-/);
    expect(res.body.toString()).not.toContain('dist-info-metadata');
    expect(res.body.toString()).not.toContain(stack.pypi.filesOrigin);
  });

  test('HTML without Accept, or with */*; v1+html when asked; latest+json as v1+json', async () => {
    for (const accept of [undefined, '*/*', 'text/html']) {
      const res = await request(`${base}/simple/demo-pkg/`, { headers: accept ? { accept } : {} });
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const wheel = stack.wheels[0];
      expect(res.body.toString()).toContain(`#sha256=${wheel?.sha256}"`);
      expect(res.body.toString()).toContain('data-core-metadata="sha256=');
      expect(res.body.toString()).toContain('data-requires-python="&gt;=3.8"');
      expect(res.body.toString()).toContain('data-yanked="use 1.1"');
    }
    const v1 = await request(`${base}/simple/demo-pkg/`, {
      headers: { accept: 'application/vnd.pypi.simple.v1+html' },
    });
    expect(v1.headers['content-type']).toBe('application/vnd.pypi.simple.v1+html');
    const latest = await request(`${base}/simple/demo-pkg/`, {
      headers: { accept: 'application/vnd.pypi.simple.latest+json' },
    });
    expect(latest.headers['content-type']).toBe(JSON_TYPE);
  });

  test('non-canonical names redirect to the normalized name with a slash', async () => {
    for (const path of ['/simple/Demo_Pkg/', '/simple/demo-pkg', '/simple/DEMO.PKG']) {
      const res = await request(`${base}${path}`);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe('/simple/demo-pkg/');
    }
  });

  test('unknown project: 404, not 5xx', async () => {
    const res = await request(`${base}/simple/no-such-project/`, { headers: { accept: PIP_ACCEPT } });
    expect(res.status).toBe(404);
  });

  test('gzip when accepted, strong ETag per representation, 304 on revalidation', async () => {
    const plain = await request(`${base}/simple/demo-pkg/`, { headers: { accept: PIP_ACCEPT } });
    const zipped = await request(`${base}/simple/demo-pkg/`, {
      headers: { accept: PIP_ACCEPT, 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    const again = await request(`${base}/simple/demo-pkg/`, {
      headers: {
        accept: PIP_ACCEPT,
        'if-none-match': String(plain.headers.etag),
        'cache-control': 'max-age=0',
      },
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  test('HEAD on a page: headers, no body', async () => {
    const res = await request(`${base}/simple/demo-pkg/`, {
      method: 'HEAD',
      headers: { accept: PIP_ACCEPT },
    });
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  test('the project list in both formats', async () => {
    const html = await request(`${base}/simple/`);
    expect(html.body.toString()).toContain('<a href="/simple/dep-one/">');
    const json = await request(`${base}/simple/`, { headers: { accept: JSON_TYPE } });
    const names = JSON.parse(json.body.toString()).projects.map((p: { name: string }) => p.name);
    expect(names.sort()).toEqual(['Demo_Pkg', 'dep-one']);
  });
});

describe('files', () => {
  test('bytes verified, exact headers, no Content-Encoding even when gzip is accepted', async () => {
    const wheel = stack.wheels[2];
    if (!wheel) throw new Error('fixture');
    const url = await fileUrlFromPage(base, wheel.project, wheel.filename);
    const cold = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    const warm = await request(url, { headers: { 'accept-encoding': 'gzip' } });
    for (const res of [cold, warm]) {
      expect(res.status).toBe(200);
      expect(sha256(res.body)).toBe(wheel.sha256);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-length']).toBe(String(wheel.size));
      expect(res.headers.etag).toBe(`"${wheel.sha256}"`);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(res.headers['accept-ranges']).toBe('bytes');
    }
    const revalidated = await request(url, { headers: { 'if-none-match': `"${wheel.sha256}"` } });
    expect(revalidated.status).toBe(304);
  });

  test('Range, If-Range, HEAD and 416 on a stored file', async () => {
    const wheel = stack.wheels[1];
    if (!wheel) throw new Error('fixture');
    const url = await fileUrlFromPage(base, wheel.project, wheel.filename);
    const whole = (await request(url)).body;
    const head = await request(url, { method: 'HEAD' });
    expect(head.headers['content-length']).toBe(String(wheel.size));
    expect(head.body.length).toBe(0);
    const tail = await request(url, { headers: { range: 'bytes=-100' } });
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe(`bytes ${wheel.size - 100}-${wheel.size - 1}/${wheel.size}`);
    expect(tail.body.equals(whole.subarray(wheel.size - 100))).toBe(true);
    const middle = await request(url, { headers: { range: 'bytes=10-19', 'if-range': `"${wheel.sha256}"` } });
    expect(middle.status).toBe(206);
    expect(middle.body.equals(whole.subarray(10, 20))).toBe(true);
    const changed = await request(url, { headers: { range: 'bytes=10-19', 'if-range': '"something-else"' } });
    expect(changed.status).toBe(200);
    expect(changed.body.length).toBe(wheel.size);
    const beyond = await request(url, { headers: { range: `bytes=${wheel.size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${wheel.size}`);
  });

  test('a file not on the page, or under another hash, is 404', async () => {
    const wheel = stack.wheels[0];
    if (!wheel) throw new Error('fixture');
    const other = 'f'.repeat(64);
    expect((await request(`${base}/files/pypi/demo-pkg/${other}/${wheel.filename}`)).status).toBe(404);
    expect(
      (await request(`${base}/files/pypi/demo-pkg/${wheel.sha256}/nope-1.0-py3-none-any.whl`)).status,
    ).toBe(404);
  });
});

describe('health and stats', () => {
  test('/-/health answers ok; /-/stats counts what happened', async () => {
    expect(JSON.parse((await request(`${base}/-/health`)).body.toString())).toEqual({ status: 'ok' });
    const stats = JSON.parse((await request(`${base}/-/stats`)).body.toString());
    expect(stats.requests).toBeGreaterThan(10);
    expect(stats.servedFromStore).toBeGreaterThan(0);
    expect(stats.fetchedUpstream).toBeGreaterThan(0);
    expect(stats.upstreamBytes).toBeGreaterThan(0);
    expect(stats.storeBytes).toBeGreaterThan(0);
    expect(stats.errors).toBe(0);
    // The daemon's own event-loop delay since its start (the soak bench reads it).
    expect(stats.eventLoopDelay.maxMs).toBeGreaterThan(0);
    expect(stats.eventLoopDelay.p99Ms).toBeLessThanOrEqual(stats.eventLoopDelay.maxMs);
  });

  test('GET / is a small page for a person: what this is, the routes, a link to the stats', async () => {
    const html = await request(`${base}/`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = html.body.toString();
    expect(page).toContain('caching proxy for the Python simple repository API');
    expect(page).toContain('<code>/simple/</code>');
    expect(page).toContain('<a href="/-/stats">/-/stats</a>');
    // Not a PEP 503 route: a client asking for JSON gets the same lines as text, not a page model.
    const text = await request(`${base}/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body.toString()).toMatch(/^\/-\/stats +counters/m);
  });

  test('/-/manifest lists what this run used so far', async () => {
    const manifest = JSON.parse((await request(`${base}/-/manifest`)).body.toString());
    expect(manifest.pages).toContainEqual({ upstream: 'pypi', project: 'demo-pkg' });
    expect(manifest.files).toEqual(expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]));
  });

  test('methods other than GET and HEAD: 405', async () => {
    const res = await request(`${base}/simple/`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});
