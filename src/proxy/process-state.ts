// Whether a pid is a live process, and when it started: read one way for the launcher (is the
// daemon still running?) and the store lock (is the lock's holder still alive?).
import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name, from field 3 (state) on; Linux only. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold ') ': the last one ends it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A process that exited but is not reaped yet (a zombie) still answers kill(pid, 0). The
 * daemon's parent is init by the post step (it is detached, and the main step has exited): an
 * init that reaps late (this machine's, about 1.4 s) kept every post step waiting, and one that
 * never reaps (a container's shell as PID 1) had a stopped daemon reported as killed, and kept
 * its store locked. Linux says so in /proc/<pid>/stat (state Z or X); elsewhere, no such check.
 */
function hasExited(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error: unknown) {
    // EPERM: it exists but is not ours to signal, which still means running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !hasExited(pid);
}

/** /proc/<pid>/stat start time (clock ticks since boot, field 22): tells a reused pid apart. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}
