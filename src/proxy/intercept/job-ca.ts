// The job's certificate authority for interception (issue 10). Generated when the proxy starts;
// its private key is a non-extractable WebCrypto key that lives only in this process's memory
// (never written, never stored, never in the cache entry). The certificate carries critical X.509
// name constraints (RFC 5280 4.2.1.10) that permit only the intercepted host names and exclude
// every IP address, so even a leaked key could not vouch for any other site; it is valid for
// the job's length only. Leaves (one per host, cached) have the host as their SAN and an ECDSA
// P-256 key: what rustls (uv) and OpenSSL (pip, requests) accept.
import { webcrypto } from 'node:crypto';
import { checkedHostName, InterceptConfigError } from './intercepted-host-names.js';
import {
  authorityKeyIdentifier,
  basicConstraints,
  certificatePem,
  distinguishedName,
  keyUsage,
  nameConstraints,
  pem,
  serverAuthOnly,
  signCertificate,
  subjectAltName,
  subjectKeyIdentifier,
} from './x509/certificate.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_PARAMS = { name: 'ECDSA', namedCurve: 'P-256' } as const;
/** GitHub-hosted jobs run 6 hours at most; an hour of margin for the post steps after ours. */
export const DEFAULT_CA_VALIDITY_MS = 7 * 60 * 60 * 1000;
/** Clocks of containers and runners disagree a little; a leaf "not yet valid" fails installs. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export { checkedHostName, InterceptConfigError } from './intercepted-host-names.js';

export interface JobCaOptions {
  /** Host names the CA may vouch for (subdomains included, as RFC 5280 defines dNSName subtrees). */
  hosts: readonly string[];
  validityMs?: number;
  now?: Date;
}

export interface LeafCertificate {
  /** PEM certificate chain: the leaf, then the CA. */
  certPem: string;
  keyPem: string;
}

function randomSerial(): Uint8Array {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive INTEGER
  return bytes;
}

/** Whole seconds: what a certificate's validity holds. */
const wholeSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

/** What a leaf needs of its CA's certificate. */
interface CaCertificate {
  subject: Buffer;
  publicKey: Buffer;
  notBefore: Date;
  notAfter: Date;
}

export class JobCa {
  private readonly leaves = new Map<string, Promise<LeafCertificate>>();

  private constructor(
    /** The CA certificate, PEM: what the clients' CA bundle adds. */
    readonly certPem: string,
    private readonly certificate: CaCertificate,
    readonly hosts: ReadonlySet<string>,
    private readonly signingKey: CryptoKey,
    private readonly leafPublicKey: Buffer,
    private readonly leafKeyPem: string,
  ) {}

  static async create(options: JobCaOptions): Promise<JobCa> {
    const hosts = [...new Set(options.hosts.map(checkedHostName))];
    if (hosts.length === 0) throw new InterceptConfigError('interception needs at least one host');
    const now = (options.now ?? new Date()).getTime();
    // extractable: false: WebCrypto never hands the CA key out, not even to this code.
    const caKeys = (await webcrypto.subtle.generateKey(KEY_PARAMS, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const publicKey = Buffer.from(await webcrypto.subtle.exportKey('spki', caKeys.publicKey));
    const subject = distinguishedName([
      ['CN', `pypi-cache-action job CA ${new Date(now).toISOString()}`],
      ['O', 'pypi-cache-action'],
    ]);
    const validity = {
      notBefore: wholeSeconds(now - CLOCK_SKEW_MS),
      notAfter: wholeSeconds(now + (options.validityMs ?? DEFAULT_CA_VALIDITY_MS)),
    };
    const der = await signCertificate(
      {
        serial: randomSerial(),
        issuer: subject,
        subject,
        ...validity,
        publicKey,
        extensions: [
          basicConstraints({ pathLength: 0 }),
          keyUsage(['keyCertSign', 'cRLSign']),
          nameConstraints(hosts),
          subjectKeyIdentifier(publicKey),
        ],
      },
      caKeys.privateKey,
    );
    // One leaf key for every host of this job: the leaves differ only in their names.
    const leafKeys = (await webcrypto.subtle.generateKey(KEY_PARAMS, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const leafPublicKey = Buffer.from(await webcrypto.subtle.exportKey('spki', leafKeys.publicKey));
    const leafKeyPem = pem(
      'PRIVATE KEY',
      new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey)),
    );
    return new JobCa(
      certificatePem(der),
      { subject, publicKey, ...validity },
      new Set(hosts),
      caKeys.privateKey,
      leafPublicKey,
      leafKeyPem,
    );
  }

  /** The leaf for an intercepted host; the same one for the whole job. */
  leafFor(host: string): Promise<LeafCertificate> {
    const name = checkedHostName(host);
    if (!this.hosts.has(name)) throw new InterceptConfigError(`${name} is not an intercepted host`);
    let leaf = this.leaves.get(name);
    if (!leaf) {
      leaf = this.signLeafUnchecked(name);
      this.leaves.set(name, leaf);
    }
    return leaf;
  }

  /**
   * Signs a leaf for any name, with no check of ours. Tests use it to prove that the name
   * constraints, not this class, are what keeps the CA from vouching for other sites.
   */
  async signLeafUnchecked(name: string, nameType: 'dns' | 'ip' = 'dns'): Promise<LeafCertificate> {
    const ca = this.certificate;
    // A leaf cannot outlive its CA; past the CA's end there is nothing valid left to sign.
    if (Date.now() >= ca.notAfter.getTime()) throw new InterceptConfigError('the job CA has expired');
    const der = await signCertificate(
      {
        serial: randomSerial(),
        issuer: ca.subject,
        subject: distinguishedName([['CN', name]]),
        notBefore: wholeSeconds(Math.max(Date.now() - CLOCK_SKEW_MS, ca.notBefore.getTime())),
        notAfter: ca.notAfter,
        publicKey: this.leafPublicKey,
        extensions: [
          basicConstraints(false),
          keyUsage(['digitalSignature']),
          serverAuthOnly(),
          subjectAltName(name, nameType),
          authorityKeyIdentifier(ca.publicKey),
        ],
      },
      this.signingKey,
    );
    return { certPem: `${certificatePem(der)}${this.certPem}`, keyPem: this.leafKeyPem };
  }
}
