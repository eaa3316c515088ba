import dns from 'node:dns';

type LookupCallback = (...args: unknown[]) => void;
type Lookup = (hostname: string, options: object, callback: LookupCallback) => void;

/**
 * Resolves host names matching `pattern` to 127.0.0.1 inside this process, so a fake can stand at an
 * address whose name decides the client's code path (see FakeCacheServiceOptions.blobHost).
 * net and http read dns.lookup at call time, so replacing it reaches them. Returns the undo.
 */
export function routeHostsToLoopback(pattern: RegExp): () => void {
  const real = dns.lookup;
  const lookup = real as unknown as Lookup;
  const patched = (hostname: string, options: object | LookupCallback, callback?: LookupCallback) => {
    const host = pattern.test(hostname) ? '127.0.0.1' : hostname;
    if (typeof options === 'function') return lookup(host, {}, options as LookupCallback);
    return lookup(host, options, callback as LookupCallback);
  };
  dns.lookup = patched as unknown as typeof dns.lookup;
  return () => {
    dns.lookup = real;
  };
}
