// A small HTTP load generator: GETs with a fixed number of concurrent keep-alive clients,
// bodies read and counted (optionally hashed), errors counted, never thrown.
import { createHash } from 'node:crypto';
import http from 'node:http';

export interface Fetched {
  url: string;
  status: number;
  bytes: number;
  /** The body ended as announced (no reset, no short body). */
  complete: boolean;
  sha256?: string;
  error?: string;
}

export function getOnce(
  url: string,
  agent: http.Agent,
  options: { hash?: boolean; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Fetched> {
  return new Promise((resolve) => {
    const hash = options.hash ? createHash('sha256') : undefined;
    let settled = false;
    const done = (result: Fetched) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const req = http.get(url, { agent, headers: options.headers }, (res) => {
      const expected = Number(res.headers['content-length'] ?? Number.NaN);
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash?.update(chunk);
      });
      res.on('end', () => {
        const complete = res.complete && (Number.isNaN(expected) || bytes === expected);
        done({ url, status: res.statusCode ?? 0, bytes, complete, sha256: hash?.digest('hex') });
      });
      res.on('error', (error) =>
        done({ url, status: res.statusCode ?? 0, bytes, complete: false, error: error.message }),
      );
      res.on('aborted', () =>
        done({ url, status: res.statusCode ?? 0, bytes, complete: false, error: 'aborted' }),
      );
    });
    req.setTimeout(options.timeoutMs ?? 300_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => done({ url, status: 0, bytes: 0, complete: false, error: error.message }));
  });
}

export interface LoadResult {
  ms: number;
  requests: number;
  bytes: number;
  errors: number;
  results: Fetched[];
}

/** Each client takes its own list of URLs in order; all clients run at once. */
export async function runClients(
  lists: string[][],
  options: { hash?: boolean; expectedSha256?: Map<string, string> } = {},
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: lists.length });
  const results: Fetched[] = [];
  const started = performance.now();
  await Promise.all(
    lists.map(async (urls) => {
      for (const url of urls) results.push(await getOnce(url, agent, { hash: options.hash }));
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  const bad = (r: Fetched) =>
    r.status !== 200 ||
    !r.complete ||
    (options.expectedSha256?.has(r.url) === true &&
      r.sha256 !== undefined &&
      r.sha256 !== options.expectedSha256.get(r.url));
  return {
    ms,
    requests: results.length,
    bytes: results.reduce((sum, r) => sum + r.bytes, 0),
    errors: results.filter(bad).length,
    results,
  };
}

/** `count` clients sharing one queue of URLs. */
export function runQueue(urls: string[], count: number): Promise<LoadResult> {
  const lists: string[][] = Array.from({ length: count }, () => []);
  for (const [i, url] of urls.entries()) lists[i % count].push(url);
  return runClients(lists);
}

export interface FileLink {
  project: string;
  filename: string;
  url: string;
  sha256: string;
  size: number;
}

const JSON_ACCEPT = 'application/vnd.pypi.simple.v1+json';

/** The files of some projects as the server under test lists them (PEP 691 JSON pages). */
export async function listFiles(indexUrl: string, projects: string[]): Promise<FileLink[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const links: FileLink[] = [];
  for (const project of projects) {
    const pageUrl = new URL(`${project}/`, indexUrl).toString();
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(pageUrl, { agent, headers: { accept: JSON_ACCEPT } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => {
            text += d;
          });
          res.on('end', () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`${pageUrl}: ${res.statusCode}`)),
          );
        })
        .on('error', reject);
    });
    const page = JSON.parse(body) as {
      files: { filename: string; url: string; hashes: { sha256: string }; size: number }[];
    };
    for (const file of page.files) {
      links.push({
        project,
        filename: file.filename,
        url: new URL(file.url, pageUrl).toString(),
        sha256: file.hashes.sha256,
        size: file.size,
      });
    }
  }
  agent.destroy();
  return links;
}

/** Deterministic shuffle (per client) so clients meet on the same files at different times. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
