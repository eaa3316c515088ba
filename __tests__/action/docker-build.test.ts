import { dockerBuildSettings } from '../../src/action/docker-build.js';

describe('dockerBuildSettings', () => {
  test('a loopback proxy: its address in the build arguments, and the host network', () => {
    expect(dockerBuildSettings('127.0.0.1', 31415, [], undefined)).toEqual({
      buildArgs: [
        'PIP_INDEX_URL=http://127.0.0.1:31415/simple/',
        'PIP_TRUSTED_HOST=127.0.0.1:31415',
        'UV_DEFAULT_INDEX=http://127.0.0.1:31415/simple/',
        'UV_INSECURE_HOST=127.0.0.1:31415',
      ],
      network: 'host',
    });
  });

  test('a proxy on the bridge address: that address, and no network flag', () => {
    const settings = dockerBuildSettings('172.17.0.1', 3141, [], undefined);
    expect(settings.network).toBe('');
    expect(settings.buildArgs).toContain('PIP_INDEX_URL=http://172.17.0.1:3141/simple/');
    expect(settings.buildArgs).toContain('UV_INSECURE_HOST=172.17.0.1:3141');
  });

  test('every interface: the docker0 address when there is one, else loopback on the host network', () => {
    expect(dockerBuildSettings('0.0.0.0', 3141, [], '172.18.0.1')).toMatchObject({
      buildArgs: expect.arrayContaining(['UV_DEFAULT_INDEX=http://172.18.0.1:3141/simple/']),
      network: '',
    });
    expect(dockerBuildSettings('0.0.0.0', 3141, [], undefined)).toMatchObject({
      buildArgs: expect.arrayContaining(['PIP_INDEX_URL=http://127.0.0.1:3141/simple/']),
      network: 'host',
    });
  });

  test('IPv6 loopback is bracketed; extra indexes get their routes', () => {
    const settings = dockerBuildSettings(
      '::1',
      3141,
      [{ name: 'internal', url: 'https://x.example/' }],
      undefined,
    );
    expect(settings.buildArgs).toEqual([
      'PIP_INDEX_URL=http://[::1]:3141/simple/',
      'PIP_TRUSTED_HOST=[::1]:3141',
      'UV_DEFAULT_INDEX=http://[::1]:3141/simple/',
      'UV_INSECURE_HOST=[::1]:3141',
      'PIP_EXTRA_INDEX_URL=http://[::1]:3141/internal/simple/',
      'UV_INDEX=internal=http://[::1]:3141/internal/simple/',
    ]);
  });
});
