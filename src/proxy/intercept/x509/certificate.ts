// X.509 v3 certificates (RFC 5280), ECDSA P-256 with SHA-256, signed by a WebCrypto key: only the
// fields and extensions the job's CA and its leaves carry. Built as DER with node:crypto alone:
// a certificate library's ASN.1 schemas cost the interception daemon ~0.25 s of CPU to load.
import { createHash, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  contextConstructed,
  ia5Name,
  implicitPrimitive,
  namedBits,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  subjectPublicKeyBits,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

type CryptoKey = webcrypto.CryptoKey;

export interface Extension {
  oid: string;
  critical: boolean;
  /** The DER the extension's OCTET STRING holds. */
  value: Buffer;
}

export interface CertificateFields {
  /** Big-endian bytes of a positive serial number. */
  serial: Uint8Array;
  /** DER Names (distinguishedName()): a leaf's issuer is its CA's subject, byte for byte. */
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo, as WebCrypto exports it ('spki'). */
  publicKey: Buffer;
  extensions: readonly Extension[];
}

// RFC 5758 3.2: ecdsa-with-SHA256, parameters absent.
const ECDSA_WITH_SHA256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'));
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const ATTRIBUTE_TYPES = { CN: '2.5.4.3', O: '2.5.4.10' } as const;

/** A Name of one attribute per RDN, in the order given (`[['CN', 'x'], ['O', 'y']]`). */
export function distinguishedName(attributes: ReadonlyArray<[keyof typeof ATTRIBUTE_TYPES, string]>): Buffer {
  return sequence(
    ...attributes.map(([type, value]) =>
      set(sequence(objectIdentifier(ATTRIBUTE_TYPES[type]), utf8String(value))),
    ),
  );
}

/** The certificate, DER: the TBSCertificate signed by `signingKey` (ECDSA P-256). */
export async function signCertificate(fields: CertificateFields, signingKey: CryptoKey): Promise<Buffer> {
  const tbs = sequence(
    contextConstructed(0, smallInteger(2)), // v3
    unsignedInteger(fields.serial),
    ECDSA_WITH_SHA256,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.publicKey,
    // Extensions ::= SEQUENCE SIZE (1..MAX): none at all is no [3] field.
    ...(fields.extensions.length > 0
      ? [contextConstructed(3, sequence(...fields.extensions.map(extension)))]
      : []),
  );
  const signature = Buffer.from(await webcrypto.subtle.sign(SIGNING, signingKey, tbs));
  return sequence(tbs, ECDSA_WITH_SHA256, bitString(ecdsaSignatureValue(signature)));
}

/** RFC 7468: the base64 of `der` in lines of 64, between BEGIN and END lines naming `label`. */
export function pem(label: 'CERTIFICATE' | 'PRIVATE KEY', der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

export const certificatePem = (der: Uint8Array) => pem('CERTIFICATE', der);

function extension({ oid, critical, value }: Extension): Buffer {
  // DER leaves out a BOOLEAN DEFAULT FALSE that is false.
  return critical
    ? sequence(objectIdentifier(oid), boolean(true), octetString(value))
    : sequence(objectIdentifier(oid), octetString(value));
}

/** WebCrypto signs ECDSA as r || s (IEEE P1363); X.509 wants Ecdsa-Sig-Value (RFC 3279 2.2.3). */
export function ecdsaSignatureValue(p1363: Buffer): Buffer {
  if (p1363.length === 0 || p1363.length % 2 !== 0) throw new Error('not an r || s signature');
  const half = p1363.length / 2;
  return sequence(unsignedInteger(p1363.subarray(0, half)), unsignedInteger(p1363.subarray(half)));
}

/** RFC 5280 4.2.1.9. A CA's path length is given; an end entity's SEQUENCE is empty (cA FALSE). */
export function basicConstraints(ca: { pathLength: number } | false): Extension {
  const value = ca ? sequence(boolean(true), smallInteger(ca.pathLength)) : sequence();
  return { oid: '2.5.29.19', critical: true, value };
}

const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;

/** RFC 5280 4.2.1.3. */
export function keyUsage(usages: ReadonlyArray<keyof typeof KEY_USAGE>): Extension {
  return { oid: '2.5.29.15', critical: true, value: namedBits(usages.map((usage) => KEY_USAGE[usage])) };
}

/** RFC 5280 4.2.1.12: id-kp-serverAuth only. */
export function serverAuthOnly(): Extension {
  return { oid: '2.5.29.37', critical: false, value: sequence(objectIdentifier('1.3.6.1.5.5.7.3.1')) };
}

/** RFC 5280 4.2.1.6: one name, a dNSName or an iPAddress. */
export function subjectAltName(name: string, type: 'dns' | 'ip'): Extension {
  const general = type === 'dns' ? ia5Name(2, name) : implicitPrimitive(7, ipBytes(name));
  return { oid: '2.5.29.17', critical: false, value: sequence(general) };
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

export function subjectKeyIdentifier(spki: Buffer): Extension {
  return { oid: '2.5.29.14', critical: false, value: octetString(keyIdentifier(spki)) };
}

/** RFC 5280 4.2.1.1: keyIdentifier only. */
export function authorityKeyIdentifier(issuerSpki: Buffer): Extension {
  return {
    oid: '2.5.29.35',
    critical: false,
    value: sequence(implicitPrimitive(0, keyIdentifier(issuerSpki))),
  };
}

/**
 * RFC 5280 4.2.1.10, critical: the CA vouches for these DNS names (and their subdomains) only, and
 * for no IP address (every IPv4 and IPv6 address excluded: an IP SAN is another name form).
 */
export function nameConstraints(permittedDnsNames: readonly string[]): Extension {
  const subtree = (name: Buffer) => sequence(name);
  const permitted = permittedDnsNames.map((host) => subtree(ia5Name(2, host)));
  const excluded = [Buffer.alloc(8), Buffer.alloc(32)].map((addressAndMask) =>
    subtree(implicitPrimitive(7, addressAndMask)),
  );
  return {
    oid: '2.5.29.30',
    critical: true,
    value: sequence(contextConstructed(0, ...permitted), contextConstructed(1, ...excluded)),
  };
}

function ipBytes(address: string): Buffer {
  const family = isIP(address);
  if (family === 4) return Buffer.from(address.split('.').map(Number));
  if (family === 6) return ipv6Bytes(address);
  throw new Error(`${address}: not an IP address`);
}

function ipv6Bytes(address: string): Buffer {
  if (address.includes('.') || address.includes('%'))
    throw new Error(`${address}: an IPv6 address with an IPv4 tail or a zone is not supported`);
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const zeros = 8 - front.length - back.length;
  const all = [...front, ...Array.from({ length: tail === undefined ? 0 : zeros }, () => '0'), ...back];
  const bytes = Buffer.alloc(16);
  for (const [i, group] of all.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return bytes;
}
