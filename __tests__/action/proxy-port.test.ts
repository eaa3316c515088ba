import { createServer, type Server } from 'node:net';
import { chooseProxyPort, DEFAULT_PROXY_PORT } from '../../src/action/proxy-port.js';

/** Holds `port` on 127.0.0.1; resolves undefined when someone else already holds it. */
function occupy(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

test('an explicit port is used as given, 0 included', async () => {
  expect(await chooseProxyPort('127.0.0.1', 4000)).toEqual({ port: 4000, warning: undefined });
  expect(await chooseProxyPort('127.0.0.1', 0)).toEqual({ port: 0, warning: undefined });
});

test('empty: the default port when it is free', async () => {
  const probe = await occupy(DEFAULT_PROXY_PORT);
  if (!probe) return; // another process on this machine holds it: the next test covers that
  await new Promise((resolve) => probe.close(resolve));
  expect(await chooseProxyPort('127.0.0.1', undefined)).toEqual({
    port: DEFAULT_PROXY_PORT,
    warning: undefined,
  });
});

test('empty and the default taken: the next free port, with a warning that says what it costs', async () => {
  const held = await occupy(DEFAULT_PROXY_PORT);
  try {
    const chosen = await chooseProxyPort('127.0.0.1', undefined);
    expect(chosen.port).toBeGreaterThan(DEFAULT_PROXY_PORT);
    expect(chosen.warning).toMatch(
      new RegExp(
        `Port ${DEFAULT_PROXY_PORT} on 127.0.0.1 is taken: the proxy listens on ${chosen.port}\\..*Docker layers.*Pipfile\\.lock.*'proxy-port'`,
      ),
    );
  } finally {
    held?.close();
  }
});
