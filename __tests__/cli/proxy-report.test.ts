// The CLI's start-up and exit lines (issue 13).

import { exitLine, startLine } from '../../src/cli/proxy-report.js';
import type { RunningProxy } from '../../src/proxy/index.js';
import { ProxyStats } from '../../src/proxy/stats.js';

const proxy = (upstreams: { name: string; indexUrl: string }[]): RunningProxy =>
  ({
    url: 'http://127.0.0.1:4000',
    storeDir: '/store',
    indexPolicy: 'revalidate',
    readOnly: false,
    upstreams,
  }) as unknown as RunningProxy;

test('the start-up line names the store, the policy and every upstream, without credentials or a private index path', () => {
  const line = startLine(
    proxy([
      { name: 'pypi', indexUrl: 'https://pypi.org/simple/' },
      { name: 'corp', indexUrl: 'https://user:s3cret@corp.example/simple/' },
    ]),
  );
  expect(line).toBe(
    'pypi-cache-proxy listening on http://127.0.0.1:4000 (index http://127.0.0.1:4000/simple/); store /store; index policy revalidate; upstream pypi=https://pypi.org/simple/, corp=https://corp.example/***',
  );
  expect(line).not.toContain('s3cret');
});

test('the exit line counts revalidations apart from downloads', () => {
  const line = exitLine({
    ...new ProxyStats().snapshot(),
    requests: 5,
    servedFromStore: 3,
    storeBytes: 2048,
    fetchedUpstream: 1,
    revalidated: 1,
    upstreamBytes: 100,
    errors: 0,
  });
  expect(line).toBe(
    'pypi-cache-proxy: served 5 requests: 3 from the store (2.0 KB), 1 from upstream (100 B), 1 revalidated (304), 0 errors',
  );
});
