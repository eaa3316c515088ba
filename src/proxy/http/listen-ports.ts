// Binding the proxy's port from a list of candidates, in order: the first that is free is the
// one. The daemon binds it itself: a port probed free by one process and bound later by another
// can be taken in between (EADDRINUSE failed the action's main step on a busy runner), while a
// listen() that fails only moves on to the next candidate. `0` is any free port.
import type { Server } from 'node:net';

/** The daemon's exit code when no candidate port could be bound (proxy-command.ts). */
export const PORTS_IN_USE_EXIT_CODE = 3;
/** A range longer than this is a typo (`3141-31415`), not a plan. */
const MAX_CANDIDATES = 1000;

export class PortsInUseError extends Error {
  constructor(
    readonly ports: readonly number[],
    readonly host: string,
  ) {
    const what =
      ports.length === 1
        ? `port ${ports[0]} on ${host} is`
        : `ports ${formatPorts(ports)} on ${host} are all`;
    super(`${what} in use by another process (EADDRINUSE); free one or choose another port`);
  }
}

/** `31415-31434,0` -> [31415, ..., 31434, 0]; a reason string when it is not such a list. */
export function parsePorts(value: string): number[] | string {
  const ports: number[] = [];
  for (const item of value.split(',')) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item.trim());
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || first > 65535 || last > 65535 || last < first)
      return `expected a port 0-65535, a range A-B, or a comma-separated list of them`;
    for (let port = first; port <= last; port++) ports.push(port);
    if (ports.length > MAX_CANDIDATES) return `more than ${MAX_CANDIDATES} ports`;
  }
  return ports;
}

/** The inverse of parsePorts, with runs of consecutive ports as ranges. */
export function formatPorts(ports: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ports.length; ) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === (ports[j] as number) + 1 && ports[j] !== 0) j++;
    parts.push(j === i ? String(ports[i]) : `${ports[i]}-${ports[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Listens on the first candidate that is free; other errors (EACCES, EADDRNOTAVAIL) fail at once. */
export async function listenOnFirstFree(
  server: Server,
  host: string,
  ports: readonly number[],
): Promise<void> {
  for (const port of ports) {
    const bound = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') resolve(false);
        else reject(error);
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve(true);
      });
    });
    if (bound) return;
  }
  throw new PortsInUseError(ports, host);
}
