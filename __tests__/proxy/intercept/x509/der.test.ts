// The DER the job CA's certificates are written in (X.690), against encodings worked out by hand
// from the standard, and against OpenSSL (Node's X509Certificate) reading a whole certificate.
import { webcrypto, X509Certificate } from 'node:crypto';
import {
  basicConstraints,
  certificatePem,
  distinguishedName,
  ecdsaSignatureValue,
  signCertificate,
  subjectAltName,
} from '../../../../src/proxy/intercept/x509/certificate.js';
import {
  ia5Name,
  namedBits,
  objectIdentifier,
  smallInteger,
  subjectPublicKeyBits,
  time,
  tlv,
  unsignedInteger,
} from '../../../../src/proxy/intercept/x509/der.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

test('lengths: short form below 128 bytes, long form with the fewest length bytes above', () => {
  expect(hex(tlv(0x04, Buffer.alloc(127))).slice(0, 4)).toBe('047f');
  expect(hex(tlv(0x04, Buffer.alloc(128))).slice(0, 6)).toBe('048180');
  expect(hex(tlv(0x04, Buffer.alloc(256))).slice(0, 8)).toBe('04820100');
  expect(tlv(0x04, Buffer.alloc(70_000)).length).toBe(70_000 + 5);
});

test('INTEGERs are positive and minimal: leading zeros dropped, one added before a high bit', () => {
  expect(hex(unsignedInteger(Uint8Array.of(0, 0, 1)))).toBe('020101');
  expect(hex(unsignedInteger(Uint8Array.of(0x80)))).toBe('02020080');
  expect(hex(unsignedInteger(Uint8Array.of(0, 0x80)))).toBe('02020080');
  expect(hex(unsignedInteger(Uint8Array.of(0)))).toBe('020100');
  expect(hex(unsignedInteger(new Uint8Array(0)))).toBe('020100');
});

test('object identifiers: the first two arcs in one byte, large arcs in base 128', () => {
  expect(hex(objectIdentifier('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
  expect(hex(objectIdentifier('2.5.29.30'))).toBe('0603551d1e');
});

test('times: UTCTime through 2049, GeneralizedTime from 2050, whole seconds', () => {
  expect(time(new Date('2049-12-31T23:59:59.999Z')).toString('latin1', 2)).toBe('491231235959Z');
  expect(time(new Date('2049-12-31T23:59:59.999Z'))[0]).toBe(0x17);
  expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1', 2)).toBe('20500101000000Z');
  expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
});

test('named bits: trailing zero bits dropped and counted as unused', () => {
  expect(hex(namedBits([5, 6]))).toBe('03020106'); // keyCertSign, cRLSign
  expect(hex(namedBits([0]))).toBe('03020780'); // digitalSignature
  expect(hex(namedBits([0, 8]))).toBe('0303078080');
});

test('the key bits of a WebCrypto P-256 key, and malformed input refused', async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
  ])) as webcrypto.CryptoKeyPair;
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const raw = Buffer.from(await webcrypto.subtle.exportKey('raw', keys.publicKey));
  expect(subjectPublicKeyBits(spki).equals(raw)).toBe(true);
  expect(() => subjectPublicKeyBits(spki.subarray(0, spki.length - 1))).toThrow(/DER ends/);
  expect(() => subjectPublicKeyBits(Buffer.concat([spki, Buffer.from([0])]))).toThrow(/one DER SEQUENCE/);
});

test('OpenSSL reads a certificate valid past 2050, its 16-byte serial and its IPv6 SAN', async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
  ])) as webcrypto.CryptoKeyPair;
  const name = distinguishedName([
    ['CN', 'é test'],
    ['O', 'pypi-cache-action'],
  ]);
  const serial = Uint8Array.from({ length: 16 }, (_, i) => 0xf0 - i);
  const der = await signCertificate(
    {
      serial,
      issuer: name,
      subject: name,
      notBefore: new Date('2049-06-01T00:00:00Z'),
      notAfter: new Date('2051-06-01T00:00:00Z'),
      publicKey: Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)),
      extensions: [basicConstraints(false), subjectAltName('2001:db8::1', 'ip')],
    },
    keys.privateKey,
  );
  const cert = new X509Certificate(certificatePem(der));
  expect(cert.subject).toBe('CN=é test\nO=pypi-cache-action');
  expect(cert.serialNumber).toBe(hex(serial).toUpperCase());
  expect(new Date(cert.validTo).toISOString()).toBe('2051-06-01T00:00:00.000Z');
  expect(cert.subjectAltName).toBe('IP Address:2001:DB8:0:0:0:0:0:1');
  expect(cert.verify(cert.publicKey)).toBe(true);
});

test('bad input throws instead of encoding something else', () => {
  expect(() => smallInteger(-1)).toThrow(/not an integer from 0 to 255/);
  expect(() => smallInteger(256)).toThrow(/not an integer from 0 to 255/);
  expect(() => ia5Name(2, 'ṗypi.org')).toThrow(/not a printable ASCII name/); // latin1 would write "pypi.org"
  expect(() => ia5Name(2, 'pypi.org ')).toThrow(/not a printable ASCII name/);
  expect(() => objectIdentifier('1.2.x')).toThrow(/not an object identifier/);
  expect(() => objectIdentifier('1.40')).toThrow(/out of range/);
  expect(() => time(new Date('10000-01-01T00:00:00Z'))).toThrow(/year 1 to 9999/);
  expect(() => time(new Date(Number.NaN))).toThrow(/year 1 to 9999/);
  expect(() => subjectAltName('fe80::1%eth0', 'ip')).toThrow(/zone/);
  expect(hex(namedBits([]))).toBe('030100');
});

test('an ECDSA signature as r || s becomes Ecdsa-Sig-Value: a leading zero dropped, one added before a high bit', () => {
  const r = Buffer.concat([Buffer.from([0x00, 0x80]), Buffer.alloc(30, 0x11)]);
  const s = Buffer.concat([Buffer.from([0x7f]), Buffer.alloc(31, 0x22)]);
  const value = hex(ecdsaSignatureValue(Buffer.concat([r, s])));
  // SEQUENCE { INTEGER 00 80 11.. (32 bytes: the zero in front of 0x80 kept), INTEGER 7f 22.. }
  expect(value).toBe(`3044022000801111${'11'.repeat(28)}02207f${'22'.repeat(31)}`);
  const small = hex(
    ecdsaSignatureValue(Buffer.concat([Buffer.alloc(31), Buffer.from([5]), Buffer.alloc(32, 0xff)])),
  );
  expect(small).toBe(`3026020105022100${'ff'.repeat(32)}`);
});

test('a certificate without extensions has no extensions field (SIZE 1..MAX), and OpenSSL reads it', async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
  ])) as webcrypto.CryptoKeyPair;
  const name = distinguishedName([['CN', 'bare']]);
  const publicKey = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const fields = { serial: Uint8Array.of(7), issuer: name, subject: name, publicKey };
  const validity = {
    notBefore: new Date('2030-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-02T00:00:00Z'),
  };
  const der = await signCertificate({ ...fields, ...validity, extensions: [] }, keys.privateKey);
  const cert = new X509Certificate(certificatePem(der));
  expect(cert.verify(cert.publicKey)).toBe(true);
  expect(cert.subjectAltName).toBeUndefined();
  // The TBSCertificate ends with the key: no [3] (a3) after it.
  expect(der.includes(Buffer.concat([publicKey, Buffer.from([0xa3])]))).toBe(false);
});
