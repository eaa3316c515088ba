// Where a page may send the proxy (issue 9, case 12): file links and redirects go only to the
// index's host, its companion file host and --allow-file-host hosts; never to a link-local
// address, nor to loopback when the index is not there, whether written as a literal (in any
// spelling URL parsing normalises), hidden behind a name that resolves to it, or reached by a
// redirect. The index is "index.test", which the proxy's test-only host lookup sends to
// 127.0.0.1: so the index is not "on loopback" by name, and no real name is ever looked up.
//
// Mocked: net.Socket connect, as a guard. A socket to anything but a loopback literal, or to a
// host name without the proxy's own lookup (that would be real DNS), is recorded and refused
// before it connects: the old code, which fetched such links, fails here without sending a byte.
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type RunningProxy, startProxy } from '../../src/proxy/index.js';
import { addressKind } from '../../src/proxy/upstream/file-hosts.js';
import { removeDir, request, sha256, tempDir } from './harness.js';

const attempts: string[] = [];
const lookedUp: string[] = [];
const realConnect = net.Socket.prototype.connect;

function guardSockets(): void {
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = (typeof first === 'object' && first !== null ? first : { host: args[1] }) as {
      host?: string;
      path?: string;
      lookup?: unknown;
    };
    const host = options.host ?? 'localhost';
    const literal = net.isIP(host) !== 0;
    const allowed =
      options.path !== undefined ||
      (literal ? addressKind(host) === 'loopback' : host === 'localhost' || options.lookup !== undefined);
    if (!allowed) {
      attempts.push(host);
      process.nextTick(() => this.destroy(new Error(`test guard: no connection to ${host}`)));
      return this;
    }
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

const WHEEL = Buffer.from('pretend wheel bytes '.repeat(50));
let dir: string;
let index: Server;
let bystander: Server;
let indexPort = 0;
let bystanderPort = 0;
const bystanderHits: string[] = [];
let proxy: RunningProxy;
const warnings: string[] = [];

// Each file its own bytes: a shared hash would be served from the store once one was fetched.
const bytesOf = (name: string) => Buffer.concat([WHEEL, Buffer.from(name)]);
const link = (href: string, name: string) => `<a href="${href}#sha256=${sha256(bytesOf(name))}">${name}</a>`;

beforeAll(async () => {
  guardSockets();
  dir = await tempDir('file-hosts');
  // A service of the runner's own, on loopback, that no page may reach.
  bystander = createServer((req, res) => {
    bystanderHits.push(req.url ?? '');
    res.writeHead(200, { 'content-length': WHEEL.length }).end(WHEEL);
  });
  await new Promise<void>((resolve) => bystander.listen(0, '127.0.0.1', resolve));
  bystanderPort = (bystander.address() as AddressInfo).port;
  index = createServer((req, res) => {
    const own = `http://index.test:${indexPort}`;
    if (req.url === '/simple/demo/') {
      const links = [
        link(`${own}/files/good-1.0-py3-none-any.whl`, 'good-1.0-py3-none-any.whl'),
        link(`http://127.0.0.1:${bystanderPort}/loop-1.0-py3-none-any.whl`, 'loop-1.0-py3-none-any.whl'),
        link('http://169.254.169.254/latest/meta-1.0-py3-none-any.whl', 'meta-1.0-py3-none-any.whl'),
        link('http://[fe80::1]/ll6-1.0-py3-none-any.whl', 'll6-1.0-py3-none-any.whl'),
        link('http://[::ffff:169.254.169.254]/mapped-1.0-py3-none-any.whl', 'mapped-1.0-py3-none-any.whl'),
        link('http://2852039166/decimal-1.0-py3-none-any.whl', 'decimal-1.0-py3-none-any.whl'),
        link('http://0251.0376.0251.0376/octal-1.0-py3-none-any.whl', 'octal-1.0-py3-none-any.whl'),
        link(
          'http://files.pythonhosted.org@evil.test/userinfo-1.0-py3-none-any.whl',
          'userinfo-1.0-py3-none-any.whl',
        ),
        link('http://metadata.test/named-1.0-py3-none-any.whl', 'named-1.0-py3-none-any.whl'),
        link(`${own}/files/redirect-1.0-py3-none-any.whl`, 'redirect-1.0-py3-none-any.whl'),
      ];
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<html><body>${links.join('\n')}</body></html>`);
    } else if (req.url === '/files/good-1.0-py3-none-any.whl') {
      const bytes = bytesOf('good-1.0-py3-none-any.whl');
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    } else if (req.url === '/files/redirect-1.0-py3-none-any.whl') {
      res.writeHead(302, { location: '/files/hop' }).end();
    } else if (req.url === '/files/hop') {
      res.writeHead(302, { location: `http://127.0.0.1:${bystanderPort}/stolen` }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
  indexPort = (index.address() as AddressInfo).port;
  proxy = await startProxy({
    storeDir: join(dir, 'store'),
    upstreams: [`http://index.test:${indexPort}/simple/`],
    // metadata.test is allowed by name, and resolves to the metadata address.
    allowFileHosts: ['metadata.test'],
    upstreamRetries: 0,
    onWarning: (warning) => warnings.push(warning),
    hostLookup: async (hostname) => {
      lookedUp.push(hostname);
      const table: Record<string, string> = { 'index.test': '127.0.0.1', 'metadata.test': '169.254.169.254' };
      const address = table[hostname];
      if (!address) throw new Error(`test lookup: ${hostname} is not in the table`);
      return [{ address, family: 4 }];
    },
  });
});

afterAll(async () => {
  net.Socket.prototype.connect = realConnect;
  await proxy?.close();
  await Promise.all([index, bystander].map((server) => new Promise((resolve) => server?.close(resolve))));
  await removeDir(dir);
});

test('links to hosts the index may not send the proxy to are left to the client, never fetched by the proxy', async () => {
  const page = await request(`${proxy.url}/simple/demo/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  expect(page.status).toBe(200);
  const files = JSON.parse(page.body.toString()).files as { filename: string; url: string }[];
  const urlOf = (name: string) => files.find((file) => file.filename === name)?.url ?? '';
  // Every link stays on the page (skipping one could fail an install that works without the
  // proxy); the proxy routes only the allowed ones through itself.
  expect(files).toHaveLength(10);
  for (const name of [
    'good-1.0-py3-none-any.whl',
    'named-1.0-py3-none-any.whl',
    'redirect-1.0-py3-none-any.whl',
  ])
    expect(new URL(urlOf(name), proxy.url).origin).toBe(new URL(proxy.url).origin);
  expect(urlOf('loop-1.0-py3-none-any.whl')).toBe(
    `http://127.0.0.1:${bystanderPort}/loop-1.0-py3-none-any.whl`,
  );
  expect(urlOf('meta-1.0-py3-none-any.whl')).toBe('http://169.254.169.254/latest/meta-1.0-py3-none-any.whl');
  expect(urlOf('ll6-1.0-py3-none-any.whl')).toBe('http://[fe80::1]/ll6-1.0-py3-none-any.whl');
  expect(new URL(urlOf('userinfo-1.0-py3-none-any.whl')).host).toBe('evil.test');
  const html = await request(`${proxy.url}/simple/demo/`, { headers: { accept: 'text/html' } });
  expect(html.body.toString()).toContain(
    `href="http://169.254.169.254/latest/meta-1.0-py3-none-any.whl#sha256=${sha256(bytesOf('meta-1.0-py3-none-any.whl'))}"`,
  );
  // One warning per host, naming it.
  for (const host of [
    `127.0.0.1:${bystanderPort}`,
    '169.254.169.254',
    '[fe80::1]',
    '[::ffff:a9fe:a9fe]',
    'evil.test',
  ])
    expect(
      warnings.filter((warning) => warning.includes(`links to ${host} left to the client`)),
    ).toHaveLength(1);
  // Asked for through the proxy's own file route anyway, such a file is refused, not fetched.
  const crafted = await request(
    `${proxy.url}/files/pypi/demo/${sha256(bytesOf('meta-1.0-py3-none-any.whl'))}/meta-1.0-py3-none-any.whl`,
  );
  expect(crafted.status).toBe(502);
  expect(crafted.body.toString()).toContain('169.254.169.254');
  const good = await request(
    `${proxy.url}/files/pypi/demo/${sha256(bytesOf('good-1.0-py3-none-any.whl'))}/good-1.0-py3-none-any.whl`,
  );
  expect(good.status).toBe(200);
  expect(good.body.equals(bytesOf('good-1.0-py3-none-any.whl'))).toBe(true);
});

test('a redirect chain that ends on a disallowed host is refused with a 502 naming the file and host', async () => {
  const page = await request(`${proxy.url}/simple/demo/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  const file = (JSON.parse(page.body.toString()).files as { filename: string; url: string }[]).find(
    (f) => f.filename === 'redirect-1.0-py3-none-any.whl',
  );
  const answer = await request(new URL(file?.url ?? '', proxy.url).toString());
  expect(answer.status).toBe(502);
  expect(answer.body.toString()).toContain('redirect-1.0-py3-none-any.whl');
  expect(answer.body.toString()).toContain(`redirected to 127.0.0.1:${bystanderPort}`);
});

test('an allowed name that resolves to the metadata address is refused before any socket', async () => {
  const page = await request(`${proxy.url}/simple/demo/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  const file = (JSON.parse(page.body.toString()).files as { filename: string; url: string }[]).find(
    (f) => f.filename === 'named-1.0-py3-none-any.whl',
  );
  const answer = await request(new URL(file?.url ?? '', proxy.url).toString());
  expect(answer.status).toBe(502);
  expect(answer.body.toString()).toMatch(
    /metadata\.test resolves to a refused address: address 169\.254\.169\.254 is link-local/,
  );
  expect(lookedUp).toContain('metadata.test');
});

test('nothing reached the bystander, and no socket went anywhere but loopback', () => {
  expect(bystanderHits).toEqual([]);
  expect(attempts).toEqual([]);
});

test.each([
  ['127.0.0.1', 'loopback'],
  ['0.0.0.0', 'loopback'],
  ['::1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['::ffff:a9fe:a9fe', 'link-local'],
  ['fe80::1', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'other'],
  ['93.184.216.34', 'other'],
  ['2001:db8::1', 'other'],
])('%s is %s', (address, kind) => {
  expect(addressKind(address)).toBe(kind);
});
