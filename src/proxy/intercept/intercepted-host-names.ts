// The host names interception may vouch for, and the error for a configuration it cannot take.
// Apart from job-ca.ts so that the daemon can name and catch these without loading the
// certificate code (job-ca.ts, x509/), which only interception needs.

export class InterceptConfigError extends Error {}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** A DNS host name as the constraints and leaves take it: lowercase, at least two labels, no IP. */
export function checkedHostName(host: string): string {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  if (!HOST_NAME.test(lower) || /^[0-9.]+$/.test(lower)) {
    throw new InterceptConfigError(
      `intercepted host ${JSON.stringify(host)}: not a DNS host name (like files.example.org; IP addresses are not accepted)`,
    );
  }
  return lower;
}
