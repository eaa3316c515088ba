// The job's own HTTPS proxy as the main step reads it (issue 10): masked before anything can
// print it, refused with the variable named when the daemon could not use it, handed to the
// daemon and the relay in the environment, and NO_PROXY for the clients kept to loopback.
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { interceptEnvironment } from '../../src/action/intercept-env.js';
import { daemonOutboundEnv, readJobHttpsProxy } from '../../src/action/job-https-proxy.js';
import { tempFolders } from '../support/temp-folders.js';

const testDir = tempFolders('job-https-proxy-');

function printed(run: () => void): string {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

describe('readJobHttpsProxy', () => {
  it('reads HTTPS_PROXY (or https_proxy) and NO_PROXY, masking the URL and the password first', () => {
    let read: ReturnType<typeof readJobHttpsProxy>;
    const out = printed(() => {
      read = readJobHttpsProxy({
        https_proxy: 'http://me:pa%2Fss-71@corp.example:3128',
        no_proxy: 'internal.example',
      });
    });
    expect(read).toEqual({
      url: 'http://me:pa%2Fss-71@corp.example:3128',
      display: 'http://corp.example:3128',
      noProxy: 'internal.example',
    });
    // A workflow command escapes % as %25; the runner masks the unescaped value.
    expect(out.split('\n')).toEqual(
      expect.arrayContaining([
        '::add-mask::http://me:pa%252Fss-71@corp.example:3128',
        '::add-mask::pa%252Fss-71',
        '::add-mask::pa/ss-71',
      ]),
    );
    expect(readJobHttpsProxy({})).toBeUndefined();
  });

  it('prefers what an earlier run of the action moved aside: HTTPS_PROXY then names that run’s daemon', () => {
    const read = readJobHttpsProxy({
      HTTPS_PROXY: 'http://127.0.0.1:41000',
      PYPI_CACHE_PROXY_OUTBOUND_PROXY: 'http://corp.example:3128',
      PYPI_CACHE_PROXY_OUTBOUND_NO_PROXY: 'internal.example',
      NO_PROXY: 'internal.example,localhost,127.0.0.1,::1',
    });
    expect(read).toMatchObject({ url: 'http://corp.example:3128', noProxy: 'internal.example' });
    // Recorded as none: HTTPS_PROXY is that run's daemon, not a proxy to chain to.
    expect(
      readJobHttpsProxy({ HTTPS_PROXY: 'http://127.0.0.1:31415', PYPI_CACHE_PROXY_OUTBOUND_PROXY: '' }),
    ).toBeUndefined();
  });

  it('takes an https:// proxy (TLS to the proxy itself), masked like an http:// one', () => {
    let read: ReturnType<typeof readJobHttpsProxy>;
    const out = printed(() => {
      read = readJobHttpsProxy({ HTTPS_PROXY: 'https://me:pw-93@corp.example:3129' });
    });
    expect(read).toMatchObject({
      url: 'https://me:pw-93@corp.example:3129',
      display: 'https://corp.example:3129',
    });
    expect(out).toContain('::add-mask::pw-93');
  });

  it('refuses a proxy the daemon cannot use, naming the variable, without the credentials', () => {
    for (const value of [
      'socks5://me:pw-93@corp.example',
      'https://me:pw-93@corp.example:3128/?q',
      'http://me:pw-93@corp.example:3128/x',
    ]) {
      let message = '';
      printed(() => {
        try {
          readJobHttpsProxy({ HTTPS_PROXY: value });
        } catch (error: unknown) {
          message = (error as Error).message;
        }
      });
      expect(message).toMatch(
        /the job's HTTPS_PROXY .* takes http:\/\/\[user:password@\]host:port or https:\/\/\[user:password@\]host:port/,
      );
      expect(message).not.toContain('pw-93');
    }
  });
});

describe('interceptEnvironment behind a job proxy', () => {
  it('records that there was none, for a later use of the action in the job', async () => {
    const dir = testDir();
    const exported = await interceptEnvironment({
      proxyUrl: 'http://127.0.0.1:31415',
      caCertPem: '',
      bundlePath: join(dir, 'bundle.pem'),
      env: {},
    });
    expect(exported).toMatchObject({
      PYPI_CACHE_PROXY_OUTBOUND_PROXY: '',
      PYPI_CACHE_PROXY_OUTBOUND_NO_PROXY: '',
    });
  });

  it('adds only loopback to NO_PROXY and keeps the job proxy for the relay', async () => {
    const dir = testDir();
    const outbound = {
      url: 'http://corp.example:3128',
      display: 'http://corp.example:3128',
      noProxy: 'internal.example',
    };
    const exported = await interceptEnvironment({
      proxyUrl: 'http://127.0.0.1:31415',
      caCertPem: '',
      bundlePath: join(dir, 'bundle.pem'),
      env: { NO_PROXY: 'internal.example', GITHUB_API_URL: 'https://api.github.com' },
      outbound,
    });
    expect(exported).toMatchObject({
      HTTPS_PROXY: 'http://127.0.0.1:31415',
      NO_PROXY: 'internal.example,localhost,127.0.0.1,::1',
      ...daemonOutboundEnv(outbound),
    });
  });
});

describe('a password with a stray %', () => {
  it('is read and masked without throwing', () => {
    const proxy = readJobHttpsProxy({ HTTPS_PROXY: 'http://user:50%off@127.0.0.1:3128' });
    expect(proxy?.display).toBe('http://127.0.0.1:3128');
  });
});
