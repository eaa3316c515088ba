// The certificates the job trusts beyond Node's roots: a corporate CA (a TLS-inspecting proxy,
// a private index's internal CA) is given to pip and uv in these variables, and pip (urllib3),
// requests and uv (SSL_CERT_FILE) check an index's certificate against them. The daemon checks
// the same set for every certificate it meets upstream (the index, its file hosts, an https://
// job proxy): trusting less, it turned a job whose pip reached its index into failed installs.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/** The variables that name CA files a job trusts beyond Node's roots, in the order read. */
export const JOB_CA_VARIABLES = ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PIP_CERT', 'NODE_EXTRA_CA_CERTS'];

/** The PEM texts of the readable files those variables name (PIP_CERT may name a folder: left out). */
export function jobCaCertificates(env: NodeJS.ProcessEnv): string[] {
  const paths = new Set(JOB_CA_VARIABLES.map((name) => env[name]?.trim()).filter(Boolean) as string[]);
  return [...paths].flatMap((path) => {
    try {
      return [readFileSync(path, 'utf8')];
    } catch {
      return [];
    }
  });
}

/**
 * What a certificate is checked against: Node's roots and `extra`; undefined (Node's own store)
 * when there is nothing extra. An explicit list replaces Node's default store, which is why the
 * roots (and NODE_EXTRA_CA_CERTS, read above) are put back in.
 */
export function trustedCa(extra: readonly string[]): string[] | undefined {
  return extra.length > 0 ? [...tls.rootCertificates, ...extra] : undefined;
}

/** jobCaCertificates and Node's roots, or undefined when the job names no CA file. */
export function jobTrustedCa(env: NodeJS.ProcessEnv): string[] | undefined {
  return trustedCa(jobCaCertificates(env));
}
