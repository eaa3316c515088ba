// A Docker daemon for the docker e2e run and bench on a Debian machine: docker.io and
// debootstrap from apt-get when missing, dockerd started when none answers, and a base image
// with python3 and pip built from Debian packages (no registry pull: only apt is reachable).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CommandResult {
  code: number;
  output: string;
  durationMs: number;
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 127, output: error.message, durationMs: 0 }));
    child.on('close', (code) =>
      resolve({ code: code ?? 1, output, durationMs: performance.now() - started }),
    );
  });
}

const sh = (script: string) => run('sh', ['-c', script]);

/** apt-get install of the packages whose command is missing; `apt-get update` first. */
export async function ensureDebianPackages(commands: Record<string, string>, log: (line: string) => void) {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(commands)) {
    if ((await sh(`command -v ${command} || test -x /usr/sbin/${command}`)).code !== 0) missing.push(pkg);
  }
  if (missing.length === 0) return;
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const installed = await run('sh', ['-c', `apt-get update && apt-get install -y ${missing.join(' ')}`], env);
  if (installed.code !== 0)
    throw new Error(`apt-get install ${missing.join(' ')} failed: ${installed.output.slice(-1500)}`);
}

/** Starts dockerd when no daemon answers; returns why not when it cannot run here. */
export async function ensureDockerDaemon(logFile: string): Promise<string | undefined> {
  if ((await run('docker', ['info'])).code === 0) return undefined;
  const output = openSync(logFile, 'a');
  const daemon = spawn('dockerd', [], { detached: true, stdio: ['ignore', output, output] });
  daemon.unref();
  for (let i = 0; i < 60; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((await run('docker', ['info'])).code === 0) return undefined;
    if (daemon.exitCode !== null) break;
  }
  return `dockerd did not start: ${readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ')}`;
}

/** The Debian mirror apt uses on this machine (sources.list or deb822 .sources). */
export function debianMirror(): string {
  const files = [
    '/etc/apt/sources.list',
    ...listDir('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`),
  ];
  for (const file of files.filter((f) => /\.(list|sources)$/.test(f) && existsSync(f))) {
    const text = readFileSync(file, 'utf8');
    const match =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (match) return match[1];
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list*');
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export const BASE_IMAGE = 'pypi-cache-e2e-base:bookworm';

/**
 * python3 + pip from Debian (debootstrap --variant=minbase, then docker import). The root file
 * system's tarball is kept in `cacheDir`, so later runs only import it. EXTERNALLY-MANAGED is
 * removed: the image then behaves like the python:*-slim images the README's Dockerfile names.
 */
export async function ensureBaseImage(
  cacheDir = join(homedir(), '.cache', 'pypi-cache-action-e2e'),
  log: (line: string) => void = () => {},
): Promise<void> {
  if ((await run('docker', ['image', 'inspect', BASE_IMAGE])).code === 0) return;
  const tarball = join(cacheDir, 'base-bookworm.tar');
  if (!existsSync(tarball)) {
    const rootfs = join(cacheDir, 'rootfs');
    rmSync(rootfs, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    const mirror = debianMirror();
    log(`debootstrap bookworm from ${mirror} into ${rootfs}`);
    const boot = await run('debootstrap', [
      '--variant=minbase',
      '--include=python3-pip',
      'bookworm',
      rootfs,
      mirror,
    ]);
    if (boot.code !== 0) throw new Error(`debootstrap failed: ${boot.output.slice(-1500)}`);
    const packed = await sh(
      `rm -f ${rootfs}/usr/lib/python3*/EXTERNALLY-MANAGED && rm -rf ${rootfs}/var/cache/apt/archives/*.deb && tar -C ${rootfs} -cf ${tarball}.part . && mv ${tarball}.part ${tarball}`,
    );
    if (packed.code !== 0) throw new Error(`packing the base image failed: ${packed.output.slice(-1500)}`);
    rmSync(rootfs, { recursive: true, force: true });
  }
  const imported = await run('docker', [
    'import',
    '--change',
    'ENV PIP_DISABLE_PIP_VERSION_CHECK=1',
    '--change',
    'CMD ["python3"]',
    tarball,
    BASE_IMAGE,
  ]);
  if (imported.code !== 0) throw new Error(`docker import failed: ${imported.output.slice(-1500)}`);
}
