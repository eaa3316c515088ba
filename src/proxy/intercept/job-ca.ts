// The job's certificate authority for interception (issue 10). Generated when the proxy starts;
// its private key is a non-extractable WebCrypto key that lives only in this process's memory
// (never written, never stored, never in the cache entry). The certificate carries critical X.509
// name constraints (RFC 5280 4.2.1.10) that permit only the intercepted host names and exclude
// every IP address, so even a leaked key could not vouch for any other site; it is valid for
// the job's length only. Leaves (one per host, cached) have the host as their SAN and an ECDSA
// P-256 key: what rustls (uv) and OpenSSL (pip, requests) accept.
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API
// before the library loads (ESM evaluates imports in order).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { checkedHostName, InterceptConfigError } from './intercepted-host-names.js';

// Node 20 has WebCrypto but not always as globalThis.crypto in every context; hand it over.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const NAME_CONSTRAINTS_OID = '2.5.29.30';
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
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

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

function nameConstraints(hosts: readonly string[]): x509.Extension {
  const subtree = (name: GeneralName) => new GeneralSubtree({ base: name });
  const value = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees(hosts.map((host) => subtree(new GeneralName({ dNSName: host })))),
    // No IP SAN may chain to this CA: every IPv4 and IPv6 address is excluded.
    excludedSubtrees: new GeneralSubtrees([
      subtree(new GeneralName({ iPAddress: '0.0.0.0/0' })),
      subtree(new GeneralName({ iPAddress: '::/0' })),
    ]),
  });
  return new x509.Extension(NAME_CONSTRAINTS_OID, true, AsnConvert.serialize(value));
}

function pemOfKey(pkcs8: ArrayBuffer): string {
  const base64 = Buffer.from(pkcs8).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN PRIVATE KEY-----\n${base64}${base64.endsWith('\n') ? '' : '\n'}-----END PRIVATE KEY-----\n`;
}

export class JobCa {
  private readonly leaves = new Map<string, Promise<LeafCertificate>>();

  private constructor(
    readonly certificate: x509.X509Certificate,
    readonly hosts: ReadonlySet<string>,
    private readonly signingKey: CryptoKey,
    private readonly leafKeys: CryptoKeyPair,
    private readonly leafKeyPem: string,
  ) {}

  static async create(options: JobCaOptions): Promise<JobCa> {
    const hosts = [...new Set(options.hosts.map(checkedHostName))];
    if (hosts.length === 0) throw new InterceptConfigError('interception needs at least one host');
    const now = options.now ?? new Date();
    // extractable: false: WebCrypto never hands the CA key out, not even to this code.
    const caKeys = (await webcrypto.subtle.generateKey(KEY_PARAMS, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=pypi-cache-action job CA ${now.toISOString()}, O=pypi-cache-action`,
      notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
      notAfter: new Date(now.getTime() + (options.validityMs ?? DEFAULT_CA_VALIDITY_MS)),
      signingAlgorithm: SIGNING,
      keys: caKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        nameConstraints(hosts),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    // One leaf key for every host of this job: the leaves differ only in their names.
    const leafKeys = (await webcrypto.subtle.generateKey(KEY_PARAMS, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const leafKeyPem = pemOfKey(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey));
    return new JobCa(certificate, new Set(hosts), caKeys.privateKey, leafKeys, leafKeyPem);
  }

  /** The CA certificate, PEM: what the clients' CA bundle adds. */
  get certPem(): string {
    return this.certificate.toString('pem');
  }

  /** The leaf for an intercepted host; the same one for the whole job. */
  leafFor(host: string): Promise<LeafCertificate> {
    const name = checkedHostName(host);
    if (!this.hosts.has(name)) throw new InterceptConfigError(`${name} is not an intercepted host`);
    let leaf = this.leaves.get(name);
    if (!leaf) {
      leaf = this.signLeaf(name);
      this.leaves.set(name, leaf);
    }
    return leaf;
  }

  /**
   * Signs a leaf for any name, with no check of ours. Tests use it to prove that the name
   * constraints, not this class, are what keeps the CA from vouching for other sites.
   */
  async signLeafUnchecked(name: string, nameType: 'dns' | 'ip' = 'dns'): Promise<LeafCertificate> {
    const now = Date.now();
    const leaf = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: `CN=${name}`,
      issuer: this.certificate.subject,
      notBefore: new Date(Math.max(now - CLOCK_SKEW_MS, this.certificate.notBefore.getTime())),
      notAfter: this.certificate.notAfter,
      signingAlgorithm: SIGNING,
      publicKey: this.leafKeys.publicKey,
      signingKey: this.signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: nameType, value: name }]),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    return { certPem: `${leaf.toString('pem')}\n${this.certPem}\n`, keyPem: this.leafKeyPem };
  }

  private signLeaf(name: string): Promise<LeafCertificate> {
    return this.signLeafUnchecked(name);
  }
}
