// The download of pip 26 from this machine's mirror must never name an index off this machine:
// the sources come from `pip config list`, and only local ones reach pip's command line.
import { describe, expect, it } from '@jest/globals';
import { mirrorArgs, parsePipConfigList } from './local-mirror.js';

const CONFIG_LIST = [
  ":env:.cert='/etc/ssl/certs/ca-certificates.crt'",
  ":env:.find-links='/opt/wheels'",
  "global.index-url='https://pypi.org/simple'",
  "global.extra-index-url='file:///opt/pypi/simple http://10.0.0.7/simple http://127.0.0.1:3141/simple'",
  "global.find-links='/opt/wheels https://example.org/wheels'",
  "user.extra-index-url='file:///opt/pypi-more/simple'",
].join('\n');

describe('the local mirror', () => {
  it('keeps the configuration’s local indexes and folders, and drops every other host', () => {
    const mirror = parsePipConfigList(CONFIG_LIST);
    expect(mirror).toEqual({
      indexes: ['file:///opt/pypi/simple', 'http://127.0.0.1:3141/simple', 'file:///opt/pypi-more/simple'],
      findLinks: ['/opt/wheels'],
    });
    const args = mirrorArgs(mirror);
    expect(args.slice(0, 2)).toEqual(['--index-url', 'file:///opt/pypi/simple']);
    expect(args.join(' ')).not.toMatch(/pypi\.org|10\.0\.0\.7|example\.org/);
  });

  it('uses no index at all when the configuration names only folders', () => {
    const mirror = parsePipConfigList(
      "global.index-url='https://pypi.org/simple'\n:env:.find-links='/opt/wheels'",
    );
    expect(mirrorArgs(mirror)).toEqual(['--no-index', '--find-links', '/opt/wheels']);
  });
});
