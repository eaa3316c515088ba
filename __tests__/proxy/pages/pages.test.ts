import { normalizeProjectName } from '../../../src/proxy/names.js';
import {
  parseHtmlPage,
  parseHtmlProjectList,
  renderHtmlPage,
  renderHtmlProjectList,
} from '../../../src/proxy/pages/html-page.js';
import { scanHtml } from '../../../src/proxy/pages/html-scanner.js';
import { parseJsonPage, renderJsonPage, renderJsonProjectList } from '../../../src/proxy/pages/pages.js';

const SHA = 'ab'.repeat(32);
const META_SHA = 'cd'.repeat(32);
const PAGE_URL = 'https://pypi.example/simple/demo/';

// The shape Warehouse serves, including the pre-PEP 714 key and a key from the future.
const warehouseJson = JSON.stringify({
  meta: { 'api-version': '1.1', '_last-serial': 42 },
  name: 'demo',
  versions: ['1.0', '2.0'],
  'project-status': { status: 'active' },
  files: [
    {
      filename: 'demo-1.0-py3-none-any.whl',
      url: 'https://files.example/packages/aa/demo-1.0-py3-none-any.whl',
      hashes: { sha256: SHA.toUpperCase(), md5: 'ff' },
      'requires-python': '>=3.8',
      'core-metadata': { sha256: META_SHA },
      'data-dist-info-metadata': { sha256: META_SHA },
      yanked: 'broken build',
      size: 1234,
      'upload-time': '2024-01-01T00:00:00.000000Z',
      provenance: 'https://files.example/provenance',
    },
    {
      filename: 'demo-2.0.tar.gz',
      url: '../../packages/demo-2.0.tar.gz',
      hashes: {},
      'dist-info-metadata': true,
      yanked: false,
      'requires-python': null,
    },
    { filename: 'no-url.whl' },
  ],
});

const href = (file: { filename: string }) => `/files/pypi/demo/x/${file.filename}`;

describe('JSON pages (PEP 691, 700, 714)', () => {
  const page = parseJsonPage(warehouseJson, PAGE_URL, 'demo');

  test('keeps every field, resolves relative URLs, reads the old metadata key', () => {
    expect(page.files).toHaveLength(2);
    const [wheel, sdist] = page.files;
    expect(wheel).toMatchObject({
      hashes: { sha256: SHA, md5: 'ff' },
      requiresPython: '>=3.8',
      coreMetadata: { sha256: META_SHA },
      yanked: 'broken build',
      size: 1234,
      uploadTime: '2024-01-01T00:00:00.000000Z',
      extra: { provenance: 'https://files.example/provenance' },
    });
    expect(sdist?.url).toBe('https://pypi.example/packages/demo-2.0.tar.gz');
    expect(sdist?.coreMetadata).toBe(true);
    expect(sdist?.yanked).toBeUndefined();
    expect(page.versions).toEqual(['1.0', '2.0']);
  });

  test('renders proxy URLs, core-metadata and never dist-info-metadata', () => {
    const rendered = JSON.parse(renderJsonPage(page, href));
    expect(rendered.meta).toEqual({ 'api-version': '1.1', '_last-serial': 42 });
    expect(rendered['project-status']).toEqual({ status: 'active' });
    expect(rendered.files[0]).toEqual({
      filename: 'demo-1.0-py3-none-any.whl',
      url: '/files/pypi/demo/x/demo-1.0-py3-none-any.whl',
      hashes: { sha256: SHA, md5: 'ff' },
      'requires-python': '>=3.8',
      'core-metadata': { sha256: META_SHA },
      yanked: 'broken build',
      size: 1234,
      'upload-time': '2024-01-01T00:00:00.000000Z',
      provenance: 'https://files.example/provenance',
    });
    const text = renderJsonPage(page, href);
    expect(text).not.toContain('dist-info-metadata');
    expect(text).not.toContain('files.example/packages');
  });

  test('drops credentials from upstream file URLs', () => {
    const withCredentials = JSON.stringify({
      meta: { 'api-version': '1.0' },
      name: 'demo',
      files: [{ filename: 'a.whl', url: 'https://user:secret@files.example/a.whl#sha256=00', hashes: {} }],
    });
    expect(parseJsonPage(withCredentials, PAGE_URL, 'demo').files[0]?.url).toBe(
      'https://files.example/a.whl',
    );
  });
});

describe('HTML pages (PEP 503, 592, 714)', () => {
  const html = `<!DOCTYPE html><html><head>
    <meta name="pypi:repository-version" content="1.1"><base href="https://mirror.example/root/">
    </head><body><!-- <a href="commented.whl">commented.whl</a> -->
    <a href="pkgs/demo-1.0-py3-none-any.whl#sha256=${SHA}" data-requires-python="&gt;=3.8,&lt;4"
       data-dist-info-metadata="sha256=${META_SHA}" data-yanked="">demo-1.0-py3-none-any.whl</a><br/>
    <a href='https://other.example/demo-2.0.tar.gz#md5=ff' data-core-metadata="true" data-yanked="bad &amp; old">demo-2.0.tar.gz</a>
    </body></html>`;

  test('parses anchors, base href, entities and both metadata attributes', () => {
    const page = parseHtmlPage(html, PAGE_URL, 'demo');
    expect(page.meta['api-version']).toBe('1.1');
    expect(page.files).toEqual([
      {
        filename: 'demo-1.0-py3-none-any.whl',
        url: 'https://mirror.example/root/pkgs/demo-1.0-py3-none-any.whl',
        hashes: { sha256: SHA },
        requiresPython: '>=3.8,<4',
        coreMetadata: { sha256: META_SHA },
        yanked: true,
        extra: {},
      },
      {
        filename: 'demo-2.0.tar.gz',
        url: 'https://other.example/demo-2.0.tar.gz',
        hashes: { md5: 'ff' },
        coreMetadata: true,
        yanked: 'bad & old',
        extra: {},
      },
    ]);
  });

  test('renders what it parses, with data-core-metadata only and escaped values', () => {
    const page = parseHtmlPage(html, PAGE_URL, 'demo');
    const rendered = renderHtmlPage(page, href);
    expect(rendered).toContain(`href="/files/pypi/demo/x/demo-1.0-py3-none-any.whl#sha256=${SHA}"`);
    expect(rendered).toContain('data-requires-python="&gt;=3.8,&lt;4"');
    expect(rendered).toContain(`data-core-metadata="sha256=${META_SHA}"`);
    expect(rendered).not.toContain('data-dist-info-metadata');
    const reparsed = parseHtmlPage(rendered, 'http://proxy.local/simple/demo/', 'demo');
    expect(reparsed.files.map(({ url: _url, ...rest }) => rest)).toEqual(
      page.files.map(({ url: _url, ...rest }) => rest),
    );
  });

  test('project lists: JSON and HTML, links to normalized names under the prefix', () => {
    const list = parseHtmlProjectList('<a href="/simple/foo-bar/">Foo_Bar</a><a href="/simple/baz/">baz</a>');
    expect(list.projects).toEqual(['Foo_Bar', 'baz']);
    expect(renderHtmlProjectList(list, '/private/simple/', normalizeProjectName)).toContain(
      '<a href="/private/simple/foo-bar/">Foo_Bar</a>',
    );
    expect(JSON.parse(renderJsonProjectList(list)).projects).toEqual([{ name: 'Foo_Bar' }, { name: 'baz' }]);
  });
});

describe('the HTML scanner on broken markup (linear, pip-like)', () => {
  test('quoted > in attributes, first of repeated attributes, lone < in text, unquoted values', () => {
    const page = parseHtmlPage(
      `<a href="a.whl" data-requires-python=">=3.8" href="other.whl">a &lt; b < c</a>
       <a href=b.whl data-yanked>b.whl</a>`,
      PAGE_URL,
      'demo',
    );
    expect(page.files.map((f) => [f.filename, f.url, f.requiresPython, f.yanked])).toEqual([
      ['a < b < c', 'https://pypi.example/simple/demo/a.whl', '>=3.8', undefined],
      ['b.whl', 'https://pypi.example/simple/demo/b.whl', undefined, true],
    ]);
  });

  test('anchors never closed count, named by their URL; an unclosed comment hides the rest', () => {
    const page = parseHtmlPage(
      '<a href="x/one-1.0.tar.gz"><a href="two-2.0.tar.gz">two-2.0.tar.gz</a><!-- <a href="hidden.whl">',
      PAGE_URL,
      'demo',
    );
    expect(page.files.map((f) => f.filename)).toEqual(['one-1.0.tar.gz', 'two-2.0.tar.gz']);
  });

  test('tag and attribute names in any case; attributes nobody reads are not kept', () => {
    const scanned = scanHtml(
      '<A HREF="a.whl" Data-Yanked DATA-X="1" class=c>a.whl</A><BASE HRef="https://b.example/">',
    );
    expect(scanned.anchors).toEqual([{ attributes: { href: 'a.whl', 'data-yanked': '' }, text: 'a.whl' }]);
    expect(scanned.baseHref).toBe('https://b.example/');
  });

  test('anchors with neither a link nor a name are not kept (a page of them holds nothing)', () => {
    const scanned = scanHtml(`${'<a x>'.repeat(10_000)}<a>named</a><a href="f.whl"></a>`);
    expect(scanned.anchors.map((a) => [a.text, a.attributes.href])).toEqual([
      ['named', undefined],
      ['', 'f.whl'],
    ]);
  });

  test('the first <base href> wins, a bad one is ignored; links that are no URL are skipped', () => {
    const first = parseHtmlPage(
      '<base href="https://a.example/"><base href="https://b.example/"><a href="f.whl">f.whl</a>',
      PAGE_URL,
      'demo',
    );
    expect(first.files[0]?.url).toBe('https://a.example/f.whl');
    const bad = parseHtmlPage(
      '<base href="http://[::1"><a href="f.whl">f.whl</a><a href="http://[::1/g.whl">g.whl</a><a href="%zz"></a>',
      PAGE_URL,
      'demo',
    );
    expect(bad.files.map((f) => f.url)).toEqual(['https://pypi.example/simple/demo/f.whl']);
  });
});
