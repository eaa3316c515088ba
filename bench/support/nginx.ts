// Debian's nginx as the comparison: a caching reverse proxy (proxy_cache) in front of the PyPI
// stand-in, installed by the bench when missing and run as a foreground child with every path
// in a temp folder. Pages name the files origin in absolute URLs, so nginx fronts both origins
// (two server blocks) and rewrites the files origin in page bodies with sub_filter, the usual
// recipe for an nginx PyPI mirror.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDebianCommand } from './debian.js';
import { freePort, runCommand } from './processes.js';

export interface NginxOptions {
  dir: string;
  indexOrigin: string;
  filesOrigin: string;
  /** proxy_cache_lock: one upstream request per missing object, the others wait for it. */
  cacheLock: boolean;
}

export interface NginxProcess {
  indexUrl: string;
  filesOrigin: string;
  pids(): Promise<number[]>;
  stop(): Promise<void>;
}

/** The nginx binary, installing Debian's package first when there is none. */
export function ensureNginx(log: (line: string) => void): Promise<string> {
  return ensureDebianCommand('nginx', 'nginx', log);
}

export async function nginxVersion(binary: string): Promise<string> {
  const result = await runCommand(binary, ['-v']);
  return (result.stderr || result.stdout).trim().replace(/^nginx version: /, '');
}

function config(o: NginxOptions, ports: { index: number; files: number }): string {
  const lock = o.cacheLock
    ? 'proxy_cache_lock on; proxy_cache_lock_timeout 120s; proxy_cache_lock_age 120s;'
    : '';
  const upstreamCommon = `proxy_http_version 1.1; proxy_set_header Connection ""; proxy_cache pypi; ${lock}`;
  return `
user root;
worker_processes 2;
daemon off;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${o.dir}/client_temp;
  proxy_temp_path ${o.dir}/proxy_temp;
  fastcgi_temp_path ${o.dir}/fastcgi_temp;
  uwsgi_temp_path ${o.dir}/uwsgi_temp;
  scgi_temp_path ${o.dir}/scgi_temp;
  proxy_cache_path ${o.dir}/cache levels=1:2 keys_zone=pypi:64m max_size=20g inactive=30d use_temp_path=off;
  upstream pypi_index { server ${new URL(o.indexOrigin).host}; keepalive 64; }
  upstream pypi_files { server ${new URL(o.filesOrigin).host}; keepalive 64; }
  server {
    listen 127.0.0.1:${ports.index};
    location / {
      proxy_pass http://pypi_index;
      ${upstreamCommon}
      # Pages vary by Accept (PEP 691); sub_filter needs them uncompressed.
      proxy_cache_key $scheme$proxy_host$request_uri$http_accept;
      proxy_set_header Accept-Encoding "";
      proxy_cache_valid 200 10m;
      sub_filter '${o.filesOrigin}' 'http://127.0.0.1:${ports.files}';
      sub_filter_once off;
      sub_filter_types application/vnd.pypi.simple.v1+json application/vnd.pypi.simple.v1+html;
    }
  }
  server {
    listen 127.0.0.1:${ports.files};
    location / {
      proxy_pass http://pypi_files;
      ${upstreamCommon}
      proxy_cache_valid 200 365d;
    }
  }
}
`;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startNginx(binary: string, options: NginxOptions): Promise<NginxProcess> {
  await mkdir(join(options.dir, 'cache'), { recursive: true });
  const ports = { index: await freePort(), files: await freePort() };
  const conf = join(options.dir, 'nginx.conf');
  await writeFile(conf, config(options, ports));
  const child = spawn(binary, ['-c', conf, '-p', options.dir, '-e', join(options.dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const indexUrl = `http://127.0.0.1:${ports.index}/simple/`;
  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
    const up = await fetch(`http://127.0.0.1:${ports.index}/nginx-probe`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (waited > 10_000) throw new Error(`nginx not listening after 10 s: ${stderr}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  return {
    indexUrl,
    filesOrigin: `http://127.0.0.1:${ports.files}`,
    async pids() {
      const listed = await runCommand('sh', ['-c', `ps -o pid= --ppid ${child.pid}`]);
      return [child.pid ?? 0, ...listed.stdout.split('\n').filter(Boolean).map(Number)];
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
