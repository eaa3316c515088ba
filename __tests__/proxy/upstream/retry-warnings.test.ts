// Issue 13: a retry warning names the upstream URL once (it said `<url>: <url>: no data ...`).
import { createServer, type Server, type Socket } from 'node:net';
import { UpstreamClient } from '../../../src/proxy/upstream/upstream.js';
import { parseUpstreams } from '../../../src/proxy/upstream/upstream-config.js';

let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  // Accepts and never answers: every attempt runs into the client's timeout.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

test('a timed-out attempt is warned about with the URL once', async () => {
  const { port } = silent.address() as { port: number };
  const url = `http://127.0.0.1:${port}/simple/demo/`;
  const [upstream] = parseUpstreams([`http://127.0.0.1:${port}/simple/`], {});
  if (!upstream) throw new Error('fixture');
  const warnings: string[] = [];
  const client = new UpstreamClient({
    timeoutMs: 50,
    retries: 1,
    backoffMs: 1,
    onRetry: (message) => warnings.push(message),
  });
  try {
    await expect(client.request(url, { upstream })).rejects.toThrow('no data for 50 ms');
  } finally {
    client.close();
  }
  expect(warnings).toHaveLength(1);
  // Off public PyPI the index's path is hidden (issue 9, case 10): host, then the project.
  const shown = `http://127.0.0.1:${port}/***/demo/`;
  expect(warnings[0]).toMatch(
    /^http:\/\/127\.0\.0\.1:\d+\/\*\*\*\/demo\/: no data for 50 ms; retrying in \d+ ms$/,
  );
  expect(warnings[0]?.split(shown)).toHaveLength(2);
});
