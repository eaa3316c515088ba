import { createServer } from 'node:net';

// The proxy's port when the proxy-port input is left empty. A port that stays the same from run
// to run keeps what records the index URL valid: Docker build arguments (a changed
// PIP_INDEX_URL reruns every RUN layer after its ARG), and Pipfile.lock, where pipenv writes the
// source URL (`pipenv install --deploy` fails once it changes). 31415 lies below the ephemeral
// ranges of Linux (32768+), Windows and macOS (49152+), so outgoing connections do not take it.
export const DEFAULT_PROXY_PORT = 31415;
const TRIES = 20;

export interface ChosenPort {
  port: number;
  /** Set when the default was taken and a later port is used instead. */
  warning: string | undefined;
}

/** An explicit port (0: any free one) is used as given; empty: the default, or the next free. */
export async function chooseProxyPort(host: string, requested: number | undefined): Promise<ChosenPort> {
  if (requested !== undefined) return { port: requested, warning: undefined };
  for (let port = DEFAULT_PROXY_PORT; port < DEFAULT_PROXY_PORT + TRIES; port++) {
    if (await isFree(host, port)) {
      const warning =
        port === DEFAULT_PROXY_PORT
          ? undefined
          : `Port ${DEFAULT_PROXY_PORT} on ${host} is taken: the proxy listens on ${port}. ` +
            'Its index URL differs from runs on the default port, so Docker layers built with ' +
            'docker-build-args run again and a Pipfile.lock recording the URL fails `pipenv install --deploy`. ' +
            "Set 'proxy-port' to a port that is free on this runner to keep it stable.";
      return { port, warning };
    }
  }
  // All taken: any free port still gives a working job.
  return {
    port: 0,
    warning: `Ports ${DEFAULT_PROXY_PORT}-${DEFAULT_PROXY_PORT + TRIES - 1} on ${host} are all taken: the proxy listens on a random port, so Docker layers built with docker-build-args and a Pipfile.lock recording the URL do not stay valid between runs.`,
  };
}

/** Binds and closes at once; another process may still take the port before the proxy does. */
function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}
