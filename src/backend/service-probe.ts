// One cheap request that tells whether the Actions cache service answers at all, before
// @actions/cache spends its retries (5 attempts, ~25 s of backoff) on a service that is down.
// @actions/http-client, like @actions/cache, honours the runner's proxy settings. It is imported
// on first use, as @actions/cache is (actions.ts): with undici it is ~0.9 MB of bundle that a
// step with a local folder, or a post step on an exact hit, would evaluate for nothing.

const PROBE_TIMEOUT_MS = 10_000;
/**
 * Test-only: the probe's timeout in ms, so the suite's hung-service case waits 2 s, not 10 s.
 * Not an input: a real job has no reason to give a hung service less than 10 s.
 */
export const PROBE_TIMEOUT_ENV = 'PYPI_CACHE_ACTION_TEST_PROBE_TIMEOUT_MS';

function probeTimeoutMs(env: NodeJS.ProcessEnv): number {
  const ms = Number(env[PROBE_TIMEOUT_ENV]);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : PROBE_TIMEOUT_MS;
}
const CACHE_SERVICE = 'twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL';

/** Undefined when the service answers; otherwise why it cannot be used. */
export async function probeCacheService(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const v2 = Boolean(env.ACTIONS_CACHE_SERVICE_V2);
  const base = v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL;
  if (!base) return 'the runner provides no cache service URL';
  const url = new URL(
    v2 ? CACHE_SERVICE : '_apis/artifactcache/cache?keys=probe&version=probe',
    withSlash(base),
  );
  const { HttpClient } = await import('@actions/http-client');
  const client = new HttpClient('pypi-cache-action', [], {
    socketTimeout: probeTimeoutMs(env),
    allowRetries: false,
  });
  const headers = {
    authorization: `Bearer ${env.ACTIONS_RUNTIME_TOKEN ?? ''}`,
    'content-type': 'application/json',
  };
  try {
    const response = v2
      ? await client.post(url.href, JSON.stringify({ key: 'probe', version: 'probe' }), headers)
      : await client.get(url.href, headers);
    await response.readBody();
    const status = response.message.statusCode ?? 0;
    // Any answer below 500, "not found" included, means the service is up.
    return status > 0 && status < 500 ? undefined : `the cache service answered HTTP ${status}`;
  } catch (error: unknown) {
    return `the cache service did not answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.dispose();
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
