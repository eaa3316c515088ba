// The post step's questions to the daemon (/-/stats, /-/manifest): an answer, or undefined for
// anything else, and never longer than QUERY_TIMEOUT_MS. A real loopback server plays the daemon.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fetchProxyManifest,
  fetchProxyStats,
  MAX_QUERY_ANSWER_BYTES,
  QUERY_TIMEOUT_MS,
} from '../../src/proxy/launcher.js';

type Answer = (response: ServerResponse) => void;
let answer: Answer;
let server: Server;
let url: string;
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((_request, response) => answer(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const response of held) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const json =
  (status: number, body: string): Answer =>
  (response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };

test('a 200 with JSON is the parsed body', async () => {
  answer = json(200, '{"requests": 3}');
  expect(await fetchProxyStats(url)).toEqual({ requests: 3 });
  answer = json(200, '{"version": 1, "files": []}');
  expect(await fetchProxyManifest(url)).toEqual({ version: 1, files: [] });
});

test('a non-2xx answer or a body that is not JSON is undefined', async () => {
  answer = json(503, '{"requests": 3}');
  expect(await fetchProxyStats(url)).toBeUndefined();
  answer = json(200, '{"requests": ');
  expect(await fetchProxyStats(url)).toBeUndefined();
});

test('nothing listening is undefined', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  expect(await fetchProxyStats(`http://127.0.0.1:${port}`)).toBeUndefined();
});

test('a daemon that sends headers and never the whole body is undefined after the timeout', async () => {
  answer = (response) => {
    held.push(response);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"requests": ');
  };
  const started = Date.now();
  expect(await fetchProxyStats(url)).toBeUndefined();
  const waited = Date.now() - started;
  expect(waited).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 50);
  expect(waited).toBeLessThan(QUERY_TIMEOUT_MS + 1_500);
});

test('an answer larger than MAX_QUERY_ANSWER_BYTES is undefined as soon as it is, not held until the timeout', async () => {
  // Not the daemon (it died and something else took its port), or a daemon gone wrong: it
  // streams as fast as loopback allows. The server stops at 200 MiB, so a client that reads it
  // all holds no more than that and then waits out the timeout.
  let sent = 0;
  const chunk = Buffer.alloc(1 << 20, 0x20);
  answer = (response) => {
    held.push(response);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"requests": 1, "pad": "');
    const more = () => {
      while (sent < 200 * (1 << 20) && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', more);
      }
    };
    more();
  };
  const started = Date.now();
  expect(await fetchProxyManifest(url)).toBeUndefined();
  expect(Date.now() - started).toBeLessThan(QUERY_TIMEOUT_MS / 2);
  expect(sent).toBeLessThan(200 * (1 << 20));
  expect(sent).toBeGreaterThanOrEqual(MAX_QUERY_ANSWER_BYTES - (1 << 20));
});
