// One owner per store: `<store>/lock` is created exclusively (O_EXCL) by the proxy that opens the
// store and removed when it closes. A second proxy on the same store would remove tmp/ under
// the first one and race it on every rename; it refuses to start instead. A lock left by a
// process that died (SIGKILL, a crashed runner) is taken over: its pid is gone, exited but not
// reaped (a zombie), or is now another process (different start time, or another host after a
// cache restore).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isRunning, processStartTime } from '../process-state.js';

interface LockHolder {
  pid: number;
  host: string;
  /** /proc/<pid>/stat start time (clock ticks since boot), where there is a /proc. */
  processStart?: string;
  since: string;
}

export class StoreLockedError extends Error {}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname() || !isRunning(holder.pid)) return false;
  const start = processStartTime(holder.pid);
  return holder.processStart === undefined || start === undefined || start === holder.processStart;
}

export class StoreLock {
  private constructor(private readonly path: string) {}

  static async acquire(root: string): Promise<StoreLock> {
    const path = join(root, 'lock');
    const mine: LockHolder = {
      pid: process.pid,
      host: hostname(),
      processStart: processStartTime(process.pid),
      since: new Date().toISOString(),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(path, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
        return new StoreLock(path);
      } catch (error: unknown) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const holder = await readHolder(path);
      if (holder && isAlive(holder)) {
        throw new StoreLockedError(
          `the store ${root} is in use by another proxy: ${path} is held by pid ${holder.pid} (since ${holder.since}); stop it or use another --store`,
        );
      }
      await rm(path, { force: true });
    }
  }

  /** Removes the lock if it is still this process's. */
  async release(): Promise<void> {
    const holder = await readHolder(this.path);
    if (holder?.pid === process.pid && holder.host === hostname()) await rm(this.path, { force: true });
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as LockHolder;
    return Number.isSafeInteger(holder.pid) ? holder : undefined;
  } catch {
    // Missing, or half-written by a process that died: no live holder.
    return undefined;
  }
}
