// What in an index URL is secret, and URLs as logs and errors may show them. Off the public PyPI
// origins, an index URL's userinfo AND its path are secret: private indexes put tokens in the
// path (https://dl.cloudsmith.io/<token>/org/repo/python/simple/). The host is shown: it is
// what a reader needs to tell which index failed, and it is no credential.

const PUBLIC_PYPI_HOSTS = new Set([
  'pypi.org',
  'test.pypi.org',
  'files.pythonhosted.org',
  'test-files.pythonhosted.org',
]);

/** The public PyPI origins: their URLs hold nothing secret beyond userinfo. */
export function isPublicPypiHost(host: string): boolean {
  return PUBLIC_PYPI_HOSTS.has(host.toLowerCase().replace(/:\d+$/, ''));
}

/**
 * A URL as typed (valid or not) without its userinfo and, off public PyPI, without its path.
 * The userinfo runs to the LAST `@`: a password may hold `@` itself.
 */
export function redactIndexUrl(value: string): string {
  // Without `//` (a forgotten scheme) the value is read as host and path all the same.
  const start = value.indexOf('//');
  const scheme = start < 0 ? '' : value.slice(0, start + 2);
  let rest = start < 0 ? value : value.slice(start + 2);
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? '***@' : '';
  rest = rest.slice(at + 1);
  const slash = rest.search(/[/?#]/);
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  const shownPath = isPublicPypiHost(host) || path === '' || path === '/' ? path : '/***';
  return `${scheme}${userinfo}${host}${shownPath}`;
}

// Path segments every index shares: masking them would blank out words all over a job's log
// ("simple" is in every index URL, "pypi" in this tool's own name).
const STRUCTURAL_WORDS = new Set([
  'simple',
  'pypi',
  'python',
  'packages',
  'repository',
  'repositories',
  'artifactory',
  '_packaging',
  'api',
  'index',
]);

/**
 * Whether a path segment or user name is worth masking on its own: 8 characters or more and no
 * structural word. Shorter parts are still covered where the whole URL is masked; masking every
 * short word (an `org` segment) would garble unrelated log lines such as "pypi.org".
 */
export function isSecretLooking(part: string): boolean {
  return part.length >= 8 && !STRUCTURAL_WORDS.has(part.toLowerCase());
}

/** A path segment the log masks, as given or percent-decoded (one rule for logs and the key). */
function isSecretPart(segment: string): boolean {
  return isSecretLooking(segment) || isSecretLooking(safeDecode(segment));
}

/**
 * The index URL as the cache key hashes it: no userinfo, and off public PyPI each path segment
 * and query value the log masks (isSecretLooking) replaced by `***`. A token is a secret: a key
 * anyone with read access sees must not carry a hash of it, and rotating it must not throw the
 * cache away. The host, the port and the segments the log shows still tell two indexes apart.
 * A URL with nothing secret is returned as `new URL()` writes it (the key it had before).
 */
export function indexUrlForKey(indexUrl: string): string {
  const url = new URL(indexUrl);
  url.username = '';
  url.password = '';
  if (isPublicPypiHost(url.hostname)) return url.toString();
  url.pathname = url.pathname
    .split('/')
    .map((segment) => (isSecretPart(segment) ? '***' : segment))
    .join('/');
  for (const [name, value] of [...url.searchParams])
    if (isSecretLooking(value)) url.searchParams.set(name, '***');
  return url.toString();
}

/**
 * The strings a log must never show for this index: the URL itself (as given, and without
 * userinfo, with and without the trailing slash), the credentials, and every secret-looking
 * path segment. Empty for a public PyPI URL without credentials.
 */
export function indexUrlSecrets(indexUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(indexUrl);
  } catch {
    return indexUrl.trim() === '' ? [] : [indexUrl.trim()];
  }
  const secrets = new Set<string>();
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (password) {
    secrets.add(password);
    secrets.add(`${user}:${password}`);
  }
  // A user name without a password is the token (Gemfury: https://<token>@pypi.fury.io/org/).
  if (user && (isSecretLooking(user) || (!password && user.length >= 4))) secrets.add(user);
  const publicHost = isPublicPypiHost(url.hostname);
  if (!publicHost || user || password) {
    secrets.add(indexUrl);
    url.username = '';
    url.password = '';
    const bare = url.toString();
    if (!publicHost) {
      secrets.add(bare);
      secrets.add(bare.replace(/\/$/, ''));
      for (const segment of url.pathname.split('/')) {
        if (!isSecretPart(segment)) continue;
        secrets.add(segment);
        secrets.add(safeDecode(segment));
      }
      for (const [, value] of url.searchParams) if (isSecretLooking(value)) secrets.add(value);
    }
  }
  return [...secrets].filter((secret) => secret !== '');
}

/** Replaces every secret in `text` with `***`, longest first (a URL before its segments). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    masked = masked.split(secret).join('***');
  return masked;
}

// The file types an index serves (PEP 527, PEP 658 `.metadata`): a last segment like these is a
// file name, safe and useful in a message; any other may be a token.
const FILE_NAME_END = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip|egg|exe|msi|rpm|metadata)$/i;

/**
 * For logs and errors: no userinfo, no query (signed redirect URLs carry tokens there) and, off
 * public PyPI, no path but the file name (`https://host/***`/`x-1.0.whl`) or, for a URL under
 * `indexUrl`, the part after it (`https://host/***`/`project/`).
 */
export function redactUrl(url: string, indexUrl?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid url>';
  }
  if (isPublicPypiHost(parsed.hostname)) return `${parsed.origin}${parsed.pathname}`;
  const bare = `${parsed.origin}${parsed.pathname}`;
  if (indexUrl !== undefined) {
    const index = safeUrl(indexUrl);
    if (index && bare.startsWith(`${index.origin}${index.pathname}`))
      return `${parsed.origin}/***/${bare.slice(`${index.origin}${index.pathname}`.length)}`;
  }
  const last = parsed.pathname.split('/').pop() ?? '';
  return FILE_NAME_END.test(last) ? `${parsed.origin}/***/${last}` : `${parsed.origin}/***`;
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
