// What a run keeps in memory for repeats (issue 9, case 14; issue 11): parsed pages, renderings
// and stored files live within one budget, reported in /-/stats, and an evicted page comes back
// from the store without a second upstream request in the run.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileUrlFromPage, PIP_ACCEPT, request, type Stack, sha256, startStack } from './harness.js';

const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
const KiB = 1024;

interface MemoryStats {
  budgetBytes: number;
  pagesBytes: number;
  renderingsBytes: number;
  filesBytes: number;
}

async function memoryOf(stack: Stack): Promise<MemoryStats> {
  const res = await request(`${stack.proxy.url}/-/stats`);
  return JSON.parse(res.body.toString()).memory as MemoryStats;
}

function pageRequests(stack: Stack, project: string): number {
  return stack.pypi.requests.filter((r) => r.origin === 'index' && r.path === `/simple/${project}/`).length;
}

describe('many pages, a small budget', () => {
  const budget = 64 * KiB;
  const projects = Array.from({ length: 30 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      projects.map((name) => ({ name, version: '1.0.0' })),
      { proxy: { memoryBudgetBytes: budget } },
    );
  });
  afterAll(() => stack.stop());

  test('held bytes stay under the budget; evicted pages come back identical, asked upstream once', async () => {
    const first = new Map<string, Buffer>();
    for (const project of projects) {
      const res = await request(`${stack.proxy.url}/simple/${project}/`, { headers: { accept: PIP_ACCEPT } });
      expect(res.status).toBe(200);
      first.set(project, res.body);
      const memory = await memoryOf(stack);
      expect(memory.budgetBytes).toBe(budget);
      expect(memory.pagesBytes + memory.renderingsBytes + memory.filesBytes).toBeLessThanOrEqual(budget);
    }
    const memory = await memoryOf(stack);
    expect(memory.pagesBytes).toBeGreaterThan(0);
    expect(memory.renderingsBytes).toBeGreaterThan(0);
    // The first pages were evicted by now; they are answered again, from the store.
    for (const project of projects) {
      const res = await request(`${stack.proxy.url}/simple/${project}/`, { headers: { accept: PIP_ACCEPT } });
      expect(res.body.equals(first.get(project) ?? Buffer.alloc(0))).toBe(true);
      // Revalidate asks upstream once per page and run, evicted or not.
      expect(pageRequests(stack, project)).toBe(1);
    }
  });
});

describe('four concurrent large pages', () => {
  // Each page is about 0.5 MB of JSON: parsed, more than the whole page share of the budget
  // (3/8 of it, 192 KiB). Every share is a fixed part of the budget, so a quarter of the budget
  // and of the page prove what a 2 MiB budget and 2 MB pages did.
  const budget = 512 * KiB;
  const filesPerPage = 1_500;
  // Distinct 64-digit hex digests; no file is downloaded, so they need not be anyone's sha256.
  const hexDigest = (n: number) => n.toString(16).padStart(64, '0');
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack([{ name: 'seed', version: '1.0' }], { proxy: { memoryBudgetBytes: budget } });
    for (let p = 0; p < 4; p++) {
      const files = Array.from({ length: filesPerPage }, (_, i) => ({
        filename: `big${p}-${i}.0-py3-none-any.whl`,
        url: `${stack.pypi.filesOrigin}/files/big${p}/big${p}-${i}.0-py3-none-any.whl`,
        hashes: { sha256: hexDigest(2 * (p * filesPerPage + i)) },
        'requires-python': '>=3.8',
        'upload-time': '2024-01-01T00:00:00.000000Z',
        'core-metadata': { sha256: hexDigest(2 * (p * filesPerPage + i) + 1) },
        size: 1000 + i,
      }));
      stack.pypi.setRawPage(
        `big${p}`,
        JSON_TYPE,
        JSON.stringify({ meta: { 'api-version': '1.1' }, name: `big${p}`, files }),
      );
    }
  });
  afterAll(() => stack.stop());

  test('all four answered in full; what stays held is within the budget', async () => {
    const answers = await Promise.all(
      [0, 1, 2, 3].map((p) =>
        request(`${stack.proxy.url}/simple/big${p}/`, { headers: { accept: JSON_TYPE } }),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString()).files).toHaveLength(filesPerPage);
    }
    const memory = await memoryOf(stack);
    expect(memory.pagesBytes + memory.renderingsBytes + memory.filesBytes).toBeLessThanOrEqual(budget);
    // Too large to keep, so read back from the store on a repeat, not asked upstream again.
    const again = await request(`${stack.proxy.url}/simple/big0/`, { headers: { accept: JSON_TYPE } });
    expect(again.body.equals(answers[0]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(pageRequests(stack, 'big0')).toBe(1);
  });
});

describe('stored files', () => {
  const budget = 256 * KiB;
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      Array.from({ length: 12 }, (_, i) => ({ name: `small-${i}`, version: '1.0', payloadBytes: 20 * KiB })),
      { proxy: { memoryBudgetBytes: budget } },
    );
  });
  afterAll(() => stack.stop());

  test('small files are answered from memory, HEAD and Range included, within the budget', async () => {
    const urls: string[] = [];
    for (const wheel of stack.wheels) {
      const url = await fileUrlFromPage(stack.proxy.url, wheel.project, wheel.filename);
      urls.push(url);
      // The first GET downloads it; the second reads it from the store and keeps it.
      for (const round of [0, 1]) {
        const res = await request(url);
        expect([round, sha256(res.body)]).toEqual([round, wheel.sha256]);
      }
      const memory = await memoryOf(stack);
      expect(memory.pagesBytes + memory.renderingsBytes + memory.filesBytes).toBeLessThanOrEqual(budget);
    }
    // The last file is kept whole: with it gone from disk, a repeat needs no file system call.
    const last = stack.wheels[stack.wheels.length - 1];
    if (!last) throw new Error('fixture');
    await rm(join(stack.storeDir, 'files', 'sha256', last.sha256.slice(0, 2), last.sha256));
    const url = urls[urls.length - 1] ?? '';
    const full = await request(url);
    expect(full.status).toBe(200);
    expect(sha256(full.body)).toBe(last.sha256);
    const head = await request(url, { method: 'HEAD' });
    expect(head.headers['content-length']).toBe(String(last.size));
    const range = await request(url, { headers: { range: 'bytes=-100' } });
    expect(range.status).toBe(206);
    expect(range.body.equals(full.body.subarray(-100))).toBe(true);
    expect(stack.pypi.counts().files).toBe(stack.wheels.length);
  });
});
