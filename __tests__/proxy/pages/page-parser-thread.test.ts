// Large HTML pages are parsed in a worker thread (the bundle's dist/page-parser.js: run `npm run
// build` first): the model must be the one the main thread makes, and a worker that cannot start
// must cost nothing but the off-thread parse.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseHtmlPage, parseHtmlProjectList } from '../../../src/proxy/pages/html-page.js';
import { HtmlPageParser, OFF_THREAD_MIN_BYTES } from '../../../src/proxy/pages/page-parser-thread.js';
import { BodySegments } from '../../../src/proxy/upstream/body-segments.js';
import { removeDir, tempDir } from '../harness.js';

const WORKER = resolve('dist/page-parser.js');
const PAGE_URL = 'https://pypi.example/simple/demo/';

// Past the threshold, with what the parser must carry across: entities, metadata, yanked, text.
const anchor = (i: number) =>
  `<a href="../../files/demo-${i}.0.tar.gz#sha256=${'ab'.repeat(32)}" data-requires-python="&gt;=3.8" data-core-metadata="sha256=${'cd'.repeat(32)}"${i % 7 === 0 ? ' data-yanked="bad &amp; old"' : ''}>demo-${i}.0.tar.gz</a><br/>\n`;
const LARGE = Buffer.from(
  Array.from({ length: Math.ceil(OFF_THREAD_MIN_BYTES / 200) + 10 }, (_, i) => anchor(i)).join(''),
);

let dir: string;
beforeAll(async () => {
  if (!existsSync(WORKER)) throw new Error('dist/page-parser.js is missing: run `npm run build` first');
  dir = await tempDir('page-parser');
});
afterAll(() => removeDir(dir));

test('a large page parses in the worker to the model the main thread makes', async () => {
  expect(LARGE.length).toBeGreaterThanOrEqual(OFF_THREAD_MIN_BYTES);
  const parser = new HtmlPageParser(WORKER);
  try {
    const page = await parser.projectPage(BodySegments.of(LARGE), PAGE_URL, 'demo');
    expect(parser.done).toBe(1);
    expect(page).toEqual(parseHtmlPage(LARGE.toString('utf8'), PAGE_URL, 'demo'));
    expect(page.files[7]?.yanked).toBe('bad & old');
    const list = await parser.projectList(BodySegments.of(LARGE));
    expect(parser.done).toBe(2);
    expect(list).toEqual(parseHtmlProjectList(LARGE.toString('utf8')));
    // Small pages stay on the main thread.
    await parser.projectPage(BodySegments.of(Buffer.from(anchor(1))), PAGE_URL, 'demo');
    expect(parser.done).toBe(2);
  } finally {
    await parser.close();
  }
});

test.each([
  ['is missing', async () => join(dir, 'no-such-worker.js')],
  [
    'fails to load',
    async () => {
      const script = join(dir, 'broken-worker.mjs');
      await writeFile(script, "throw new Error('cannot load');\n");
      return script;
    },
  ],
])('a worker script that %s: pages are parsed on the main thread', async (_case, script) => {
  const parser = new HtmlPageParser(await script());
  try {
    const page = await parser.projectPage(BodySegments.of(LARGE), PAGE_URL, 'demo');
    expect(page.files).toHaveLength(parseHtmlPage(LARGE.toString('utf8'), PAGE_URL, 'demo').files.length);
    expect(parser.done).toBe(0);
    // Not tried again for every page.
    await parser.projectPage(BodySegments.of(LARGE), PAGE_URL, 'demo');
    expect(parser.done).toBe(0);
  } finally {
    await parser.close();
  }
});

test('a large page goes to the worker without a copy, and a character split across segments survives', async () => {
  // 'é' is two bytes in UTF-8; placed so that it straddles the first segments' boundary (64 KiB),
  // and read in chunks of 1000 bytes, as a socket would hand them over.
  const prefix = `<a href="x-${'p'.repeat(64 * 1024 - 12)}`;
  const bytes = Buffer.concat([Buffer.from(prefix), Buffer.from('é.tar.gz">é</a>\n'), LARGE]);
  expect(Buffer.from(prefix).length + 1).toBe(64 * 1024);
  const body = new BodySegments();
  for (let at = 0; at < bytes.length; at += 1000) body.append(bytes.subarray(at, at + 1000));
  const parser = new HtmlPageParser(WORKER);
  try {
    const page = await parser.projectPage(body, PAGE_URL, 'demo');
    expect(parser.done).toBe(1);
    expect(page).toEqual(parseHtmlPage(bytes.toString('utf8'), PAGE_URL, 'demo'));
    const url = page.files[0]?.url ?? '';
    expect(url.endsWith('p%C3%A9.tar.gz')).toBe(true);
    // Handed over to the worker (transferred): the daemon kept no copy to join or send.
    expect(() => body.whole()).toThrow(/handing its segments over/);
  } finally {
    await parser.close();
  }
});
