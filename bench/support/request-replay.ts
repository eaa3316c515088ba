// Replays the requests an installer makes against a warm server, timing each answer:
// - pip's sequence over one keep-alive connection: per pinned project its page (pip's Accept and
//   Cache-Control: max-age=0, pip/_internal/index/collector.py), the PEP 658 `.metadata` of the
//   pinned file, then every file (Accept-Encoding: identity, pip/_internal/network/download.py);
// - a uv-like crowd: pages on many connections, HEAD + Range for each file's tail (uv reads a
//   wheel's central directory that way when there is no .metadata: uv-client remote_metadata.rs),
//   then every file with 50 GETs at once.
import http from 'node:http';
import { median } from './stats.js';

export type RequestKind = 'page' | 'metadata' | 'small file' | 'large file' | 'head' | 'range';

export interface ReplayRequest {
  kind: RequestKind;
  url: string;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
}

export interface TimedAnswer {
  kind: RequestKind;
  ms: number;
  bytes: number;
  status: number;
}

/** Files under this size count as small (the "files under 1 MB"). */
export const SMALL_FILE_BYTES = 1_000_000;

const PIP_PAGE_HEADERS = {
  accept:
    'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01',
  'cache-control': 'max-age=0',
  'accept-encoding': 'gzip, deflate',
  'user-agent': 'pip/26.2.1 (bench replay)',
};
const PIP_FILE_HEADERS = { 'accept-encoding': 'identity', 'user-agent': 'pip/26.2.1 (bench replay)' };
const UV_PAGE_HEADERS = {
  accept: 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01',
  'accept-encoding': 'gzip, br',
  'user-agent': 'uv/0.9 (bench replay)',
};

interface PageFile {
  filename: string;
  url: string;
  size: number;
}

/** One request, body read and counted; the time runs until the last byte. */
export function timedRequest(agent: http.Agent, request: ReplayRequest): Promise<TimedAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      request.url,
      { agent, method: request.method, headers: request.headers },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () =>
          resolve({
            kind: request.kind,
            ms: performance.now() - started,
            bytes,
            status: res.statusCode ?? 0,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function readPage(agent: http.Agent, pageUrl: string): Promise<PageFile[]> {
  const body = await new Promise<string>((resolve, reject) => {
    http
      .get(pageUrl, { agent, headers: { accept: 'application/vnd.pypi.simple.v1+json' } }, (res) => {
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
  const page = JSON.parse(body) as { files: { filename: string; url: string; size: number }[] };
  return page.files.map((f) => ({
    filename: f.filename,
    url: new URL(f.url, pageUrl).toString(),
    size: f.size,
  }));
}

export interface Pinned {
  project: string;
  filename: string;
}

/** pip's warm sequence for `pins` on the server at `indexUrl` (the page URLs it lists). */
export async function pipSequence(indexUrl: string, pins: Pinned[]): Promise<ReplayRequest[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const resolve: ReplayRequest[] = [];
  const downloads: ReplayRequest[] = [];
  try {
    for (const pin of pins) {
      const pageUrl = new URL(`${pin.project}/`, indexUrl).toString();
      const file = (await readPage(agent, pageUrl)).find((f) => f.filename === pin.filename);
      if (!file) throw new Error(`${pageUrl} does not list ${pin.filename}`);
      resolve.push({ kind: 'page', url: pageUrl, method: 'GET', headers: PIP_PAGE_HEADERS });
      resolve.push({
        kind: 'metadata',
        url: `${file.url}.metadata`,
        method: 'GET',
        headers: PIP_FILE_HEADERS,
      });
      downloads.push({
        kind: file.size < SMALL_FILE_BYTES ? 'small file' : 'large file',
        url: file.url,
        method: 'GET',
        headers: PIP_FILE_HEADERS,
      });
    }
  } finally {
    agent.destroy();
  }
  return [...resolve, ...downloads];
}

export interface KindFigures {
  kind: RequestKind;
  requests: number;
  medianMs: number;
  /** Bytes per second over this kind's answers (time summed). */
  bytesPerSecond: number;
}

export function figuresByKind(answers: TimedAnswer[]): KindFigures[] {
  const kinds = [...new Set(answers.map((a) => a.kind))];
  return kinds.map((kind) => {
    const of = answers.filter((a) => a.kind === kind);
    const ms = of.reduce((sum, a) => sum + a.ms, 0);
    return {
      kind,
      requests: of.length,
      medianMs: median(of.map((a) => a.ms)),
      bytesPerSecond: ms > 0 ? (of.reduce((sum, a) => sum + a.bytes, 0) / ms) * 1000 : 0,
    };
  });
}

/** The sequence `rounds` times over one keep-alive connection; every answer must be a 200. */
export async function replayOnOneConnection(
  sequence: ReplayRequest[],
  rounds: number,
): Promise<{ answers: TimedAnswer[]; ms: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const answers: TimedAnswer[] = [];
  const started = performance.now();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const request of sequence) {
        const answer = await timedRequest(agent, request);
        if (answer.status !== 200) throw new Error(`${request.method} ${request.url}: ${answer.status}`);
        answers.push(answer);
      }
    }
  } finally {
    agent.destroy();
  }
  return { answers, ms: performance.now() - started };
}

/** Runs `requests` with at most `concurrency` in flight; resolves with every answer. */
async function inParallel(
  agent: http.Agent,
  requests: ReplayRequest[],
  concurrency: number,
): Promise<TimedAnswer[]> {
  const answers: TimedAnswer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      const answer = await timedRequest(agent, request);
      const expected = request.kind === 'range' ? 206 : 200;
      if (answer.status !== expected) throw new Error(`${request.method} ${request.url}: ${answer.status}`);
      answers.push(answer);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

export interface CrowdResult {
  answers: TimedAnswer[];
  /** Wall time per phase: pages, HEAD + Range, small-file GETs, large-file GETs. */
  phases: { pages: number; metadata: number; smallFiles: number; largeFiles: number };
}

/** The uv-like crowd over every file of `projects`, as described at the top of this file. */
export async function uvLikeCrowd(indexUrl: string, projects: string[]): Promise<CrowdResult> {
  const lister = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const files: PageFile[] = [];
  try {
    for (const project of projects)
      files.push(...(await readPage(lister, new URL(`${project}/`, indexUrl).toString())));
  } finally {
    lister.destroy();
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const fileHeaders = { 'accept-encoding': 'identity', 'user-agent': UV_PAGE_HEADERS['user-agent'] };
  try {
    let started = performance.now();
    const pages = await inParallel(
      agent,
      projects.map((p) => ({
        kind: 'page',
        url: new URL(`${p}/`, indexUrl).toString(),
        method: 'GET',
        headers: UV_PAGE_HEADERS,
      })),
      50,
    );
    const pagesMs = performance.now() - started;
    started = performance.now();
    const tails = files.flatMap((f): ReplayRequest[] => [
      { kind: 'head', url: f.url, method: 'HEAD', headers: fileHeaders },
      {
        kind: 'range',
        url: f.url,
        method: 'GET',
        headers: { ...fileHeaders, range: `bytes=${Math.max(0, f.size - 16_384)}-${f.size - 1}` },
      },
    ]);
    const metadata = await inParallel(agent, tails, 50);
    const metadataMs = performance.now() - started;
    const fileGets = (small: boolean): ReplayRequest[] =>
      files
        .filter((f) => f.size < SMALL_FILE_BYTES === small)
        .map((f) => ({
          kind: small ? 'small file' : 'large file',
          url: f.url,
          method: 'GET',
          headers: fileHeaders,
        }));
    started = performance.now();
    const small = await inParallel(agent, fileGets(true), 50);
    const smallMs = performance.now() - started;
    started = performance.now();
    const large = await inParallel(agent, fileGets(false), 50);
    return {
      answers: [...pages, ...metadata, ...small, ...large],
      phases: {
        pages: pagesMs,
        metadata: metadataMs,
        smallFiles: smallMs,
        largeFiles: performance.now() - started,
      },
    };
  } finally {
    agent.destroy();
  }
}
