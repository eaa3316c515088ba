// A small tmpfs for the store, so that "the disk is full" is a real file system saying ENOSPC
// (and a real short write) rather than a mock. Needs root and a kernel that allows the mount;
// `tmpfsUnavailable()` says why not, so the tests can skip with that reason.
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PAGE = 4096;

function mount(dir: string, bytes: number): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
}

/** Why a tmpfs cannot be mounted here, or undefined when it can (probed once, synchronously). */
export function tmpfsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  const probe = mkdtempSync(join(tmpdir(), 'tmpfs-probe-'));
  try {
    mount(probe, 64 * 1024);
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error: unknown) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    return stderr || (error as Error).message;
  } finally {
    rmdirSync(probe);
  }
}

/**
 * Runs `mount -o <options> <dir>` commands, one at a time, from a small shell: forking a test
 * worker of a few hundred MB for each remount cost ~13 ms of CPU here, forking the shell ~1.5 ms.
 */
class MountShell {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: () => void; reject: (error: Error) => void; command: string }[] = [];
  private unread = '';
  private output = '';
  /** Why no more command can run: the shell ended, or failed to start. */
  private ended?: string;

  constructor() {
    const loop =
      'while IFS= read -r dir && IFS= read -r options; do mount -o "$options" "$dir" 2>&1; echo "exit:$?"; done';
    this.child = spawn('sh', ['-c', loop], { stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (text: string) => this.read(text));
    const fail = (reason: string) => {
      this.ended ??= reason;
      for (const command of this.waiting.splice(0))
        command.reject(new Error(`${command.command}: ${reason}`));
    };
    this.child.stdin.on('error', (error) => fail(error.message));
    this.child.on('error', (error) => fail(error.message));
    this.child.on('exit', (code) => fail(`the shell exited (${code})`));
  }

  /** Output lines until `exit:<status>`, which ends the oldest command. */
  private read(text: string): void {
    this.unread += text;
    for (let end = this.unread.indexOf('\n'); end >= 0; end = this.unread.indexOf('\n')) {
      const line = this.unread.slice(0, end);
      this.unread = this.unread.slice(end + 1);
      if (!line.startsWith('exit:')) {
        this.output += `${line}\n`;
        continue;
      }
      const command = this.waiting.shift();
      if (line === 'exit:0') command?.resolve();
      else command?.reject(new Error(`${command.command} failed (${line}): ${this.output.trim()}`));
      this.output = '';
    }
  }

  run(dir: string, options: string): Promise<void> {
    const command = `mount -o ${options} ${dir}`;
    if (this.ended) return Promise.reject(new Error(`${command}: ${this.ended}`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject, command });
      this.child.stdin.write(`${dir}\n${options}\n`);
    });
  }

  /** Ends the shell; resolves once it exited. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.ended ??= 'the shell was closed';
    this.child.stdin.end();
    await exited;
  }
}

export class Tmpfs {
  private readonly shell = new MountShell();

  private constructor(readonly dir: string) {}

  /** Mounts a tmpfs of `bytes` (rounded up to pages) at `dir`, which must exist and be empty. */
  static mount(dir: string, bytes: number): Tmpfs {
    mount(dir, bytes);
    return new Tmpfs(dir);
  }

  async usedBytes(): Promise<number> {
    const fs = await statfs(this.dir);
    return (fs.blocks - fs.bfree) * fs.bsize;
  }

  /** Resizes the file system so that about `bytes` are free (whole pages, rounded down). */
  async setFreeBytes(bytes: number): Promise<void> {
    const size = (await this.usedBytes()) + Math.max(0, Math.floor(bytes / PAGE)) * PAGE;
    await this.shell.run(this.dir, `remount,size=${Math.max(size, PAGE)}`);
  }

  async freeBytes(): Promise<number> {
    const fs = await statfs(this.dir);
    return fs.bavail * fs.bsize;
  }

  /** Unmounts (lazily: open files do not keep it), after the shell's remounts are done. */
  async unmount(): Promise<void> {
    try {
      await this.shell.close();
    } finally {
      execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' });
    }
  }
}

/** Free bytes that leave a file of `size` bytes one page short of fitting. */
export function oneFilePageShort(size: number): number {
  return (Math.ceil(size / PAGE) - 1) * PAGE;
}
