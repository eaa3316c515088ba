import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/proxy/names.ts
function normalizeProjectName(name) {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}
__name(normalizeProjectName, "normalizeProjectName");
var PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
var MAX_PROJECT_NAME = 200;
function isValidProjectName(name) {
  return name.length <= MAX_PROJECT_NAME && PROJECT_NAME.test(name);
}
__name(isValidProjectName, "isValidProjectName");
function isNormalizedProjectName(name) {
  return isValidProjectName(name) && normalizeProjectName(name) === name;
}
__name(isNormalizedProjectName, "isNormalizedProjectName");
var FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+!~-]*$/;
var MAX_FILE_NAME = 255;
function isValidFileName(name) {
  return name.length <= MAX_FILE_NAME && FILE_NAME.test(name) && !name.includes("..");
}
__name(isValidFileName, "isValidFileName");
var SHA256_HEX = /^[0-9a-f]{64}$/;
function isSha256Hex(value) {
  return SHA256_HEX.test(value);
}
__name(isSha256Hex, "isSha256Hex");
var UPSTREAM_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
var RESERVED_UPSTREAM_NAMES = /* @__PURE__ */ new Set(["simple", "files", "-"]);
function isValidUpstreamName(name) {
  return UPSTREAM_NAME.test(name) && !RESERVED_UPSTREAM_NAMES.has(name);
}
__name(isValidUpstreamName, "isValidUpstreamName");
function credentialsEnvName(upstreamName) {
  return `PYPI_CACHE_PROXY_AUTH_${upstreamName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}
__name(credentialsEnvName, "credentialsEnvName");

// src/proxy/upstream/url-secrets.ts
var PUBLIC_PYPI_HOSTS = /* @__PURE__ */ new Set([
  "pypi.org",
  "test.pypi.org",
  "files.pythonhosted.org",
  "test-files.pythonhosted.org"
]);
function isPublicPypiHost(host) {
  return PUBLIC_PYPI_HOSTS.has(host.toLowerCase().replace(/:\d+$/, ""));
}
__name(isPublicPypiHost, "isPublicPypiHost");
function redactIndexUrl(value) {
  const start = value.indexOf("//");
  const scheme = start < 0 ? "" : value.slice(0, start + 2);
  let rest = start < 0 ? value : value.slice(start + 2);
  const at = rest.lastIndexOf("@");
  const userinfo = at >= 0 ? "***@" : "";
  rest = rest.slice(at + 1);
  const slash = rest.search(/[/?#]/);
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  const shownPath = isPublicPypiHost(host) || path === "" || path === "/" ? path : "/***";
  return `${scheme}${userinfo}${host}${shownPath}`;
}
__name(redactIndexUrl, "redactIndexUrl");
var STRUCTURAL_WORDS = /* @__PURE__ */ new Set([
  "simple",
  "pypi",
  "python",
  "packages",
  "repository",
  "repositories",
  "artifactory",
  "_packaging",
  "api",
  "index"
]);
function isSecretLooking(part) {
  return part.length >= 8 && !STRUCTURAL_WORDS.has(part.toLowerCase());
}
__name(isSecretLooking, "isSecretLooking");
function isSecretPart(segment) {
  return isSecretLooking(segment) || isSecretLooking(safeDecode(segment));
}
__name(isSecretPart, "isSecretPart");
function indexUrlForKey(indexUrl) {
  const url = new URL(indexUrl);
  url.username = "";
  url.password = "";
  if (isPublicPypiHost(url.hostname)) return url.toString();
  url.pathname = url.pathname.split("/").map((segment) => isSecretPart(segment) ? "***" : segment).join("/");
  for (const [name, value] of [...url.searchParams])
    if (isSecretLooking(value)) url.searchParams.set(name, "***");
  return url.toString();
}
__name(indexUrlForKey, "indexUrlForKey");
function indexUrlSecrets(indexUrl) {
  let url;
  try {
    url = new URL(indexUrl);
  } catch {
    return indexUrl.trim() === "" ? [] : [indexUrl.trim()];
  }
  const secrets = /* @__PURE__ */ new Set();
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (password) {
    secrets.add(password);
    secrets.add(`${user}:${password}`);
  }
  if (user && (isSecretLooking(user) || !password && user.length >= 4)) secrets.add(user);
  const publicHost = isPublicPypiHost(url.hostname);
  if (!publicHost || user || password) {
    secrets.add(indexUrl);
    url.username = "";
    url.password = "";
    const bare = url.toString();
    if (!publicHost) {
      secrets.add(bare);
      secrets.add(bare.replace(/\/$/, ""));
      for (const segment of url.pathname.split("/")) {
        if (!isSecretPart(segment)) continue;
        secrets.add(segment);
        secrets.add(safeDecode(segment));
      }
      for (const [, value] of url.searchParams) if (isSecretLooking(value)) secrets.add(value);
    }
  }
  return [...secrets].filter((secret) => secret !== "");
}
__name(indexUrlSecrets, "indexUrlSecrets");
function maskSecrets(text, secrets) {
  let masked = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    masked = masked.split(secret).join("***");
  return masked;
}
__name(maskSecrets, "maskSecrets");
var FILE_NAME_END = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip|egg|exe|msi|rpm|metadata)$/i;
function redactUrl(url, indexUrl) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return "<invalid url>";
  }
  if (isPublicPypiHost(parsed.hostname)) return `${parsed.origin}${parsed.pathname}`;
  const bare = `${parsed.origin}${parsed.pathname}`;
  if (indexUrl !== void 0) {
    const index = safeUrl(indexUrl);
    if (index && bare.startsWith(`${index.origin}${index.pathname}`))
      return `${parsed.origin}/***/${bare.slice(`${index.origin}${index.pathname}`.length)}`;
  }
  const last = parsed.pathname.split("/").pop() ?? "";
  return FILE_NAME_END.test(last) ? `${parsed.origin}/***/${last}` : `${parsed.origin}/***`;
}
__name(redactUrl, "redactUrl");
function safeUrl(value) {
  try {
    return new URL(value);
  } catch {
    return void 0;
  }
}
__name(safeUrl, "safeUrl");
function safeDecode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
__name(safeDecode, "safeDecode");

// src/proxy/upstream/upstream-config.ts
var UPSTREAMS_ENV = "PYPI_CACHE_PROXY_UPSTREAMS";
var DEFAULT_UPSTREAM_URL = "https://pypi.org/simple/";
var DEFAULT_UPSTREAM_NAME = "pypi";
var UpstreamConfigError = class extends Error {
  static {
    __name(this, "UpstreamConfigError");
  }
};
function basicAuthorization(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
__name(basicAuthorization, "basicAuthorization");
function splitSpec(spec, position) {
  const named = /^([^=:/]+)=(.+)$/.exec(spec);
  if (named?.[1] && named[2]) return { name: named[1], rawUrl: named[2] };
  return { name: position === 0 ? DEFAULT_UPSTREAM_NAME : `upstream${position + 1}`, rawUrl: spec };
}
__name(splitSpec, "splitSpec");
function parseIndexUrl(rawUrl, name) {
  let url;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UpstreamConfigError(`--upstream ${name}: not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UpstreamConfigError(`--upstream ${name}: only http and https URLs are supported`);
  }
  if (url.search || url.hash)
    throw new UpstreamConfigError(`--upstream ${name}: no query or fragment, please`);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}
__name(parseIndexUrl, "parseIndexUrl");
function parseUpstream(spec, position, env = process.env) {
  const { name, rawUrl } = splitSpec(spec.trim(), position);
  if (!isValidUpstreamName(name)) {
    throw new UpstreamConfigError(
      `--upstream: invalid name ${JSON.stringify(name)} (lowercase letters, digits, - and _; not simple or files)`
    );
  }
  const url = parseIndexUrl(rawUrl, name);
  let authorization;
  if (url.username || url.password) {
    authorization = basicAuthorization(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = "";
    url.password = "";
  }
  const fromEnv = env[credentialsEnvName(name)];
  if (fromEnv) {
    const colon = fromEnv.indexOf(":");
    authorization = colon < 0 ? basicAuthorization(fromEnv, "") : basicAuthorization(fromEnv.slice(0, colon), fromEnv.slice(colon + 1));
  }
  return authorization ? { name, indexUrl: url.toString(), authorization } : { name, indexUrl: url.toString() };
}
__name(parseUpstream, "parseUpstream");
function parseUpstreams(specs, env = process.env) {
  const upstreams = (specs.length > 0 ? specs : [DEFAULT_UPSTREAM_URL]).map(
    (spec, i) => parseUpstream(spec, i, env)
  );
  const names = /* @__PURE__ */ new Set();
  for (const upstream of upstreams) {
    if (names.has(upstream.name))
      throw new UpstreamConfigError(`--upstream: name ${upstream.name} used twice`);
    names.add(upstream.name);
  }
  return upstreams;
}
__name(parseUpstreams, "parseUpstreams");

// src/proxy/upstream/file-hosts.ts
import dns from "node:dns";
import { isIP as isIP2 } from "node:net";

// src/proxy/upstream/ip-literals.ts
import { isIP } from "node:net";
function ipv4Octets(address) {
  if (isIP(address) === 4) return address.split(".").map(Number);
  if (isIP(address) !== 6) return void 0;
  const groups = ipv6Groups(address);
  if (!groups || groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 65535 && groups[5] !== 0)
    return void 0;
  if (groups[5] === 0 && groups[6] === 0 && (groups[7] ?? 0) <= 1) return void 0;
  const [high = 0, low = 0] = groups.slice(6);
  return [high >> 8, high & 255, low >> 8, low & 255];
}
__name(ipv4Octets, "ipv4Octets");
function ipv6Groups(address) {
  let text = address.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = quad[1].split(".").map(Number);
    text = `${text.slice(0, -quad[1].length)}${(a << 8 | b).toString(16)}:${(c << 8 | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === void 0 || tail === "" ? [] : tail.split(":");
  const missing = 8 - left.length - right.length;
  if (tail === void 0 ? missing !== 0 : missing < 0) return void 0;
  return [...left, ...Array(Math.max(0, missing)).fill("0"), ...right].map(
    (g) => Number.parseInt(g, 16)
  );
}
__name(ipv6Groups, "ipv6Groups");
function embeddedIpv4(address) {
  return ipv4Octets(address)?.join(".");
}
__name(embeddedIpv4, "embeddedIpv4");

// src/proxy/upstream/file-hosts.ts
var COMPANION_HOSTS = {
  "pypi.org": ["files.pythonhosted.org"],
  "test.pypi.org": ["test-files.pythonhosted.org"]
};
function addressKind(address) {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = ipv4Octets(bare);
  if (v4) {
    if (v4[0] === 127 || v4.every((octet) => octet === 0)) return "loopback";
    if (v4[0] === 169 && v4[1] === 254) return "link-local";
    return "other";
  }
  const groups = isIP2(bare) === 6 ? ipv6Groups(bare) : void 0;
  if (!groups) return "other";
  if (groups.slice(0, 7).every((g) => g === 0) && (groups[7] ?? 0) <= 1) return "loopback";
  if (((groups[0] ?? 0) & 65472) === 65152) return "link-local";
  return "other";
}
__name(addressKind, "addressKind");
var systemLookup = /* @__PURE__ */ __name((hostname) => dns.promises.lookup(hostname, { all: true }), "systemLookup");
var FileHostError = class extends Error {
  static {
    __name(this, "FileHostError");
  }
};
var FileHostPolicy = class {
  constructor(indexUrl, configured = [], resolve = systemLookup) {
    this.resolve = resolve;
    this.indexHost = bareHost(new URL(indexUrl).hostname);
    this.indexOnLoopback = addressKind(this.indexHost) === "loopback" || this.indexHost === "localhost" || this.indexHost.endsWith(".localhost");
    this.allowed = [
      ...COMPANION_HOSTS[this.indexHost] ?? [],
      ...configured.map((host) => host.toLowerCase())
    ];
  }
  resolve;
  static {
    __name(this, "FileHostPolicy");
  }
  indexHost;
  indexOnLoopback;
  allowed;
  /** Why the proxy may not fetch `url` for this index, from the URL alone; undefined: it may. */
  refusal(url) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      return "not a URL";
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `scheme ${parsed.protocol}`;
    const host = bareHost(parsed.hostname);
    if (host === this.indexHost) return void 0;
    if (!this.allowed.some((pattern) => hostMatches(host, pattern)))
      return `host ${host} is neither the index's host nor allowed (--allow-file-host)`;
    return isIP2(host) ? this.addressRefusal(host) : void 0;
  }
  /** The address rule, for an address a host name resolved to. */
  addressRefusal(address) {
    const kind = addressKind(address);
    if (kind === "link-local") return `address ${address} is link-local`;
    if (kind === "loopback" && !this.indexOnLoopback)
      return `address ${address} is loopback, and the index is not`;
    return void 0;
  }
  /** Whether a connection to `hostname` is under the address rule (not the index's own host). */
  checksAddressesOf(hostname) {
    return bareHost(hostname) !== this.indexHost;
  }
  /**
   * A `lookup` for http.request (net.connect calls it for host names, never for literals): the
   * addresses come from `resolve` and are refused before any socket connects to them.
   */
  lookup = /* @__PURE__ */ __name((hostname, options, callback) => {
    this.resolve(hostname).then(
      (addresses) => {
        const checked = this.checksAddressesOf(hostname);
        const refused = checked ? addresses.map((a) => this.addressRefusal(a.address)).find(Boolean) : void 0;
        if (refused) {
          callback(new FileHostError(`${hostname} resolves to a refused address: ${refused}`), "", 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? "", addresses[0]?.family ?? 4);
      },
      (error) => callback(error, "", 0)
    );
  }, "lookup");
};
function bareHost(hostname) {
  return hostname.toLowerCase().replace(/^\[|\]$/g, "");
}
__name(bareHost, "bareHost");
function hostMatches(host, pattern) {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === bareHost(pattern);
}
__name(hostMatches, "hostMatches");

// src/proxy/upstream/job-trust.ts
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";
var JOB_CA_VARIABLES = ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT", "NODE_EXTRA_CA_CERTS"];
function jobCaCertificates(env) {
  const paths = new Set(JOB_CA_VARIABLES.map((name) => env[name]?.trim()).filter(Boolean));
  return [...paths].flatMap((path) => {
    const text = readCaPath(path);
    return text === void 0 ? [] : [text];
  });
}
__name(jobCaCertificates, "jobCaCertificates");
var MAX_CA_FILE_BYTES = 8 * (1 << 20);
var HASHED_CERT_NAME = /^[0-9a-f]{8}\.\d+$/;
function readCaPath(path) {
  try {
    if (!statSync(path).isDirectory()) return readRegularFile(path);
    const texts = readdirSync(path).filter((name) => HASHED_CERT_NAME.test(name)).sort().flatMap((name) => readRegularFile(join(path, name)) ?? []);
    return texts.length > 0 ? texts.join("\n") : void 0;
  } catch {
    return void 0;
  }
}
__name(readCaPath, "readCaPath");
function readRegularFile(path) {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_CA_FILE_BYTES) return void 0;
    return readFileSync(fd, "utf8");
  } catch {
    return void 0;
  } finally {
    if (fd !== void 0) closeSync(fd);
  }
}
__name(readRegularFile, "readRegularFile");
function trustingContext(extra) {
  if (extra.length === 0) return void 0;
  const context = tls.createSecureContext();
  const native = context.context;
  if (typeof native?.addCACert !== "function") {
    return tls.createSecureContext({ ca: [...tls.rootCertificates, ...extra] });
  }
  for (const pem of extra) native.addCACert(pem);
  return context;
}
__name(trustingContext, "trustingContext");
var CERTIFICATE_REJECTIONS = /* @__PURE__ */ new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CRL_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CRL_NOT_YET_VALID",
  "CRL_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "ERROR_IN_CRL_LAST_UPDATE_FIELD",
  "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID"
]);
function isCertificateRejection(error) {
  const code = error?.code;
  return typeof code === "string" && CERTIFICATE_REJECTIONS.has(code);
}
__name(isCertificateRejection, "isCertificateRejection");

// src/proxy/upstream/outbound-proxy.ts
import https from "node:https";
import net from "node:net";
import tls2 from "node:tls";
var OUTBOUND_PROXY_ENV = "PYPI_CACHE_PROXY_OUTBOUND_PROXY";
var OUTBOUND_NO_PROXY_ENV = "PYPI_CACHE_PROXY_OUTBOUND_NO_PROXY";
var MAX_CONNECT_ANSWER_BYTES = 16 * 1024;
var DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS = 15e3;
var OutboundProxyConfigError = class extends Error {
  static {
    __name(this, "OutboundProxyConfigError");
  }
};
var OutboundProxyError = class extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
  status;
  static {
    __name(this, "OutboundProxyError");
  }
};
var NoProxyList = class {
  static {
    __name(this, "NoProxyList");
  }
  entries;
  /**
   * curl's and Go's reading of NO_PROXY: comma (or space) separated; `*` for every host;
   * `example.com` and `.example.com` for that domain and its subdomains; an address literal,
   * `[::1]`, or an IPv4 CIDR block (`10.0.0.0/8`); `host:port` for that port only.
   */
  constructor(value) {
    this.entries = (value ?? "").split(/[\s,]+/).map((item) => item.trim().toLowerCase()).filter(Boolean).map((item) => {
      const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(item);
      const host = (withPort?.[1] ?? item).replace(/^\[|\]$/g, "").replace(/^\*?\./, ".");
      return { host, port: withPort ? Number(withPort[2]) : void 0 };
    });
  }
  /** Whether a connection to `host:port` goes directly, not through the proxy. */
  bypasses(host, port) {
    const name = host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
    return this.entries.some((entry) => {
      if (entry.port !== void 0 && entry.port !== port) return false;
      if (entry.host === "*") return true;
      if (entry.host.includes("/")) return inIpv4Block(name, entry.host);
      const domain = entry.host.replace(/^\./, "");
      return name === domain || net.isIP(name) === 0 && name.endsWith(`.${domain}`);
    });
  }
};
function inIpv4Block(address, block) {
  const [network = "", bits = ""] = block.split("/");
  if (net.isIP(address) !== 4 || net.isIP(network) !== 4 || !/^\d{1,2}$/.test(bits)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(network, Number(bits), "ipv4");
  } catch {
    return false;
  }
  return list.check(address, "ipv4");
}
__name(inIpv4Block, "inIpv4Block");
var OutboundProxy = class _OutboundProxy {
  /**
   * `url`: http(s)://[user:password@]host[:port][/]; `noProxy`: the job's NO_PROXY; `extraCa`:
   * PEM certificates an https:// proxy's certificate may chain to besides Node's roots.
   */
  constructor(url, noProxy = new NoProxyList(void 0), connectTimeoutMs = DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS, extraCa = []) {
    this.noProxy = noProxy;
    this.connectTimeoutMs = connectTimeoutMs;
    this.extraCa = extraCa;
    let parsed;
    try {
      parsed = new URL(url.includes("://") ? url : `http://${url}`);
    } catch {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: not a URL; expected http(s)://[user:password@]host:port (the job's HTTPS_PROXY)`
      );
    }
    const display = `${parsed.protocol}//${parsed.host}`;
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: ${display} is not an http:// or https:// proxy; only those (CONNECT) are supported`
      );
    }
    if (parsed.pathname !== "/" && parsed.pathname !== "" || parsed.search || parsed.hash) {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: ${display} has a path, query or fragment; expected http(s)://[user:password@]host:port`
      );
    }
    this.display = display;
    this.secure = parsed.protocol === "https:";
    this.host = parsed.hostname.replace(/^\[|\]$/g, "");
    this.port = Number(parsed.port || (this.secure ? 443 : 80));
    this.authorization = parsed.username || parsed.password ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString("base64")}` : void 0;
  }
  noProxy;
  connectTimeoutMs;
  extraCa;
  static {
    __name(this, "OutboundProxy");
  }
  /** `http://host:port` or `https://host:port`: what messages may show (never the credentials). */
  display;
  host;
  port;
  /** An https:// proxy: TLS to the proxy itself, then CONNECT inside it. */
  secure;
  authorization;
  /** What an https:// proxy's certificate is checked against: made on its first connection. */
  trust;
  /** The proxy from the daemon's environment, or undefined when the job had none. */
  static fromEnv(env) {
    const url = env[OUTBOUND_PROXY_ENV]?.trim();
    return url ? new _OutboundProxy(
      url,
      new NoProxyList(env[OUTBOUND_NO_PROXY_ENV]),
      DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS,
      jobCaCertificates(env)
    ) : void 0;
  }
  /** Whether the proxy URL carries credentials (sent as Proxy-Authorization). */
  get hasCredentials() {
    return this.authorization !== void 0;
  }
  /** Whether a connection to `host:port` goes through this proxy (not in the job's NO_PROXY). */
  serves(host, port) {
    return !this.noProxy.bypasses(host, port);
  }
  /**
   * A socket to `host:port` through the proxy, the CONNECT answered 200. Rejects with an
   * OutboundProxyError for any other answer (407: credentials refused), for no answer within the
   * timeout, or when the proxy cannot be reached; never hangs.
   */
  connect(host, port, signal) {
    const authority = `${net.isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const what = `the job's HTTPS proxy ${this.display}, CONNECT ${authority}`;
    this.trust ??= { context: trustingContext(this.extraCa) };
    const secureContext = this.trust.context;
    return new Promise((resolve, reject) => {
      const socket = this.secure ? tls2.connect({
        host: this.host,
        port: this.port,
        ...net.isIP(this.host) === 0 ? { servername: this.host } : {},
        ...secureContext ? { secureContext } : {},
        ALPNProtocols: ["http/1.1"]
      }) : net.connect({ host: this.host, port: this.port });
      let answer = Buffer.alloc(0);
      const fail = /* @__PURE__ */ __name((message, status) => {
        cleanup();
        socket.destroy();
        reject(new OutboundProxyError(`${what}: ${message}`, status));
      }, "fail");
      const timer = setTimeout(
        () => fail(`no answer within ${this.connectTimeoutMs} ms`),
        this.connectTimeoutMs
      );
      const onAbort = /* @__PURE__ */ __name(() => fail("aborted"), "onAbort");
      signal?.addEventListener("abort", onAbort, { once: true });
      const onError = /* @__PURE__ */ __name((error) => fail(error.message), "onError");
      const onClose = /* @__PURE__ */ __name(() => fail("the proxy closed the connection before answering"), "onClose");
      const onData = /* @__PURE__ */ __name((chunk) => {
        answer = Buffer.concat([answer, chunk]);
        const end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
          if (answer.length > MAX_CONNECT_ANSWER_BYTES) fail("its answer is not an HTTP response");
          return;
        }
        const status = Number(
          /^HTTP\/1\.[01] (\d{3})(?: |\r|$)/.exec(answer.subarray(0, end).toString("latin1"))?.[1]
        );
        if (status !== 200) {
          fail(statusReason(status, this.authorization !== void 0), status || void 0);
          return;
        }
        cleanup();
        socket.pause();
        const rest = answer.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
      }, "onData");
      const cleanup = /* @__PURE__ */ __name(() => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("close", onClose);
      }, "cleanup");
      socket.on("data", onData);
      socket.once("error", onError);
      socket.once("close", onClose);
      socket.once(this.secure ? "secureConnect" : "connect", () => {
        const headers = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
        if (this.authorization) headers.push(`Proxy-Authorization: ${this.authorization}`);
        socket.write(`${headers.join("\r\n")}\r
\r
`);
      });
    });
  }
};
function statusReason(status, hadCredentials) {
  if (status === 407) {
    return hadCredentials ? "answered 407 Proxy Authentication Required: it refused the credentials in HTTPS_PROXY" : "answered 407 Proxy Authentication Required: it wants credentials, and HTTPS_PROXY has none (http://user:password@host:port)";
  }
  if (Number.isNaN(status)) return "its answer is not an HTTP response";
  return `answered ${status}`;
}
__name(statusReason, "statusReason");
function refusedByLookup(host, lookup) {
  if (!lookup || net.isIP(host) !== 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error) => {
      if (error instanceof FileHostError) reject(error);
      else resolve();
    });
  });
}
__name(refusedByLookup, "refusedByLookup");
var ChainedHttpsAgent = class extends https.Agent {
  constructor(proxy, options) {
    super(options);
    this.proxy = proxy;
  }
  proxy;
  static {
    __name(this, "ChainedHttpsAgent");
  }
  createConnection(options, callback) {
    const host = options.host ?? "localhost";
    refusedByLookup(host, options.lookup).then(() => this.proxy.connect(host, Number(options.port ?? 443), options.signal)).then(
      (socket) => {
        const secure = tls2.connect({ ...options, socket, host });
        callback(null, secure);
      },
      (error) => callback(error)
    );
    return void 0;
  }
};

export {
  normalizeProjectName,
  isValidProjectName,
  isNormalizedProjectName,
  isValidFileName,
  isSha256Hex,
  isValidUpstreamName,
  credentialsEnvName,
  redactIndexUrl,
  indexUrlForKey,
  indexUrlSecrets,
  maskSecrets,
  redactUrl,
  UPSTREAMS_ENV,
  UpstreamConfigError,
  parseUpstreams,
  embeddedIpv4,
  addressKind,
  FileHostError,
  FileHostPolicy,
  jobCaCertificates,
  readCaPath,
  trustingContext,
  isCertificateRejection,
  OUTBOUND_PROXY_ENV,
  OUTBOUND_NO_PROXY_ENV,
  OutboundProxyConfigError,
  OutboundProxyError,
  OutboundProxy,
  ChainedHttpsAgent
};
