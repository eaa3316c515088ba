// Shared by the proxy's integration tests: temp folders, a fake PyPI with wheels, a proxy in
// front of it, and a small HTTP client that returns whole bodies (or the error a client sees).
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProxyOptions, type RunningProxy, startProxy } from '../../src/proxy/index.js';
import { FakePypi, type FakePypiOptions } from '../support/fake-pypi.js';
import { type BuiltWheel, buildWheels, type WheelSpec } from '../support/wheels.js';

export const PIP_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';
export const UV_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `pypi-proxy-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request; rejects when the connection breaks before the body is complete. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; rawPath?: string } = {},
): Promise<HttpResult> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.rawPath ?? `${target.pathname}${target.search}`,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          if (!res.complete) reject(new Error('response cut off'));
          else resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export interface Download {
  status: number;
  bytes: number;
  sha256: string;
}

/**
 * One GET, hashed as it streams: for big or many bodies, where holding each whole body (and
 * copying it into one buffer) would cost more than the proxy under test. Rejects when cut off.
 */
export function download(url: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
        });
        res.on('error', reject);
        res.on('end', () =>
          res.complete
            ? resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest('hex') })
            : reject(new Error('response cut off')),
        );
      })
      .on('error', reject);
  });
}

/** Every file below `dir`, relative to it. */
export async function listTree(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}

export interface Stack {
  dir: string;
  storeDir: string;
  wheels: BuiltWheel[];
  pypi: FakePypi;
  proxy: RunningProxy;
  /** Restarts the proxy on the same store. */
  restartProxy(options?: Partial<ProxyOptions>): Promise<RunningProxy>;
  stop(): Promise<void>;
}

export async function startStack(
  specs: WheelSpec[],
  options: { pypi?: Partial<FakePypiOptions>; proxy?: Partial<ProxyOptions> } = {},
): Promise<Stack> {
  const dir = await tempDir('stack');
  const wheels = await buildWheels(join(dir, 'wheels'), specs);
  const pypi = new FakePypi({ wheels, ...options.pypi });
  await pypi.start();
  const storeDir = join(dir, 'store');
  const launch = (extra: Partial<ProxyOptions> = {}) =>
    startProxy({
      storeDir,
      upstreams: [pypi.indexUrl],
      retryBackoffMs: 10,
      onWarning: () => {},
      ...options.proxy,
      ...extra,
    });
  const stack: Stack = {
    dir,
    storeDir,
    wheels,
    pypi,
    proxy: await launch(),
    async restartProxy(extra) {
      await stack.proxy.close();
      stack.proxy = await launch(extra);
      return stack.proxy;
    },
    async stop() {
      await stack.proxy.close();
      await pypi.stop();
      await removeDir(dir);
    },
  };
  return stack;
}

/** The proxy URL of a file, read from the proxy's JSON page as a client would. */
export async function fileUrlFromPage(proxyUrl: string, project: string, filename: string): Promise<string> {
  const page = await request(`${proxyUrl}/simple/${project}/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  const files = JSON.parse(page.body.toString()).files as { filename: string; url: string }[];
  const file = files.find((candidate) => candidate.filename === filename);
  if (!file) throw new Error(`${filename} not on the page of ${project}`);
  return new URL(file.url, `${proxyUrl}/simple/${project}/`).toString();
}
