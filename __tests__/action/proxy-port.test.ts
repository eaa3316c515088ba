import { DEFAULT_PROXY_PORT, proxyPortCandidates, proxyPortWarning } from '../../src/action/proxy-port.js';

test('an explicit port (0 included) is the only candidate: the daemon binds it or fails', () => {
  expect(proxyPortCandidates(4000)).toEqual([4000]);
  expect(proxyPortCandidates(0)).toEqual([0]);
});

test('empty: the default, the next 19, then any free port, in that order', () => {
  const candidates = proxyPortCandidates(undefined);
  expect(candidates).toHaveLength(21);
  expect(candidates.slice(0, 2)).toEqual([DEFAULT_PROXY_PORT, DEFAULT_PROXY_PORT + 1]);
  expect(candidates.slice(-2)).toEqual([DEFAULT_PROXY_PORT + 19, 0]);
});

test('the warning follows the port the daemon really bound', () => {
  expect(proxyPortWarning('127.0.0.1', DEFAULT_PROXY_PORT, undefined)).toBeUndefined();
  expect(proxyPortWarning('127.0.0.1', 4000, 4000)).toBeUndefined();
  expect(proxyPortWarning('127.0.0.1', 45000, 0)).toBeUndefined();
  expect(proxyPortWarning('127.0.0.1', DEFAULT_PROXY_PORT + 2, undefined)).toMatch(
    new RegExp(
      `Port ${DEFAULT_PROXY_PORT} on 127.0.0.1 is taken: the proxy listens on ${DEFAULT_PROXY_PORT + 2}\\..*Docker layers.*Pipfile\\.lock.*'proxy-port'`,
    ),
  );
  expect(proxyPortWarning('0.0.0.0', 45000, undefined)).toMatch(
    new RegExp(
      `Ports ${DEFAULT_PROXY_PORT}-${DEFAULT_PROXY_PORT + 19} on 0\\.0\\.0\\.0 are all taken: the proxy listens on a random port \\(45000\\)`,
    ),
  );
});
