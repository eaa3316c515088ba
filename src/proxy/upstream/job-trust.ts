// The certificates the job trusts beyond Node's roots: a corporate CA (a TLS-inspecting proxy,
// a private index's internal CA) is given to pip and uv in these variables, and pip (urllib3),
// requests and uv (SSL_CERT_FILE) check an index's certificate against them. The daemon checks
// the same set for every certificate it meets upstream (the index, its file hosts, an https://
// job proxy): trusting less, it turned a job whose pip reached its index into failed installs.
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';

/** The variables that name CA files a job trusts beyond Node's roots, in the order read. */
export const JOB_CA_VARIABLES = ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PIP_CERT', 'NODE_EXTRA_CA_CERTS'];

/** The PEM texts of what those variables name: a file, or a folder of hashed certificates. */
export function jobCaCertificates(env: NodeJS.ProcessEnv): string[] {
  const paths = new Set(JOB_CA_VARIABLES.map((name) => env[name]?.trim()).filter(Boolean) as string[]);
  return [...paths].flatMap((path) => {
    const text = readCaPath(path);
    return text === undefined ? [] : [text];
  });
}

/** Far above a full bundle (Mozilla's roots are ~220 KB); what is larger is no CA file. */
const MAX_CA_FILE_BYTES = 8 * (1 << 20);

/** OpenSSL's names in a CA folder (c_rehash): `<subject hash>.<n>`; `.r<n>` are CRLs. */
const HASHED_CERT_NAME = /^[0-9a-f]{8}\.\d+$/;

/**
 * The certificates at `path`, as the clients would read them: a regular file, or a folder
 * (PIP_CERT and REQUESTS_CA_BUNDLE may name one: requests' `verify` takes a folder, OpenSSL reads
 * its hashed names only). Undefined for anything else, unreadable or larger than a CA file can
 * be: a FIFO or a device (opened without blocking, and not read) would hang the step or the
 * daemon, where the clients would only fail their own TLS; the job must not fail for it.
 */
export function readCaPath(path: string): string | undefined {
  try {
    if (!statSync(path).isDirectory()) return readRegularFile(path);
    const texts = readdirSync(path)
      .filter((name) => HASHED_CERT_NAME.test(name))
      .sort()
      .flatMap((name) => readRegularFile(join(path, name)) ?? []);
    return texts.length > 0 ? texts.join('\n') : undefined;
  } catch {
    return undefined;
  }
}

function readRegularFile(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_CA_FILE_BYTES) return undefined;
    return readFileSync(fd, 'utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A secure context that checks certificates against Node's roots and `extra`; undefined (Node's
 * own default) when there is nothing extra. A `ca` list would replace Node's store, so it had to
 * carry the ~145 roots again, parsed from PEM for every context; here `extra` is added to a
 * default context, whose roots Node parses once per process (`addCACert`, the way
 * NODE_EXTRA_CA_CERTS joins them, nodejs/node#27079): 26 ms of CPU against 60 in a daemon just
 * started, and next to nothing for the next context of the same process.
 */
export function trustingContext(extra: readonly string[]): tls.SecureContext | undefined {
  if (extra.length === 0) return undefined;
  const context = tls.createSecureContext();
  // Node's native context, not public API: a Node without addCACert gets the `ca` list, roots
  // put back in, rather than a daemon that cannot reach an https upstream.
  const native = context.context as { addCACert?: (pem: string) => void } | undefined;
  if (typeof native?.addCACert !== 'function') {
    return tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
  }
  for (const pem of extra) native.addCACert(pem);
  return context;
}

/**
 * OpenSSL's verdicts on a certificate chain, as Node names them in an error's `code`
 * (X509_V_ERR_*, nodejs/node src/crypto/crypto_common.cc), and Node's own for a certificate that
 * does not name the host. OUT_OF_MEM is left out: it says nothing about the certificate.
 */
const CERTIFICATE_REJECTIONS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Whether `error` is an upstream certificate that what the job trusts rejects. Another attempt
 * meets the same certificate and the same trust: retrying it only kept pip waiting (three
 * handshakes and ~1.75 s of backoff a page) for the same 502.
 */
export function isCertificateRejection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CERTIFICATE_REJECTIONS.has(code);
}
