// Preloaded into the action's steps (NODE_OPTIONS=--require) by the tests that give the cache
// service stand-in a hosted runner's blob host: @actions/cache moves archives with the Azure SDK
// only for *.blob.core.windows.net URLs. In that process alone the name resolves to 127.0.0.1
// (support/loopback-dns.ts does the same inside a test's own process).
const dns = require('node:dns');

const BLOB_HOST = /\.blob\.core\.windows\.net$/;
const real = dns.lookup;
dns.lookup = (hostname, options, callback) => {
  const host = BLOB_HOST.test(hostname) ? '127.0.0.1' : hostname;
  return typeof options === 'function' ? real(host, {}, options) : real(host, options, callback);
};
