// The proxy's port when the proxy-port input is left empty. A port that stays the same from run
// to run keeps what records the index URL valid: Docker build arguments (a changed
// PIP_INDEX_URL reruns every RUN layer after its ARG), and Pipfile.lock, where pipenv writes the
// source URL (`pipenv install --deploy` fails once it changes). 31415 lies below the ephemeral
// ranges of Linux (32768+), Windows and macOS (49152+), so outgoing connections do not take it.
export const DEFAULT_PROXY_PORT = 31415;
const TRIES = 20;
const LAST_TRIED = DEFAULT_PROXY_PORT + TRIES - 1;

/**
 * The ports the daemon tries, in order, binding the first that is free (the daemon itself: a port
 * probed here and bound there could be taken in between). An explicit port (0: any free one) is
 * the only candidate; empty: the default, the next ones, then any free port.
 */
export function proxyPortCandidates(requested: number | undefined): number[] {
  if (requested !== undefined) return [requested];
  return [...Array.from({ length: TRIES }, (_, i) => DEFAULT_PROXY_PORT + i), 0];
}

/** What the port the daemon bound costs, when the input was empty and it is not the default. */
export function proxyPortWarning(
  host: string,
  bound: number,
  requested: number | undefined,
): string | undefined {
  if (requested !== undefined || bound === DEFAULT_PROXY_PORT) return undefined;
  if (bound > DEFAULT_PROXY_PORT && bound <= LAST_TRIED) {
    return (
      `Port ${DEFAULT_PROXY_PORT} on ${host} is taken: the proxy listens on ${bound}. ` +
      'Its index URL differs from runs on the default port, so Docker layers built with ' +
      'docker-build-args run again and a Pipfile.lock recording the URL fails `pipenv install --deploy`. ' +
      "Set 'proxy-port' to a port that is free on this runner to keep it stable."
    );
  }
  // All taken: any free port still gives a working job.
  return `Ports ${DEFAULT_PROXY_PORT}-${LAST_TRIED} on ${host} are all taken: the proxy listens on a random port (${bound}), so Docker layers built with docker-build-args and a Pipfile.lock recording the URL do not stay valid between runs.`;
}
