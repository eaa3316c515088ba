// A tunnel must never reach loopback or link-local, however the address is spelled: an
// IPv4-mapped IPv6 literal in its long form (`0:0:0:0:0:ffff:7f00:1`) or in hex
// (`::ffff:7f00:1`) connects to 127.0.0.1 just as `::ffff:127.0.0.1` does. Node's BlockList
// already looked inside mapped addresses, so those were refused before too (kept here as a
// guard); the tunnel rule now reads literals through the file-host rule's parser
// (ip-literals.ts), so the two rules agree on every spelling, the IPv4-compatible `::7f00:1`
// included (allowed before; Linux has no route for it, so it failed with a 502, not a 403).
// A real daemon (interception on, no test mapping: an address literal is never looked up) and a
// real loopback listener that must see no connection.
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type RunningProxy, startProxy } from '../../../src/proxy/index.js';
import { OriginMap } from '../../../src/proxy/intercept/origin-map.js';
import { chainedTunnelTarget, isTunnelAllowed } from '../../../src/proxy/intercept/tunnel-policy.js';
import { addressKind } from '../../../src/proxy/upstream/file-hosts.js';
import { removeDir, tempDir } from '../harness.js';

let dir: string;
let proxy: RunningProxy;
let target: net.Server;
let targetPort: number;
let reached = 0;

beforeAll(async () => {
  dir = await tempDir('tunnel-spellings');
  target = net.createServer((socket) => {
    reached++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as AddressInfo).port;
  proxy = await startProxy({
    storeDir: join(dir, 'store'),
    upstreams: ['http://127.0.0.1:9/simple/'],
    indexPolicy: 'frozen',
    manifestPath: false,
    intercept: {},
  });
});
afterAll(async () => {
  await proxy?.close();
  target?.close();
  await removeDir(dir);
});

/** The status line the daemon answers a CONNECT with. */
function connectStatus(authority: string): Promise<string> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () =>
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`),
    );
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('latin1').split('\r\n')[0] ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const LOOPBACK_SPELLINGS = [
  '0:0:0:0:0:ffff:7f00:1',
  '::ffff:7f00:1',
  '::FFFF:7F00:1',
  '0::ffff:127.0.0.1',
  '0:0:0:0:0:ffff:127.0.0.1',
  '::7f00:1',
];
const LINK_LOCAL_SPELLINGS = ['::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:169.254.169.254'];

test.each(LOOPBACK_SPELLINGS)(
  'CONNECT [%s]:<a loopback port> is refused, nothing reaches it',
  async (address) => {
    expect(await connectStatus(`[${address}]:${targetPort}`)).toMatch(/^HTTP\/1\.1 403 /);
    expect(reached).toBe(0);
  },
);

test('the tunnel rule and the file-host rule read every spelling alike', () => {
  for (const address of LOOPBACK_SPELLINGS) {
    expect(isTunnelAllowed(address)).toBe(false);
    expect(addressKind(address)).toBe('loopback');
  }
  for (const address of LINK_LOCAL_SPELLINGS) {
    expect(isTunnelAllowed(address)).toBe(false);
    expect(addressKind(address)).toBe('link-local');
  }
  // Mapped public and private addresses stay reachable, as their IPv4 forms are (before, a
  // mapped address in hex was refused whatever it held).
  expect(isTunnelAllowed('0:0:0:0:0:ffff:a00:1')).toBe(true);
  expect(isTunnelAllowed('::ffff:808:808')).toBe(true);
});

test('through the job HTTPS proxy too: a mapped loopback literal is refused before that proxy is asked', async () => {
  const never = async () => {
    throw new Error('an address literal is not looked up');
  };
  for (const address of LOOPBACK_SPELLINGS) {
    await expect(chainedTunnelTarget(`[${address}]`, 443, new OriginMap(undefined), never)).rejects.toThrow(
      /loopback, link-local or multicast/,
    );
  }
});
