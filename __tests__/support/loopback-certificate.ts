// A self-signed certificate for 127.0.0.1 (an IP SAN), for a TLS server at a loopback address:
// the corporate proxy stand-in over TLS. JobCa cannot make one: its name constraints exclude
// every IP address, by design. Trusted as it is (its own root) by a client given it as `ca`.
import { webcrypto } from 'node:crypto';
import {
  basicConstraints,
  certificatePem,
  distinguishedName,
  pem,
  serverAuthOnly,
  signCertificate,
  subjectAltName,
} from '../../src/proxy/intercept/x509/certificate.js';

export async function loopbackCertificate(): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const name = distinguishedName([['CN', 'corporate proxy stand-in']]);
  const der = await signCertificate(
    {
      serial: Uint8Array.of(1),
      issuer: name,
      subject: name,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 60 * 60_000),
      publicKey: Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)),
      extensions: [basicConstraints(false), serverAuthOnly(), subjectAltName('127.0.0.1', 'ip')],
    },
    keys.privateKey,
  );
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certPem: certificatePem(der), keyPem: pem('PRIVATE KEY', pkcs8) };
}
