// Pages and headers built to make a parser slow or throw (issue 9, cases 4 and 13): the proxy
// parses them in linear time, keeps answering other requests meanwhile, refuses pages past its
// bound, and skips links it cannot read instead of failing the page.
import { fileUrlFromPage, request, type Stack, startStack } from './harness.js';

let stack: Stack;
let wheelUrl = '';
let wheelName = '';
const warnings: string[] = [];

beforeAll(async () => {
  stack = await startStack([{ name: 'demo', version: '1.0' }], {
    proxy: { maxPageBytes: 2 * 1024 * 1024, onWarning: (warning) => warnings.push(warning) },
  });
  const [wheel] = stack.wheels;
  if (!wheel) throw new Error('fixture');
  wheelName = wheel.filename;
  // The upstream's own URL for the wheel, for hand-written pages that link to it.
  const page = await request(`${stack.pypi.indexUrl}demo/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  wheelUrl = `${JSON.parse(page.body.toString()).files[0].url}#sha256=${wheel.sha256}`;
});
afterAll(() => stack.stop());

/**
 * Event-loop stalls while `work` runs, from the gaps between ticks of a 5 ms interval, the last
 * gap included (a stall that ends with `work` must count too): the longest one, and the time
 * lost in gaps over 50 ms. The proxy runs in this process, so a stall in its parser shows here.
 * The bounds below are far above a linear parse (a few ms here, a few hundred on a machine
 * loaded by other jobs) and far below the old regular expressions (39 s for a 300 KB page,
 * 8.7 s for the 30 ranges): a correctness check that survives a busy machine, not a timing one.
 * The figures themselves are the bench's (soak run, hostile pages).
 */
async function stallsDuring(work: () => Promise<void>): Promise<{ longestMs: number; lostMs: number }> {
  let last = performance.now();
  const stalls = { longestMs: 0, lostMs: 0 };
  const tick = () => {
    const now = performance.now();
    const gap = now - last;
    stalls.longestMs = Math.max(stalls.longestMs, gap);
    if (gap > 50) stalls.lostMs += gap;
    last = now;
  };
  const timer = setInterval(tick, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
    tick();
  }
  return stalls;
}

const HOSTILE = 320 * 1024;
const goodLink = () => `<a href="${wheelUrl}">${wheelName}</a>`;

// Each body is 320 KB of one construct the old scanHtml matched with backtracking regexes.
const hostilePages: [string, () => string, number][] = [
  // `<a ` never closed: the rest of the page is one unfinished tag.
  ['<a repeated', () => `${goodLink()}${'<a '.repeat(HOSTILE / 3)}`, 1],
  ['<meta repeated', () => `${'<meta '.repeat(HOSTILE / 6)}`, 0],
  // An unclosed comment hides the rest of the page, as in pip.
  ['unclosed <!--', () => `${goodLink()}<!--${'<a href="x">x</a>'.repeat(HOSTILE / 17)}`, 1],
  // Anchors never closed: each counts, with its name from its URL.
  ['<a x> without </a>', () => `${'<a x>'.repeat(HOSTILE / 5)}${goodLink()}`, 1],
];

test.each(hostilePages)(
  'a page of %s is parsed in linear time while /-/health answers',
  async (name, body, files) => {
    const project = `hostile-${hostilePages.findIndex(([n]) => n === name)}`;
    stack.pypi.setRawPage(project, 'text/html', body());
    let page: Awaited<ReturnType<typeof request>> | undefined;
    let health: Awaited<ReturnType<typeof request>> | undefined;
    const { longestMs } = await stallsDuring(async () => {
      [page, health] = await Promise.all([
        request(`${stack.proxy.url}/simple/${project}/`, {
          headers: { accept: 'application/vnd.pypi.simple.v1+json' },
        }),
        request(`${stack.proxy.url}/-/health`),
      ]);
    });
    expect(health?.status).toBe(200);
    expect(page?.status).toBe(200);
    expect(JSON.parse(page?.body.toString() ?? '{}').files).toHaveLength(files);
    expect(longestMs).toBeLessThan(10_000);
  },
);

test('30 requests with a Range header of 15,000 spaces do not stall the proxy', async () => {
  const url = await fileUrlFromPage(stack.proxy.url, 'demo', wheelName);
  await request(url); // into the store
  const range = `bytes=0-${' '.repeat(15_000)}x`;
  const { lostMs } = await stallsDuring(async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => request(url, { headers: { range } })));
    // A malformed range is ignored: the whole file, as RFC 9110 allows.
    for (const answer of answers) expect(answer.status).toBe(200);
  });
  expect(lostMs).toBeLessThan(4_000);
});

test('a page past the bound is refused with a clear error, not parsed', async () => {
  stack.pypi.setRawPage('too-big', 'text/html', `${goodLink()}${' '.repeat(3 * 1024 * 1024)}`);
  const res = await request(`${stack.proxy.url}/simple/too-big/`);
  expect(res.status).toBe(502);
  expect(res.body.toString()).toMatch(
    /page larger than 2097152 bytes, refused \(raise the bound with --max-page-size\)/,
  );
  // Refused for good, not retried like an outage.
  expect(stack.pypi.counts().byPath['/simple/too-big/']).toBe(1);
});

describe('malformed links are skipped as pip skips them (case 13)', () => {
  const bad = ['http://[::1/demo-0.9-py3-none-any.whl', 'https://files.example/%zz'];

  test('HTML: the page lists the good link, asked upstream once', async () => {
    stack.pypi.setRawPage(
      'broken-html',
      'text/html',
      `${bad.map((href) => `<a href="${href}"></a>`).join('\n')}\n${goodLink()}`,
    );
    const res = await request(`${stack.proxy.url}/simple/broken-html/`, {
      headers: { accept: 'application/vnd.pypi.simple.v1+json' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).files.map((f: { filename: string }) => f.filename)).toEqual([
      wheelName,
    ]);
    expect(stack.pypi.counts().byPath['/simple/broken-html/']).toBe(1);
  });

  test('JSON: the same', async () => {
    const files = [
      { filename: 'demo-0.9-py3-none-any.whl', url: bad[0], hashes: {} },
      { filename: wheelName, url: wheelUrl, hashes: {} },
    ];
    stack.pypi.setRawPage(
      'broken-json',
      'application/vnd.pypi.simple.v1+json',
      JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'broken-json', files }),
    );
    const res = await request(`${stack.proxy.url}/simple/broken-json/`, {
      headers: { accept: 'application/vnd.pypi.simple.v1+json' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).files).toHaveLength(1);
    expect(stack.pypi.counts().byPath['/simple/broken-json/']).toBe(1);
  });

  test('after all that, the upstream is not taken for down (the breaker stayed closed)', () => {
    expect(warnings.filter((warning) => warning.includes('failed several page requests'))).toEqual([]);
  });
});
