// Upstream faults: every client gets the right bytes or an error, never bad bytes, and the
// store only ever holds files whose sha256 matched the index.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fault } from '../support/fake-pypi.js';
import { fileUrlFromPage, listTree, PIP_ACCEPT, request, type Stack, sha256, startStack } from './harness.js';

let stack: Stack;

const FAULTS: Fault[] = ['status-503', 'reset-mid-body', 'truncated-body', 'slow', 'wrong-bytes'];

beforeAll(async () => {
  stack = await startStack(
    [
      ...FAULTS.map((fault) => ({ name: `victim-${fault}`, version: '1.0', payloadBytes: 400_000 })),
      // Over VERIFY_FIRST_MAX_BYTES (8 MiB): streamed to clients as it arrives.
      { name: 'large-victim', version: '1.0', payloadBytes: 8_500_000 },
    ],
    { pypi: { slowFaultMs: 1500 }, proxy: { upstreamTimeoutMs: 400, upstreamRetries: 3 } },
  );
});
afterAll(() => stack.stop());

async function storedHashes(): Promise<string[]> {
  return (await listTree(join(stack.storeDir, 'files'))).map((path) => path.split('/').pop() ?? '');
}

async function outcome(url: string): Promise<'ok' | 'error' | 'bad-bytes'> {
  try {
    const res = await request(url);
    return res.status === 200 ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}

describe.each(FAULTS)('upstream fault %s on a cold file', (fault) => {
  test('clients get an error or a retried success, never bad bytes; the store stays verified', async () => {
    const wheel = stack.wheels.find((w) => w.name === `victim-${fault}`);
    if (!wheel) throw new Error('fixture');
    const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
    stack.pypi.injectFault({ path: wheel.filename, fault, times: 1 });
    stack.pypi.resetRequests();

    const answers = await Promise.all(
      Array.from({ length: 3 }, async () => {
        try {
          const res = await request(url);
          return res;
        } catch {
          return undefined;
        }
      }),
    );
    for (const res of answers) {
      if (res?.status === 200) expect(sha256(res.body)).toBe(wheel.sha256);
      else if (res) expect(res.status).toBeGreaterThanOrEqual(500);
    }
    // The store holds this file only if it verified, and never anything else.
    for (const hash of await storedHashes()) expect(stack.wheels.map((w) => w.sha256)).toContain(hash);
    expect(await readdir(join(stack.storeDir, 'tmp'))).toEqual([]);

    const fileRequests = stack.pypi.requests.filter((r) => r.path.endsWith(wheel.filename));
    if (fault === 'status-503') expect(fileRequests.map((r) => r.status)).toEqual([503, 200]);
    if (fault === 'reset-mid-body' || fault === 'truncated-body' || fault === 'slow') {
      // Cut short after part of the body: resumed from where it stopped, not fetched again.
      expect(fileRequests).toHaveLength(2);
      expect(fileRequests[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    }
    // Bad bytes are found when the whole file is hashed: it is downloaded again from the start.
    if (fault === 'wrong-bytes')
      expect(fileRequests.map((r) => r.headers.range)).toEqual([undefined, undefined]);

    // The fault was a one-off: the next request succeeds and the store holds the right file.
    const after = await request(url);
    expect(after.status).toBe(200);
    expect(sha256(after.body)).toBe(wheel.sha256);
    expect(await storedHashes()).toContain(wheel.sha256);
    // Retries, resumes and fresh downloads happen inside the proxy: the first clients succeeded.
    expect(answers.every((res) => res?.status === 200)).toBe(true);
  });
});

test('bad bytes in a large (streamed) file cut the clients off; the next request gets a good copy', async () => {
  const wheel = stack.wheels.find((w) => w.name === 'large-victim');
  if (!wheel) throw new Error('fixture');
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  stack.pypi.injectFault({ path: wheel.filename, fault: 'wrong-bytes', times: 1 });
  // Streamed bytes cannot be taken back: the only honest answer is a broken response.
  expect(await outcome(url)).toBe('error');
  expect(await storedHashes()).not.toContain(wheel.sha256);
  const after = await request(url);
  expect(after.status).toBe(200);
  expect(sha256(after.body)).toBe(wheel.sha256);
  expect(await storedHashes()).toContain(wheel.sha256);
});

test('a file whose every download is corrupt never reaches the store', async () => {
  const wheel = stack.wheels[0];
  if (!wheel) throw new Error('fixture');
  await stack.restartProxy({ storeDir: join(stack.dir, 'store-corrupt') });
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  stack.pypi.injectFault({ path: wheel.filename, fault: 'wrong-bytes' });
  stack.pypi.resetRequests();
  expect(await outcome(url)).toBe('error');
  // The first download and one more per retry (upstreamRetries: 3), then the client gets a 502.
  expect(stack.pypi.requests.filter((r) => r.path.endsWith(wheel.filename))).toHaveLength(4);
  expect(await outcome(url)).toBe('error');
  stack.pypi.clearFaults();
  expect(await listTree(join(stack.dir, 'store-corrupt', 'files'))).toEqual([]);
  expect(stack.proxy.stats().errors).toBeGreaterThanOrEqual(2);
});

test('upstream down: stored pages still serve (with a warning), cold pages are 5xx', async () => {
  const warnings: string[] = [];
  const [first, second] = stack.wheels;
  if (!first || !second) throw new Error('fixture');
  await stack.restartProxy({ storeDir: join(stack.dir, 'store-outage'), onWarning: (m) => warnings.push(m) });
  await request(`${stack.proxy.url}/simple/${first.project}/`, { headers: { accept: PIP_ACCEPT } });
  await stack.restartProxy({ storeDir: join(stack.dir, 'store-outage'), onWarning: (m) => warnings.push(m) });
  stack.pypi.setDown(true);
  try {
    const warm = await request(`${stack.proxy.url}/simple/${first.project}/`, {
      headers: { accept: PIP_ACCEPT },
    });
    expect(warm.status).toBe(200);
    expect(JSON.parse(warm.body.toString()).files[0].filename).toBe(first.filename);
    expect(warnings.some((m) => m.includes('serving the stored page'))).toBe(true);
    const cold = await request(`${stack.proxy.url}/simple/${second.project}/`, {
      headers: { accept: PIP_ACCEPT },
    });
    expect(cold.status).toBe(502);
    expect(stack.proxy.stats().staleServed).toBe(1);
  } finally {
    stack.pypi.setDown(false);
  }
});

test('upstream down: after two pages fail for good, stored pages are served without asking it', async () => {
  const warnings: string[] = [];
  const storeDir = join(stack.dir, 'store-breaker');
  const projects = stack.wheels.map((wheel) => wheel.project);
  const page = (project: string) =>
    request(`${stack.proxy.url}/simple/${project}/`, { headers: { accept: PIP_ACCEPT } });
  await stack.restartProxy({ storeDir });
  for (const project of projects) expect((await page(project)).status).toBe(200);
  await stack.restartProxy({ storeDir, onWarning: (m) => warnings.push(m) });
  stack.pypi.setDown(true);
  stack.pypi.resetRequests();
  try {
    for (const project of projects) expect((await page(project)).status).toBe(200);
    // Two pages spend their retries (1 + upstreamRetries attempts each); the rest ask nothing.
    expect(stack.pypi.requests).toHaveLength(2 * 4);
    expect(stack.proxy.stats().staleServed).toBe(projects.length);
    expect(warnings.filter((m) => m.includes('failed several page requests in a row'))).toHaveLength(1);
  } finally {
    stack.pypi.setDown(false);
  }
  // Back up: a new run asks upstream again.
  await stack.restartProxy({ storeDir });
  stack.pypi.resetRequests();
  expect((await page(projects[0] ?? '')).status).toBe(200);
  expect(stack.pypi.requests).toHaveLength(1);
});

test('a body cut short again and again, with progress each time, is resumed to the end', async () => {
  const wheel = stack.wheels.find((w) => w.name === 'victim-truncated-body');
  if (!wheel) throw new Error('fixture');
  await stack.restartProxy({ storeDir: join(stack.dir, 'store-cuts') });
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  // More cuts than upstreamRetries (3): only cuts that bring no new bytes count against it.
  stack.pypi.injectFault({ path: wheel.filename, fault: 'truncated-body', times: 6 });
  stack.pypi.resetRequests();
  const res = await request(url);
  expect(res.status).toBe(200);
  expect(sha256(res.body)).toBe(wheel.sha256);
  const ranges = stack.pypi.requests
    .filter((r) => r.path.endsWith(wheel.filename))
    .map((r) => r.headers.range);
  expect(ranges).toHaveLength(7);
  expect(ranges.slice(1).every((range) => /^bytes=\d+-$/.test(String(range)))).toBe(true);
});

test('a body that fails for good answers 502 naming the upstream URL, not a bare 500', async () => {
  const wheel = stack.wheels.find((w) => w.name === 'victim-reset-mid-body');
  if (!wheel) throw new Error('fixture');
  // An attempt is about 17 bodies cut short (the first and up to 16 resumes, 25 ms each in the
  // fake PyPI); one fresh download (upstreamRetries: 1) fails the same way, and the 502 is what
  // the last failure gives: half the requests of 3 retries.
  await stack.restartProxy({ storeDir: join(stack.dir, 'store-resets'), upstreamRetries: 1 });
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  stack.pypi.injectFault({ path: wheel.filename, fault: 'reset-mid-body' });
  try {
    const res = await request(url);
    expect(res.status).toBe(502);
    expect(res.body.toString()).toContain(wheel.filename);
  } finally {
    stack.pypi.clearFaults();
  }
  expect(await listTree(join(stack.dir, 'store-resets', 'files'))).toEqual([]);
});

test('a client arriving while a small file is downloaded again waits for the verified copy', async () => {
  const wheel = stack.wheels.find((w) => w.name === 'victim-wrong-bytes');
  if (!wheel) throw new Error('fixture');
  let downloadingAgain: () => void = () => {};
  const restarted = new Promise<void>((resolve) => {
    downloadingAgain = resolve;
  });
  // The back-off (150-250 ms before the second attempt, twice that before the third) keeps the
  // window between two attempts open for the second client, sent the moment the first restarts.
  await stack.restartProxy({
    storeDir: join(stack.dir, 'store-window'),
    retryBackoffMs: 200,
    onWarning: (m) => {
      if (m.includes('downloading it again')) downloadingAgain();
    },
  });
  const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
  stack.pypi.injectFault({ path: wheel.filename, fault: 'wrong-bytes', times: 2 });
  const first = request(url);
  await restarted;
  const second = request(url);
  for (const res of await Promise.all([first, second])) {
    expect(res.status).toBe(200);
    expect(sha256(res.body)).toBe(wheel.sha256);
  }
});
