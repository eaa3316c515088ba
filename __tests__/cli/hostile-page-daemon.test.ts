// The bundled daemon (dist/proxy.js, run `npm run build` first) parses a large hostile page off
// its event loop (issue 9, case 4): while the page is being parsed, /-/health and /-/stats are
// answered. Asserted as concurrency, not as a time: a /-/stats answer that reports the page
// still being parsed can only come from a daemon whose event loop is free meanwhile. The upstream
// holds back the page's last byte until the poller runs, so that the parse starts while the
// daemon is being polled. Times are the bench's (soak run, hostile pages).
import { existsSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { removeDir, request, tempDir } from '../proxy/harness.js';
import { CLI, runCli, waitForFile } from './cli-process.js';

const WHEEL = 'demo-1.0-py3-none-any.whl';
// 16 MiB of anchors that never close, then one good link: well past the worker's 1 MiB threshold.
const PAGE = Buffer.from(`${'<a x>'.repeat((16 * 1024 * 1024) / 5)}<a href="/files/${WHEEL}">${WHEEL}</a>`);
const POLL_PAUSE_MS = 10;

let dir: string;
let upstream: Server;
let upstreamUrl: string;
let holding: ServerResponse | undefined;
let pageAsked: () => void;
const asked = new Promise<void>((resolve) => {
  pageAsked = resolve;
});

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/proxy.js is missing: run `npm run build` first');
  dir = await tempDir('hostile-daemon');
  upstream = createServer((req, res) => {
    if (req.url !== '/simple/hostile/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': PAGE.length });
    res.write(PAGE.subarray(0, -1));
    holding = res;
    pageAsked();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/simple/`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await removeDir(dir);
});

test('health and stats are answered while a 16 MiB hostile page is parsed', async () => {
  const readyFile = join(dir, 'ready');
  const { child, exited } = runCli([
    '--store',
    join(dir, 'store'),
    `--upstream=${upstreamUrl}`,
    '--port',
    '0',
    '--ready-file',
    readyFile,
  ]);
  try {
    const url = await waitForFile(readyFile);
    let pageDone = false;
    const page = request(`${url}/simple/hostile/`, {
      headers: { accept: 'application/vnd.pypi.simple.v1+json' },
    }).finally(() => {
      pageDone = true;
    });
    await asked;
    const seen = { health: 0, failedHealth: 0, statsDuringParse: 0 };
    const polling = (async () => {
      let first = true;
      while (!pageDone) {
        const [health, stats] = await Promise.all([request(`${url}/-/health`), request(`${url}/-/stats`)]);
        if (pageDone) break;
        if (health.status === 200) seen.health++;
        else seen.failedHealth++;
        if (JSON.parse(stats.body.toString()).offThreadParses.inProgress > 0) seen.statsDuringParse++;
        // The page's last byte goes out once the daemon has answered a poll: its parse starts now.
        if (first) holding?.end(PAGE.subarray(-1));
        first = false;
        // A breath between polls: back to back they were ~200 rounds (400 requests, ~0.5 s of
        // CPU on both sides) in a parse of ~0.5 s; every 10 ms still polls it many times over.
        await new Promise((resolve) => setTimeout(resolve, POLL_PAUSE_MS));
      }
    })();
    const answer = await page;
    await polling;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString()).files.map((f: { filename: string }) => f.filename)).toEqual([
      WHEEL,
    ]);
    expect(seen.failedHealth).toBe(0);
    expect(seen.health).toBeGreaterThan(0);
    // Answered while the page was still being parsed: the parse did not hold the event loop.
    expect(seen.statsDuringParse).toBeGreaterThan(0);
    const stats = JSON.parse((await request(`${url}/-/stats`)).body.toString());
    expect(stats.offThreadParses).toEqual({ inProgress: 0, done: 1 });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}, 60_000);
