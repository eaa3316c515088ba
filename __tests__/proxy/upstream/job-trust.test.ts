// The secure context the daemon checks upstream certificates with when the job names CA files:
// Node's roots plus the job's CAs, on a loopback TLS server whose leaf a test CA signed.
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { jest } from '@jest/globals';
import { JobCa } from '../../../src/proxy/intercept/job-ca.js';
import { trustingContext } from '../../../src/proxy/upstream/job-trust.js';

let ca: JobCa;
let server: tls.Server;
let port: number;

beforeAll(async () => {
  ca = await JobCa.create({ hosts: ['pypi.org'] });
  const leaf = await ca.leafFor('pypi.org');
  server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
afterEach(() => jest.restoreAllMocks());

function handshake(secureContext: tls.SecureContext | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'pypi.org', secureContext });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('trusted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

test("trusts a job's CA besides Node's roots, and is Node's own default without one", async () => {
  expect(trustingContext([])).toBeUndefined();
  expect(await handshake(undefined)).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  expect(await handshake(trustingContext([ca.certPem]))).toBe('trusted');
});

test("on a Node whose native context has no addCACert, the job's CAs and the roots go in as a ca list", async () => {
  // Node 24 cannot run here: a context without the internal method stands in for one.
  const real = tls.createSecureContext;
  const made = jest
    .spyOn(tls, 'createSecureContext')
    .mockImplementationOnce(() => ({ context: {} }) as tls.SecureContext)
    .mockImplementation((options) => real(options));
  const context = trustingContext([ca.certPem]);
  expect(made).toHaveBeenLastCalledWith({ ca: [...tls.rootCertificates, ca.certPem] });
  expect(await handshake(context)).toBe('trusted');
});
