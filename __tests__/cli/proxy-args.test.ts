import { HELP, parseProxyArgs, UsageError } from '../../src/cli/proxy-args.js';

const usage = (argv: string[]) => {
  try {
    parseProxyArgs(argv, {});
  } catch (error: unknown) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return undefined;
};

describe('proxy flags: errors name the flag, the value and what is accepted', () => {
  test('a flag after a value flag is not taken as its value', () => {
    expect(usage(['--store', '--port', '0'])).toBe('--store needs a value, got the flag "--port"');
    expect(usage(['--upstream', '--host=::1'])).toBe('--upstream needs a value, got the flag "--host=::1"');
  });

  test('--upstream must be [NAME=]URL with an http(s) URL', () => {
    expect(usage(['--upstream', 'notaurl'])).toBe(
      '--upstream: expected [NAME=]URL with an http(s) URL, e.g. https://pypi.org/simple/, got "notaurl"',
    );
    expect(usage(['--upstream', 'extra=ftp://x/simple/'])).toMatch(/^--upstream: expected .* got "extra=ftp/);
    expect(parseProxyArgs(['--upstream', 'extra=http://127.0.0.1:1/simple/'], {}).upstreams).toEqual([
      'extra=http://127.0.0.1:1/simple/',
    ]);
  });

  test('--host: a dotted quad must be an IPv4 address', () => {
    expect(usage(['--host', '999.1.1.1'])).toBe(
      '--host: expected an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or a host name, got "999.1.1.1"',
    );
    expect(parseProxyArgs(['--host', '0.0.0.0'], {}).host).toBe('0.0.0.0');
  });
});

describe('--port: one port, or candidates in order (the first free is bound)', () => {
  test('a port, a range and a list', () => {
    expect(parseProxyArgs([], {}).port).toEqual([0]);
    expect(parseProxyArgs(['--port', '8080'], {}).port).toEqual([8080]);
    expect(parseProxyArgs(['--port', '31415-31417,0'], {}).port).toEqual([31415, 31416, 31417, 0]);
  });

  test.each(['70000', '-1', 'abc', '5-3', '1,,2', '1-2000'])(
    '%s is refused, naming the flag and the value',
    (value) => {
      expect(usage(['--port', value])).toMatch(
        new RegExp(
          `^--port: (expected a port 0-65535, a range A-B, or a comma-separated list of them|more than 1000 ports), got "${value}"$`,
        ),
      );
    },
  );
});

describe('size flags', () => {
  test.each([
    ['4096', 4096],
    ['64M', 64 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['512KiB', 512 * 1024],
    ['8mb', 8 * 1024 ** 2],
  ])('--max-page-size %s', (value, bytes) => {
    expect(parseProxyArgs(['--max-page-size', value], {}).maxPageBytes).toBe(bytes);
  });

  test.each(['0', '-1', 'lots', '1T', '1.5M', '9999999999999999G'])(
    '--max-page-size %s is refused',
    (value) => {
      expect(() => parseProxyArgs(['--max-page-size', value], {})).toThrow(UsageError);
      expect(() => parseProxyArgs(['--max-page-size', value], {})).toThrow(
        /--max-page-size: expected a size/,
      );
    },
  );
});

describe('--max-file-size', () => {
  test('is parsed like the other size flags, and unset leaves the 4 GiB default to the proxy', () => {
    expect(parseProxyArgs(['--max-file-size', '8G'], {}).maxFileBytes).toBe(8 * 1024 ** 3);
    expect(parseProxyArgs(['--max-file-size=512M'], {}).maxFileBytes).toBe(512 * 1024 ** 2);
    expect(parseProxyArgs([], {}).maxFileBytes).toBeUndefined();
  });

  test('a bad value names the flag, the value and what is accepted', () => {
    expect(() => parseProxyArgs(['--max-file-size', 'huge'], {})).toThrow(
      '--max-file-size: expected a size such as 4096, 64M or 2G, got "huge"',
    );
    expect(() => parseProxyArgs(['--max-file-size'], {})).toThrow('--max-file-size needs a value');
  });

  test('is in the help', () => {
    expect(HELP).toMatch(/--max-file-size SIZE {4}cut off \(and never store\) a file body past SIZE/);
  });
});

describe('interception flags', () => {
  it('turn interception on with --intercept CA_FILE, and refuse its companions without it', () => {
    const args = parseProxyArgs(
      ['--intercept', '/tmp/ca.pem', '--intercept-upstream', 'mirror', '--locked-hashes', '/tmp/h.json'],
      {},
    );
    expect(args).toMatchObject({
      intercept: '/tmp/ca.pem',
      interceptUpstreams: ['mirror'],
      lockedHashes: '/tmp/h.json',
    });
    expect(() => parseProxyArgs(['--locked-hashes', '/tmp/h.json'], {})).toThrow(/need --intercept CA_FILE/);
    expect(() => parseProxyArgs(['--intercept'], {})).toThrow(/--intercept needs a value/);
  });
});

describe('upstreams from the environment (issue 9, case 10: no token on the command line)', () => {
  const env = {
    PYPI_CACHE_PROXY_UPSTREAMS: 'https://dl.example/Tok3nTok3nTok3n/simple/\ncorp=http://127.0.0.1:9/x/\n',
  };

  test('read one a line when no --upstream is given; --upstream wins', () => {
    expect(parseProxyArgs([], env).upstreams).toEqual([
      'https://dl.example/Tok3nTok3nTok3n/simple/',
      'corp=http://127.0.0.1:9/x/',
    ]);
    expect(parseProxyArgs(['--upstream', 'https://pypi.org/simple/'], env).upstreams).toEqual([
      'https://pypi.org/simple/',
    ]);
  });

  test('a bad line names the variable and shows no path', () => {
    expect(() =>
      parseProxyArgs([], { PYPI_CACHE_PROXY_UPSTREAMS: 'ftp://dl.example/Tok3nTok3nTok3n/' }),
    ).toThrow(/^PYPI_CACHE_PROXY_UPSTREAMS: expected \[NAME=\]URL .*got "ftp:\/\/dl\.example\/\*\*\*"$/);
  });
});
