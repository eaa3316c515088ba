// The job's HTTPS proxy as a hostile or broken peer (item 4 of the robustness brief): what it
// answers to CONNECT must be a status line of its own, bounded in size and time, and nothing it
// sends back, or fails with, may carry the credentials into a message. Raw loopback servers
// play the proxy.
import net, { type AddressInfo, type Socket } from 'node:net';
import { OutboundProxy, OutboundProxyError } from '../../../src/proxy/upstream/outbound-proxy.js';
import { UpstreamClient, UpstreamError } from '../../../src/proxy/upstream/upstream.js';
import { parseUpstreams, type Upstream } from '../../../src/proxy/upstream/upstream-config.js';

const USER = 'corp-user-7f3a';
const PASSWORD = 's3cr:t/P@ss%9q';
const servers: net.Server[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

/** A "proxy" that runs `behave` on each connection once the CONNECT request has arrived. */
async function fakeProxy(behave: (socket: Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let request = '';
    socket.on('data', (chunk: Buffer) => {
      if (request.includes('\r\n\r\n')) return;
      request += chunk.toString('latin1');
      if (request.includes('\r\n\r\n')) behave(socket);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const proxyAt = (port: number, timeoutMs = 5_000) =>
  new OutboundProxy(`http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`, undefined, timeoutMs);

async function connectError(proxy: OutboundProxy): Promise<OutboundProxyError> {
  const error = await proxy.connect('files.example', 443).then(
    (socket) => {
      socket.destroy();
      return undefined;
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(OutboundProxyError);
  const message = (error as Error).message;
  for (const secret of [
    PASSWORD,
    encodeURIComponent(PASSWORD),
    USER,
    Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  ])
    expect(message).not.toContain(secret);
  return error as OutboundProxyError;
}

test('an endless header (no blank line) is cut off at the bound, not buffered until the timeout', async () => {
  const port = await fakeProxy((socket) => {
    socket.write('HTTP/1.1 200 OK\r\n');
    const line = `X-Filler: ${'a'.repeat(1000)}\r\n`;
    const flood = () => {
      while (!socket.destroyed && socket.write(line));
      if (!socket.destroyed) socket.once('drain', flood);
    };
    flood();
  });
  // A timeout far past the test's: only the size bound can end it.
  const error = await connectError(proxyAt(port, 60_000));
  expect(error.message).toMatch(/CONNECT files\.example:443: its answer is not an HTTP response/);
});

test('a status code of more than three digits is not a 200', async () => {
  const port = await fakeProxy((socket) => socket.write('HTTP/1.1 2000 OK\r\n\r\n'));
  // Before: /^HTTP\/1\.[01] (\d{3})/ read "2000" as 200 and the tunnel was taken as open.
  const error = await connectError(proxyAt(port));
  expect(error.message).toMatch(/its answer is not an HTTP response/);
});

test('a 407 that echoes the credentials back: the message shows none of them', async () => {
  const port = await fakeProxy((socket) =>
    socket.end(
      `HTTP/1.1 407 Proxy Authentication Required ${USER}:${PASSWORD}\r\nX-Echo: ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}\r\n\r\n`,
    ),
  );
  const error = await connectError(proxyAt(port));
  expect(error.status).toBe(407);
  expect(error.message).toContain('refused the credentials in HTTPS_PROXY');
});

test('a proxy that is not listening: the error names http://host:port only', async () => {
  const port = await fakeProxy(() => {});
  await new Promise((resolve) => servers.pop()?.close(resolve));
  const error = await connectError(proxyAt(port));
  expect(error.message).toContain(`the job's HTTPS proxy http://127.0.0.1:${port}`);
});

test('a status line sent a byte at a time is still read', async () => {
  const port = await fakeProxy((socket) => {
    const answer = 'HTTP/1.1 200 Connection established\r\n\r\n';
    let i = 0;
    const next = () => {
      if (i < answer.length) socket.write(answer[i++] as string, () => setImmediate(next));
    };
    next();
  });
  const socket = await proxyAt(port).connect('files.example', 443);
  socket.destroy();
});

test('a proxy that answers 200 and then sends nothing: the fetch fails at the idle timeout, never hangs', async () => {
  const port = await fakeProxy((socket) => socket.write('HTTP/1.1 200 Connection established\r\n\r\n'));
  const client = new UpstreamClient({
    timeoutMs: 300,
    retries: 0,
    outboundProxy: proxyAt(port),
    // No name is ever looked up here: this one does not resolve, so it is left to the proxy.
    hostLookup: async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    },
  });
  const [upstream] = parseUpstreams(['https://files.example/simple/'], {});
  try {
    const failure = await client
      .request('https://files.example/simple/app/', {
        upstream: upstream as Upstream,
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as Error).message).toMatch(/no data for 300 ms/);
    expect((failure as Error).message).not.toContain(PASSWORD);
  } finally {
    client.close();
  }
});
