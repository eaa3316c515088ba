// The proxy as the action runs it: dist/proxy.js in its own process, so its memory is its own.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IndexPolicy, ProxyStatsSnapshot } from '../../src/proxy/index.js';
import { PROXY_NODE_FLAGS } from '../../src/proxy/launcher.js';
import { memoryOf } from './processes.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROXY_SCRIPT = join(REPO_ROOT, 'dist', 'proxy.js');

export interface ProxyProcess {
  url: string;
  indexUrl: string;
  pid: number;
  stats(): Promise<ProxyStatsSnapshot>;
  /** Peak resident memory so far (VmHWM), bytes. */
  peakRss(): Promise<number>;
  /** SIGTERM: downloads finish, the manifest is written. */
  stop(): Promise<void>;
  kill(): Promise<void>;
  stderr(): string;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startProxyProcess(options: {
  store: string;
  upstreamIndexUrl: string;
  policy: IndexPolicy;
  /** Where the ready file goes; default beside the store. */
  workDir: string;
}): Promise<ProxyProcess> {
  const readyFile = join(options.workDir, `proxy-ready-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  await rm(readyFile, { force: true });
  const child = spawn(
    process.execPath,
    [
      // The flags the action's launcher gives its daemon, so the bench measures what jobs run.
      ...PROXY_NODE_FLAGS,
      PROXY_SCRIPT,
      '--store',
      options.store,
      '--upstream',
      options.upstreamIndexUrl,
      '--index-policy',
      options.policy,
      '--ready-file',
      readyFile,
      // As the action runs it: with an access log.
      '--log',
      `${readyFile}.access.jsonl`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-20_000);
  });
  let url = '';
  for (let waited = 0; !url; waited += 20) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}: ${stderr}`);
    if (waited > 15_000) {
      child.kill('SIGKILL');
      throw new Error(`proxy not ready after 15 s: ${stderr}`);
    }
    url = (await readFile(readyFile, 'utf8').catch(() => '')).trim();
    if (!url) await new Promise((done) => setTimeout(done, 20));
  }
  await rm(readyFile, { force: true });
  const pid = child.pid ?? 0;
  return {
    url,
    indexUrl: `${url}/simple/`,
    pid,
    async stats() {
      const response = await fetch(`${url}/-/stats`);
      return (await response.json()) as ProxyStatsSnapshot;
    },
    async peakRss() {
      return (await memoryOf(pid))?.hwm ?? 0;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 70_000);
      await exited(child);
      clearTimeout(timer);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    stderr: () => stderr,
  };
}
