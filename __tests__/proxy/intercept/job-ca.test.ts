import { webcrypto, X509Certificate } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  KeyUsage,
  NameConstraints,
} from '@peculiar/asn1-x509';
import {
  checkedHostName,
  InterceptConfigError,
  JobCa,
  type LeafCertificate,
} from '../../../src/proxy/intercept/job-ca.js';

const HOSTS = ['pypi.org', 'files.pythonhosted.org'];

/** A loopback TLS server presenting `leaf`; a client trusting only the CA connects as `servername`. */
async function handshake(
  ca: JobCa,
  leaf: LeafCertificate,
  servername?: string,
): Promise<{ ok: boolean; error?: string; alpn?: string | false | null }> {
  const server = tls.createServer(
    { cert: leaf.certPem, key: leaf.keyPem, ALPNProtocols: ['http/1.1'] },
    (socket) => socket.end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        servername,
        ca: [ca.certPem],
        ALPNProtocols: ['http/1.1'],
      });
      socket.once('secureConnect', () => {
        const alpn = socket.alpnProtocol;
        socket.destroy();
        resolve({ ok: true, alpn });
      });
      socket.once('error', (error: Error) => resolve({ ok: false, error: error.message }));
    });
  } finally {
    server.close();
  }
}

describe('JobCa', () => {
  let ca: JobCa;
  beforeAll(async () => {
    ca = await JobCa.create({ hosts: HOSTS });
  });

  it('issues leaves that a client trusting only the CA accepts for an intercepted host (SNI, ALPN http/1.1)', async () => {
    const result = await handshake(ca, await ca.leafFor('files.pythonhosted.org'), 'files.pythonhosted.org');
    expect(result).toEqual({ ok: true, alpn: 'http/1.1' });
  });

  it('gives each leaf the host as SAN, an ECDSA P-256 key, serverAuth, and chains it to the CA', async () => {
    const leaf = await ca.leafFor('pypi.org');
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.subjectAltName).toBe('DNS:pypi.org');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkHost('pypi.org')).toBe('pypi.org');
    expect(cert.checkHost('evil.example')).toBeUndefined();
    expect(await ca.leafFor('PyPI.org')).toBe(leaf); // cached per host
  });

  it('is a short-lived CA whose certificate carries critical name constraints', () => {
    const caCert = new X509Certificate(ca.certPem);
    expect(caCert.ca).toBe(true);
    expect(caCert.checkIssued(caCert)).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    const lifetime = new Date(caCert.validTo).getTime() - new Date(caCert.validFrom).getTime();
    // 7 hours and the 5 minutes of clock skew allowed before now, to the second.
    expect(lifetime).toBeGreaterThanOrEqual(7 * 60 * 60 * 1000);
    expect(lifetime).toBeLessThanOrEqual((7 * 60 + 5) * 60 * 1000 + 1000);
    // Read back by an ASN.1 parser of its own (the certificate is written by ours).
    const extensions = AsnConvert.parse(caCert.raw, Certificate).tbsCertificate.extensions ?? [];
    const byId = (oid: string) => extensions.find((extension) => extension.extnID === oid);
    const constraints = byId(id_ce_nameConstraints);
    expect(constraints?.critical).toBe(true);
    const value = AsnConvert.parse(constraints?.extnValue.buffer ?? new ArrayBuffer(0), NameConstraints);
    expect(value.permittedSubtrees?.map((subtree) => subtree.base.dNSName)).toEqual(HOSTS);
    expect(value.excludedSubtrees?.map((subtree) => subtree.base.iPAddress)).toEqual(['0.0.0.0/0', '::/0']);
    const basic = AsnConvert.parse(
      byId(id_ce_basicConstraints)?.extnValue.buffer ?? new ArrayBuffer(0),
      BasicConstraints,
    );
    expect({
      cA: basic.cA,
      pathLength: basic.pathLenConstraint,
      critical: byId(id_ce_basicConstraints)?.critical,
    }).toEqual({
      cA: true,
      pathLength: 0,
      critical: true,
    });
    const usage = AsnConvert.parse(byId(id_ce_keyUsage)?.extnValue.buffer ?? new ArrayBuffer(0), KeyUsage);
    expect(usage.toJSON().sort()).toEqual(['crlSign', 'keyCertSign']);
  });

  it("keeps each leaf's validity inside the CA's, and signs none once the CA has expired", async () => {
    const caCert = new X509Certificate(ca.certPem);
    const leaf = new X509Certificate((await ca.leafFor('pypi.org')).certPem);
    expect(Date.parse(leaf.validFrom)).toBeGreaterThanOrEqual(Date.parse(caCert.validFrom));
    expect(Date.parse(leaf.validTo)).toBeLessThanOrEqual(Date.parse(caCert.validTo));
    const expired = await JobCa.create({ hosts: HOSTS, now: new Date(Date.now() - 2000), validityMs: 1000 });
    await expect(expired.leafFor('pypi.org')).rejects.toThrow(/expired/);
  });

  it('signs no name that is not printable ASCII (a look-alike would be written as another name)', async () => {
    await expect(ca.signLeafUnchecked('ṗypi.org')).rejects.toThrow(/not a printable ASCII name/);
  });

  it('name constraints make a leaf the same CA signs for another name fail verification', async () => {
    for (const name of ['evil.example', 'pypi.org.evil.example', 'github.com']) {
      const result = await handshake(ca, await ca.signLeafUnchecked(name), name);
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/permitted subtree violation|name constraint/i);
    }
  });

  it('name constraints exclude IP addresses too', async () => {
    // An IP SAN is a different name form; without the excluded subtree it would be unconstrained.
    const result = await handshake(ca, await ca.signLeafUnchecked('127.0.0.1', 'ip'));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/excluded subtree violation/i);
  });

  it('refuses a leaf for a host it does not intercept, and host names that are not DNS names', async () => {
    expect(() => ca.leafFor('evil.example')).toThrow(InterceptConfigError);
    expect(() => checkedHostName('127.0.0.1')).toThrow(/not a DNS host name/);
    expect(() => checkedHostName('localhost')).toThrow(/not a DNS host name/);
    await expect(JobCa.create({ hosts: [] })).rejects.toThrow(/at least one host/);
  });

  it('keeps the CA private key out of reach: not extractable, in no file', async () => {
    const key = (ca as unknown as { signingKey: webcrypto.CryptoKey }).signingKey;
    expect(key.extractable).toBe(false);
    await expect(webcrypto.subtle.exportKey('pkcs8', key)).rejects.toThrow();
    // The module writes nothing: no file under the temp folder was created by creating a CA.
    const before = new Set(await readdir(tmpdir()));
    await JobCa.create({ hosts: HOSTS });
    const created = (await readdir(tmpdir())).filter((name) => !before.has(name));
    for (const name of created) {
      const info = await stat(join(tmpdir(), name));
      if (info.isFile()) expect(await readFile(join(tmpdir(), name), 'utf8')).not.toContain('PRIVATE KEY');
    }
  });
});
