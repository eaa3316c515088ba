import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  ChainedHttpsAgent,
  FileHostError,
  FileHostPolicy,
  OutboundProxyError,
  addressKind,
  embeddedIpv4,
  isCertificateRejection,
  isNormalizedProjectName,
  isSha256Hex,
  isValidFileName,
  isValidProjectName,
  normalizeProjectName,
  redactUrl,
  trustingContext
} from "./chunk-K6M7SHUM.js";
import {
  escapeHtml,
  renderHtmlPage,
  renderHtmlProjectList,
  renderJsonPage,
  renderJsonProjectList
} from "./chunk-HKO227F4.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/proxy/intercept/connect-handler.ts
import net from "node:net";
import tls from "node:tls";

// src/proxy/intercept/tunnel-policy.ts
import { lookup } from "node:dns/promises";
import { BlockList, isIP as isIP2 } from "node:net";

// src/proxy/intercept/origin-map.ts
import { isIP } from "node:net";
var OriginMapError = class extends Error {
  static {
    __name(this, "OriginMapError");
  }
};
function isLoopbackLiteral(host) {
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return isIP(bare) === 6 && bare === "::1";
}
__name(isLoopbackLiteral, "isLoopbackLiteral");
function defaultPort(url) {
  return url.protocol === "https:" ? 443 : 80;
}
__name(defaultPort, "defaultPort");
var OriginMap = class {
  static {
    __name(this, "OriginMap");
  }
  mapped;
  /** Whether a test mapping is in force (then nothing but loopback is ever reached). */
  get isTestMapping() {
    return this.mapped !== void 0;
  }
  /** `testOrigins`: host name -> `http(s)://127.0.0.1:PORT`; omit in a job. */
  constructor(testOrigins) {
    if (!testOrigins) return;
    const mapped = /* @__PURE__ */ new Map();
    for (const [host, origin] of Object.entries(testOrigins)) {
      const url = new URL(origin);
      if (!isLoopbackLiteral(url.hostname) || url.pathname !== "/" || url.search) {
        throw new OriginMapError(
          `test origin for ${host}: ${JSON.stringify(origin)} is not a loopback origin like http://127.0.0.1:PORT`
        );
      }
      mapped.set(host.toLowerCase(), url);
    }
    this.mapped = mapped;
  }
  /** The URL to request for `url`: itself in a job; its loopback stand-in in tests. */
  mapUrl(url) {
    if (!this.mapped) return url;
    const origin = this.mapped.get(url.hostname.toLowerCase());
    if (origin) return new URL(`${url.pathname}${url.search}`, origin);
    if (isLoopbackLiteral(url.hostname)) return url;
    throw new OriginMapError(`test mapping: ${url.hostname} is neither mapped nor loopback; refused`);
  }
  /** Where a CONNECT tunnel for `host:port` goes. */
  tunnelTarget(host, port) {
    if (!this.mapped) return { host, port };
    const origin = this.mapped.get(host.toLowerCase());
    if (origin) return { host: origin.hostname, port: Number(origin.port || defaultPort(origin)) };
    if (isLoopbackLiteral(host)) return { host: host.replace(/^\[|\]$/g, ""), port };
    throw new OriginMapError(`test mapping: ${host} is neither mapped nor loopback; refused`);
  }
};

// src/proxy/intercept/tunnel-policy.ts
var TunnelRefusedError = class extends Error {
  static {
    __name(this, "TunnelRefusedError");
  }
};
var REFUSED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4]
])
  REFUSED.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fe80::", 10],
  ["ff00::", 8],
  // NAT64 (64:ff9b::/96) addresses embedding the refused IPv4 ranges.
  ["64:ff9b::", 104],
  ["64:ff9b::7f00:0", 104],
  ["64:ff9b::a9fe:0", 112],
  ["64:ff9b::e000:0", 100],
  ["64:ff9b::f000:0", 100]
])
  REFUSED.addSubnet(network, prefix, "ipv6");
function isTunnelAllowed(address) {
  const family = isIP2(address);
  if (family === 0) return false;
  const embedded = family === 6 ? embeddedIpv4(address) : void 0;
  if (embedded) return isTunnelAllowed(embedded);
  return !REFUSED.check(address, family === 4 ? "ipv4" : "ipv6");
}
__name(isTunnelAllowed, "isTunnelAllowed");
async function tunnelDestination(host, port, origins, resolve = resolveAll) {
  const bare = host.replace(/^\[|\]$/g, "");
  if (origins.isTestMapping) {
    try {
      return origins.tunnelTarget(host, port);
    } catch (error) {
      if (error instanceof OriginMapError) throw new TunnelRefusedError(error.message);
      throw error;
    }
  }
  const addresses = isIP2(bare) ? [bare] : await resolve(bare);
  const refused = addresses.find((address) => !isTunnelAllowed(address));
  if (addresses.length === 0 || refused !== void 0) {
    throw new TunnelRefusedError(
      `CONNECT ${host}:${port}: ${refused ?? "no address"} is a loopback, link-local or multicast address; tunnels never go there`
    );
  }
  return { host: addresses[0], port };
}
__name(tunnelDestination, "tunnelDestination");
async function chainedTunnelTarget(host, port, origins, resolve = resolveAll) {
  if (origins.isTestMapping) return tunnelDestination(host, port, origins, resolve);
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP2(bare)) return tunnelDestination(bare, port, origins, resolve);
  const addresses = await resolve(bare).catch(() => []);
  const refused = addresses.find((address) => !isTunnelAllowed(address));
  if (refused !== void 0) {
    throw new TunnelRefusedError(
      `CONNECT ${host}:${port}: ${refused} is a loopback, link-local or multicast address; tunnels never go there`
    );
  }
  return { host: bare, port };
}
__name(chainedTunnelTarget, "chainedTunnelTarget");
async function resolveAll(host) {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch (error) {
    throw new TunnelRefusedError(`CONNECT ${host}: cannot resolve (${error.message})`);
  }
}
__name(resolveAll, "resolveAll");

// src/proxy/intercept/connect-handler.ts
var DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 1e4;
function parseConnectTarget(target) {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(target ?? "");
  if (!match?.[1] || !match[2]) return void 0;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return void 0;
  return { host: match[1].toLowerCase(), port };
}
__name(parseConnectTarget, "parseConnectTarget");
function refuseConnect(socket, status, reason) {
  const body = `${reason}
`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? "Forbidden" : status === 400 ? "Bad Request" : "Bad Gateway"}\r
content-type: text/plain; charset=utf-8\r
content-length: ${Buffer.byteLength(body)}\r
connection: close\r
\r
${body}`
  );
}
__name(refuseConnect, "refuseConnect");
async function intercept(ctx, host, socket, head) {
  let handedOver = false;
  const closeIfEnded = /* @__PURE__ */ __name(() => {
    if (!handedOver) socket.destroy();
  }, "closeIfEnded");
  socket.once("end", closeIfEnded);
  const leaf = await ctx.ca.leafFor(host.host);
  if (socket.destroyed) return;
  const context = tls.createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
  socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (head.length > 0) socket.unshift(head);
  const secure = new tls.TLSSocket(socket, {
    isServer: true,
    ALPNProtocols: ["http/1.1"],
    SNICallback: /* @__PURE__ */ __name((servername, done) => {
      if (servername.toLowerCase().replace(/\.$/, "") === host.host) done(null, context);
      else done(new Error(`SNI ${servername} does not match CONNECT ${host.host}`));
    }, "SNICallback")
  });
  const timer = setTimeout(() => {
    ctx.log.warn(`CONNECT ${host.host}: no TLS handshake within ${timeoutOf(ctx)} ms; closed`);
    secure.destroy();
    socket.destroy();
  }, timeoutOf(ctx));
  secure.once("end", closeIfEnded);
  secure.once("secure", () => {
    handedOver = true;
    clearTimeout(timer);
    ctx.mark(secure, host);
    ctx.requests.emit("connection", secure);
  });
  secure.on("error", (error) => {
    clearTimeout(timer);
    ctx.log.warn(`CONNECT ${host.host}: ${error.message}`);
    socket.destroy();
  });
  secure.once("close", () => clearTimeout(timer));
}
__name(intercept, "intercept");
function timeoutOf(ctx) {
  return ctx.handshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS;
}
__name(timeoutOf, "timeoutOf");
async function tunnel(ctx, host, port, socket, head) {
  await openPlainTunnel(ctx, { host, port }, socket, head, () => ctx.stats.connects.tunnelled++);
}
__name(tunnel, "tunnel");
async function openPlainTunnel(route, target, socket, head, onOpen = () => {
}) {
  const { host, port } = target;
  const { origins, outbound } = route;
  if (outbound?.serves(host.replace(/^\[|\]$/g, ""), port)) {
    if (outbound.hasCredentials && addressKind(socket.remoteAddress ?? "") !== "loopback") {
      throw new TunnelRefusedError(
        `CONNECT ${host}:${port}: tunnels through the job's HTTPS proxy carry its credentials, so they are only for clients on this machine (${socket.remoteAddress} is not)`
      );
    }
    const destination2 = await chainedTunnelTarget(host, port, origins);
    let upstream2;
    try {
      upstream2 = await outbound.connect(destination2.host, destination2.port);
    } catch (error) {
      throw new TunnelFailedError(error.message);
    }
    relay(socket, upstream2, head, onOpen);
    return;
  }
  const destination = await tunnelDestination(host, port, origins);
  const upstream = net.connect({ host: destination.host, port: destination.port });
  upstream.once("connect", () => relay(socket, upstream, head, onOpen));
  upstream.once("error", (error) => {
    if (socket.writable && !upstream.readableDidRead)
      refuseConnect(socket, 502, `CONNECT ${host}:${port}: ${error.message}`);
    socket.destroy();
  });
}
__name(openPlainTunnel, "openPlainTunnel");
var TunnelFailedError = class extends Error {
  static {
    __name(this, "TunnelFailedError");
  }
};
function relay(socket, upstream, head, onOpen) {
  onOpen();
  socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (head.length > 0) upstream.write(head);
  socket.pipe(upstream);
  upstream.pipe(socket);
  upstream.on("error", () => socket.destroy());
  socket.once("error", () => upstream.destroy());
  socket.once("close", () => upstream.destroy());
  upstream.once("close", () => socket.destroy());
}
__name(relay, "relay");
function handleConnect(ctx, req, socket, head) {
  socket.on("error", () => {
  });
  const target = parseConnectTarget(req.url);
  if (!target) {
    ctx.stats.connects.refused++;
    refuseConnect(
      socket,
      400,
      `CONNECT needs host:port, got ${JSON.stringify(String(req.url).slice(0, 100))}`
    );
    return;
  }
  const host = ctx.hosts.find(target.host, target.port);
  if (host) ctx.stats.connects.intercepted++;
  const work = host ? intercept(ctx, host, socket, head) : tunnel(ctx, target.host, target.port, socket, head);
  work.catch((error) => {
    ctx.stats.connects.refused++;
    const refused = error instanceof TunnelRefusedError;
    ctx.log.warn(`CONNECT ${target.host}:${target.port} refused: ${error.message}`);
    refuseConnect(socket, refused ? 403 : 502, error.message);
  });
}
__name(handleConnect, "handleConnect");

// src/proxy/errors.ts
var NotFoundError = class extends Error {
  static {
    __name(this, "NotFoundError");
  }
};
var BadRequestError = class extends Error {
  static {
    __name(this, "BadRequestError");
  }
};
var IntegrityError = class extends Error {
  static {
    __name(this, "IntegrityError");
  }
};
var FileTooLargeError = class extends IntegrityError {
  static {
    __name(this, "FileTooLargeError");
  }
};

// src/proxy/intercept/path-digest.ts
var PACKAGE_PATH = /^\/packages\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{60})\/([^/]+)$/;
function pathDigestOf(pathname) {
  const match = PACKAGE_PATH.exec(pathname);
  if (!match) return void 0;
  return `${match[1]}${match[2]}${match[3]}`;
}
__name(pathDigestOf, "pathDigestOf");
var Blake2b256 = class _Blake2b256 {
  constructor(state) {
    this.state = state;
  }
  state;
  static {
    __name(this, "Blake2b256");
  }
  /** Asynchronous: each hasher is a WebAssembly instance (the module is compiled once). */
  static async create() {
    const { createBLAKE2b } = await import("./chunk-KINJ4MST.js");
    return new _Blake2b256(await createBLAKE2b(256));
  }
  update(chunk) {
    this.state.update(chunk);
    return this;
  }
  hex() {
    return this.state.digest("hex");
  }
};

// src/proxy/http/routes.ts
var MAX_TARGET_LENGTH = 4096;
var NO_HASH = "nohash";
function splitTarget(target) {
  if (target.length > MAX_TARGET_LENGTH) throw new BadRequestError("request target too long");
  if (!target.startsWith("/")) throw new BadRequestError("request target must be a path");
  const path = target.split(/[?#]/, 1)[0] ?? "/";
  return path.slice(1).split("/").map((raw) => {
    let segment = raw;
    try {
      if (raw.includes("%")) segment = decodeURIComponent(raw);
    } catch {
      throw new BadRequestError("malformed percent-encoding");
    }
    if (segment === "." || segment === ".." || /[/\\\0]/.test(segment)) {
      throw new BadRequestError("path segment not allowed");
    }
    return segment;
  });
}
__name(splitTarget, "splitTarget");
function simplePrefix(upstream, defaultUpstream) {
  return upstream === defaultUpstream ? "/simple/" : `/${upstream}/simple/`;
}
__name(simplePrefix, "simplePrefix");
function fileHref(upstream, project, hash, filename) {
  return `/files/${upstream}/${project}/${hash ?? NO_HASH}/${encodeURIComponent(filename)}`;
}
__name(fileHref, "fileHref");
function simpleRoute(segments, upstream, prefix) {
  const [project, ...rest] = segments;
  if (project === void 0) return { kind: "redirect", location: prefix };
  if (project === "" && rest.length === 0) return { kind: "project-list", upstream, prefix };
  if (!isValidProjectName(project) || rest.length > 1 || rest.length === 1 && rest[0] !== "") {
    throw new NotFoundError("no such page");
  }
  if (!isNormalizedProjectName(project) || rest.length === 0) {
    return { kind: "redirect", location: `${prefix}${normalizeProjectName(project)}/` };
  }
  return { kind: "project", upstream, project };
}
__name(simpleRoute, "simpleRoute");
function fileRoute(segments, upstreams) {
  const [upstream, project, hash, name, ...rest] = segments;
  if (upstream === void 0 || project === void 0 || hash === void 0 || name === void 0) {
    throw new NotFoundError("no such file");
  }
  if (rest.length > 0 || !upstreams.has(upstream) || !isNormalizedProjectName(project)) {
    throw new NotFoundError("no such file");
  }
  if (hash !== NO_HASH && !isSha256Hex(hash)) throw new NotFoundError("no such file");
  if (!isValidFileName(name)) throw new NotFoundError("no such file");
  const metadata = name.endsWith(".metadata");
  const filename = metadata ? name.slice(0, -".metadata".length) : name;
  if (!isValidFileName(filename)) throw new NotFoundError("no such file");
  return { kind: "file", upstream, project, hash, filename, metadata };
}
__name(fileRoute, "fileRoute");
var RouteTable = class {
  static {
    __name(this, "RouteTable");
  }
  names;
  defaultUpstream;
  constructor(upstreams) {
    this.names = new Set(upstreams);
    this.defaultUpstream = upstreams[0] ?? "";
  }
  /** Maps a request target to a route; throws NotFoundError or BadRequestError. */
  match(target) {
    const segments = splitTarget(target);
    const [first, second, ...rest] = segments;
    if (segments.length === 1 && first === "") return { kind: "home" };
    if (first === "-" && rest.length === 0 && second === "health") return { kind: "health" };
    if (first === "-" && rest.length === 0 && second === "stats") return { kind: "stats" };
    if (first === "-" && rest.length === 0 && second === "manifest") return { kind: "manifest" };
    if (first === "simple") return simpleRoute(segments.slice(1), this.defaultUpstream, "/simple/");
    if (first === "files") return fileRoute(segments.slice(1), this.names);
    if (first !== void 0 && first !== this.defaultUpstream && this.names.has(first) && second === "simple") {
      return simpleRoute(segments.slice(2), first, `/${first}/simple/`);
    }
    throw new NotFoundError("no such route");
  }
};

// src/proxy/files/file-service.ts
var FileService = class {
  constructor(store, pages, downloads, manifest, storedFiles) {
    this.store = store;
    this.pages = pages;
    this.downloads = downloads;
    this.manifest = manifest;
    this.storedFiles = storedFiles;
  }
  store;
  pages;
  downloads;
  manifest;
  storedFiles;
  static {
    __name(this, "FileService");
  }
  get memory() {
    return this.storedFiles.memory;
  }
  async resolve(upstream, route) {
    if (route.hash !== NO_HASH && !route.metadata) {
      const stored = await this.stored(route.hash);
      if (stored) return stored;
    }
    const routeKey = route.metadata && route.hash !== NO_HASH ? `${upstream.name}/${route.project}/${route.hash}/${route.filename}` : void 0;
    const known = routeKey && this.memory.route(routeKey);
    if (known) {
      const stored = await this.stored(known);
      if (stored) return stored;
    }
    const { value: page } = await this.pages.project(upstream, route.project);
    const origin = originOf(
      page.files.find((file) => file.filename === route.filename),
      route
    );
    if (origin.expectedSha256) {
      const stored = await this.stored(origin.expectedSha256);
      if (routeKey) this.memory.rememberRoute(routeKey, origin.expectedSha256);
      if (stored) return stored;
    } else {
      const named = await this.store.readName(upstream.name, route.project, origin.recordName);
      const stored = named && await this.stored(named);
      if (stored) {
        this.manifest.name(upstream.name, route.project, origin.recordName);
        return stored;
      }
    }
    return this.download(upstream, route, origin);
  }
  download(upstream, route, origin) {
    const download = this.downloads.get({
      key: origin.expectedSha256 ?? `name:${upstream.name}/${route.project}/${origin.recordName}`,
      upstream,
      url: origin.url,
      expectedSha256: origin.expectedSha256,
      expectedSize: origin.expectedSize,
      onCommitted: /* @__PURE__ */ __name(async (sha256) => {
        this.manifest.file(sha256);
        if (origin.expectedSha256) return;
        await this.store.writeName(upstream.name, route.project, origin.recordName, sha256);
        this.manifest.name(upstream.name, route.project, origin.recordName);
      }, "onCommitted")
    });
    return { kind: "download", download, expectedSha256: origin.expectedSha256 };
  }
  stored(sha256) {
    return this.storedFiles.find(sha256);
  }
};
function indexSha256(file) {
  const sha256 = file.hashes.sha256;
  return sha256 !== void 0 && isSha256Hex(sha256) ? sha256 : void 0;
}
__name(indexSha256, "indexSha256");
function originOf(file, route) {
  if (!file || (indexSha256(file) ?? NO_HASH) !== route.hash)
    throw new NotFoundError("no such file on the page");
  if (file.url === "")
    throw new NotFoundError(
      `the store holds no URL for ${file.filename}; it comes back with the page from upstream`
    );
  if (!route.metadata) {
    return {
      url: file.url,
      expectedSha256: indexSha256(file),
      expectedSize: file.size,
      recordName: file.filename
    };
  }
  if (file.coreMetadata === void 0) throw new NotFoundError("the index offers no metadata for this file");
  return {
    url: `${file.url}.metadata`,
    expectedSha256: file.coreMetadata !== true && isSha256Hex(file.coreMetadata.sha256 ?? "") ? file.coreMetadata.sha256 : void 0,
    recordName: `${file.filename}.metadata`
  };
}
__name(originOf, "originOf");

// src/proxy/files/file-responses.ts
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";

// src/proxy/http/byte-ranges.ts
function decideRange(rangeHeader, ifRange, etag, size) {
  if (!rangeHeader) return { kind: "full" };
  if (ifRange !== void 0 && ifRange.trim() !== etag) return { kind: "full" };
  const spec = parseRangeSpec(rangeHeader);
  if (!spec) return { kind: "full" };
  const { first, last } = spec;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: "unsatisfiable" };
  return { kind: "partial", range: { start, end } };
}
__name(decideRange, "decideRange");
var DIGITS = /^\d*$/;
function parseRangeSpec(header) {
  const equals = header.indexOf("=");
  if (equals < 0 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return void 0;
  const set = header.slice(equals + 1);
  const dash = set.indexOf("-");
  if (dash < 0) return void 0;
  const first = set.slice(0, dash).trim();
  const last = set.slice(dash + 1).trim();
  if (!DIGITS.test(first) || !DIGITS.test(last) || first === "" && last === "") return void 0;
  return { first, last };
}
__name(parseRangeSpec, "parseRangeSpec");

// src/proxy/files/file-responses.ts
var IMMUTABLE = "public, max-age=31536000, immutable";
var VERIFY_FIRST_MAX_BYTES = 8 * 1024 * 1024;
function fileHeaders(etag) {
  const headers = {
    "content-type": "application/octet-stream",
    "accept-ranges": "bytes",
    "cache-control": IMMUTABLE
  };
  if (etag) headers.etag = etag;
  return headers;
}
__name(fileHeaders, "fileHeaders");
function etagFor(sha256) {
  return `"${sha256}"`;
}
__name(etagFor, "etagFor");
function matchesIfNoneMatch(header, etag) {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const value = candidate.trim().replace(/^W\//, "");
    return value === "*" || value === etag;
  });
}
__name(matchesIfNoneMatch, "matchesIfNoneMatch");
async function sendStoredFile(req, res, file) {
  const etag = etagFor(file.sha256);
  const headers = fileHeaders(etag);
  if (matchesIfNoneMatch(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers).end();
    return;
  }
  const ifRange = req.headers["if-range"];
  const decision = decideRange(
    req.headers.range,
    typeof ifRange === "string" ? ifRange : void 0,
    etag,
    file.size
  );
  if (decision.kind === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${file.size}` }).end();
    return;
  }
  const { start, end } = decision.kind === "partial" ? decision.range : { start: 0, end: file.size - 1 };
  const length = end - start + 1;
  if (decision.kind === "partial") headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
  res.writeHead(decision.kind === "partial" ? 206 : 200, {
    ...headers,
    "content-length": Math.max(0, length)
  });
  if (req.method === "HEAD" || length <= 0) {
    res.end();
    return;
  }
  if (file.bytes) {
    res.end(file.bytes.subarray(start, end + 1));
    return;
  }
  activeStoreReads++;
  try {
    await pipeline(createReadStream(file.path, { start, end, highWaterMark: readChunkBytes() }), res);
  } finally {
    activeStoreReads--;
  }
}
__name(sendStoredFile, "sendStoredFile");
var READ_BUDGET_BYTES = 2 * 1024 * 1024;
var MAX_READ_CHUNK_BYTES = 1024 * 1024;
var MIN_READ_CHUNK_BYTES = 64 * 1024;
var activeStoreReads = 0;
function readChunkBytes() {
  const share = Math.floor(READ_BUDGET_BYTES / Math.max(1, activeStoreReads));
  return Math.min(MAX_READ_CHUNK_BYTES, Math.max(MIN_READ_CHUNK_BYTES, share));
}
__name(readChunkBytes, "readChunkBytes");
async function sendDownloading(res, download, etag, own = false) {
  const reader = download.openReader();
  if (!reader) {
    if (own) throw new IntegrityError("download bytes were dropped before the client could read them");
    await sendOwnDownload(res, download.another(), etag);
    return;
  }
  const headers = fileHeaders(etag);
  if (download.total !== void 0) headers["content-length"] = download.total;
  res.writeHead(200, headers);
  await pipeline(reader, res);
}
__name(sendDownloading, "sendDownloading");
async function sendOwnDownload(res, download, etag) {
  download.hold();
  try {
    await download.started;
    await sendDownloading(res, download, etag, true);
  } finally {
    await download.release();
  }
}
__name(sendOwnDownload, "sendOwnDownload");
async function sendFile(req, res, file) {
  if (file.kind === "stored") {
    await sendStoredFile(req, res, file);
    return "store";
  }
  const { download } = file;
  download.hold();
  try {
    await download.started;
    const small = download.total !== void 0 && download.total <= VERIFY_FIRST_MAX_BYTES;
    const waitForCommit = small || req.method === "HEAD" || req.headers.range !== void 0;
    if (!waitForCommit) {
      await sendDownloading(res, download, file.expectedSha256 && etagFor(file.expectedSha256));
      return "upstream";
    }
    const sha256 = await download.done;
    if (download.committedPath) {
      await sendStoredFile(req, res, { sha256, path: download.committedPath, size: download.written });
    } else {
      await sendVerifiedUnstored(req, res, download, etagFor(sha256));
    }
    return "upstream";
  } finally {
    await download.release();
  }
}
__name(sendFile, "sendFile");
async function sendVerifiedUnstored(req, res, download, etag) {
  if (req.method === "HEAD") {
    res.writeHead(200, { ...fileHeaders(etag), "content-length": download.written }).end();
    return;
  }
  const reader = download.openReader();
  if (!reader) {
    await sendOwnDownload(res, download.another(), etag);
    return;
  }
  res.writeHead(200, { ...fileHeaders(etag), "content-length": download.written });
  await pipeline(reader, res);
}
__name(sendVerifiedUnstored, "sendVerifiedUnstored");

// src/proxy/http/body-counter.ts
function countBodyBytes(res) {
  let bytes = 0;
  const count = /* @__PURE__ */ __name((chunk) => {
    if (typeof chunk === "string") bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  }, "count");
  const write = res.write;
  const end = res.end;
  res.write = function(...args) {
    count(args[0]);
    return Reflect.apply(write, this, args);
  };
  res.end = function(...args) {
    if (typeof args[0] !== "function") count(args[0]);
    return Reflect.apply(end, this, args);
  };
  return () => bytes;
}
__name(countBodyBytes, "countBodyBytes");

// src/proxy/http/negotiation.ts
var CONTENT_TYPES = {
  json: "application/vnd.pypi.simple.v1+json",
  "html-v1": "application/vnd.pypi.simple.v1+html",
  html: "text/html; charset=utf-8"
};
var FORMAT_TYPES = {
  json: ["application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json"],
  "html-v1": ["application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html"],
  html: ["text/html"]
};
function parseAccept(header) {
  const ranges = [];
  header.split(",").forEach((part, order) => {
    const [mediaType = "", ...params] = part.split(";").map((piece) => piece.trim());
    const [type, subtype] = mediaType.toLowerCase().split("/");
    if (!type || !subtype) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((piece) => piece.trim());
      if (key?.toLowerCase() === "q" && value !== void 0) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q, order });
  });
  return ranges;
}
__name(parseAccept, "parseAccept");
function bestMatch(mediaType, ranges) {
  const [type, subtype] = mediaType.split("/");
  let best;
  for (const range of ranges) {
    let specificity = -1;
    if (range.type === type && range.subtype === subtype) specificity = 2;
    else if (range.type === type && range.subtype === "*") specificity = 1;
    else if (range.type === "*" && range.subtype === "*") specificity = 0;
    if (specificity < 0 || best && best.specificity >= specificity) continue;
    best = { q: range.q, specificity, order: range.order };
  }
  return best;
}
__name(bestMatch, "bestMatch");
function formatMatch(format, ranges) {
  let best;
  for (const mediaType of FORMAT_TYPES[format]) {
    const match = bestMatch(mediaType, ranges);
    if (match && match.q > 0 && (!best || isBetter(match, best))) best = match;
  }
  return best;
}
__name(formatMatch, "formatMatch");
function isBetter(a, b) {
  if (a.q !== b.q) return a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  return a.order < b.order;
}
__name(isBetter, "isBetter");
function negotiatePageFormat(accept) {
  const key = accept ?? "";
  let format = recentChoices.get(key);
  if (format === void 0) {
    format = choose(key);
    if (recentChoices.size >= MAX_REMEMBERED_HEADERS) recentChoices.clear();
    recentChoices.set(key, format);
  }
  return format;
}
__name(negotiatePageFormat, "negotiatePageFormat");
var MAX_REMEMBERED_HEADERS = 64;
var recentChoices = /* @__PURE__ */ new Map();
function choose(accept) {
  const ranges = parseAccept(accept);
  let chosen = "html";
  let chosenMatch;
  for (const format of ["html", "html-v1", "json"]) {
    const match = formatMatch(format, ranges);
    if (!match) continue;
    if (format !== "html" && match.specificity < 2) continue;
    if (!chosenMatch || isBetter(match, chosenMatch)) {
      chosen = format;
      chosenMatch = match;
    }
  }
  return chosen;
}
__name(choose, "choose");

// src/proxy/http/server.ts
import http2 from "node:http";

// src/proxy/upstream/upstream.ts
import http from "node:http";
import https from "node:https";
import { PassThrough, pipeline as pipeline2 } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

// src/proxy/upstream/body-segments.ts
var FIRST_SEGMENT_BYTES = 64 * 1024;
var MAX_SEGMENT_BYTES = 1024 * 1024;
var BodySegments = class _BodySegments {
  static {
    __name(this, "BodySegments");
  }
  filled = [];
  current;
  used = 0;
  handedOver = false;
  /** Bytes appended so far. */
  length = 0;
  /** A body already in memory (tests, stored bytes), copied in. */
  static of(bytes) {
    const body = new _BodySegments();
    body.append(bytes);
    return body;
  }
  append(chunk) {
    if (this.handedOver) throw new Error("BodySegments: appended to after handing its segments over");
    let from = 0;
    while (from < chunk.length) {
      if (!this.current || this.used === this.current.length) this.nextSegment();
      const segment = this.current;
      const n = Math.min(chunk.length - from, segment.length - this.used);
      segment.set(chunk.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
    }
    this.length += chunk.length;
  }
  /** The whole body as one Buffer; no copy when it fits its first segment (most pages do). */
  whole() {
    const parts = this.segments();
    if (parts.length === 1) {
      const only = parts[0];
      return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    }
    return Buffer.concat(parts, this.length);
  }
  /**
   * The filled part of each segment, for postMessage's transfer list. The body cannot be read
   * here any more once they are transferred: call handOver() with them.
   */
  segments() {
    if (this.handedOver) throw new Error("BodySegments: read after handing its segments over");
    const last = this.current ? [this.current.subarray(0, this.used)] : [];
    return [...this.filled, ...last];
  }
  /** The segments, marked as given away (transferred to another thread). */
  handOver() {
    const parts = this.segments();
    this.handedOver = true;
    return parts;
  }
  nextSegment() {
    if (this.current) this.filled.push(this.current);
    const size = this.current ? Math.min(this.current.length * 2, MAX_SEGMENT_BYTES) : FIRST_SEGMENT_BYTES;
    this.current = Buffer.allocUnsafeSlow(size);
    this.used = 0;
  }
};

// src/proxy/upstream/upstream.ts
var UpstreamError = class extends Error {
  constructor(message, retryable, status) {
    super(message);
    this.retryable = retryable;
    this.status = status;
  }
  retryable;
  status;
  static {
    __name(this, "UpstreamError");
  }
};
var UpstreamDeadlineError = class extends UpstreamError {
  static {
    __name(this, "UpstreamDeadlineError");
  }
  constructor(message) {
    super(message, true);
  }
};
var RETRYABLE_STATUS = /* @__PURE__ */ __name((status) => status === 429 || status >= 500, "RETRYABLE_STATUS");
var REDIRECT_STATUS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}
__name(sleep, "sleep");
function sleepUnlessAborted(ms, signal) {
  if (!signal) return sleep(ms);
  return new Promise((done, fail) => {
    const onAbort = /* @__PURE__ */ __name(() => {
      clearTimeout(timer);
      fail(signal.reason);
    }, "onAbort");
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      done();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
__name(sleepUnlessAborted, "sleepUnlessAborted");
function contentEncoding(headers) {
  return String(headers["content-encoding"] ?? "").toLowerCase().trim() || "identity";
}
__name(contentEncoding, "contentEncoding");
function decodedBody(response, decode) {
  const encoding = decode ? contentEncoding(response.headers) : "identity";
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : encoding === "br" ? createBrotliDecompress() : new PassThrough();
  pipeline2(response, decoder, () => {
  });
  return decoder;
}
__name(decodedBody, "decodedBody");
function announcedLength(response) {
  const encoding = response.headers["content-encoding"];
  const length = Number(response.headers["content-length"]);
  if (encoding && encoding !== "identity" || !Number.isSafeInteger(length) || length < 0) return void 0;
  return length;
}
__name(announcedLength, "announcedLength");
var UpstreamClient = class {
  constructor(options = {}) {
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? 3e4;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 250;
    this.maxRedirects = options.maxRedirects ?? 5;
  }
  options;
  static {
    __name(this, "UpstreamClient");
  }
  httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  secureAgents;
  timeoutMs;
  retries;
  backoffMs;
  maxRedirects;
  hostPolicies = /* @__PURE__ */ new WeakMap();
  /**
   * Made for the first https request, not at start-up: with the job's CA files the secure context
   * parses theirs, which a daemon whose upstreams are plain http, or a job served from the store,
   * never needs.
   */
  httpsAgents() {
    if (!this.secureAgents) {
      const secureContext = trustingContext(this.options.extraCa ?? []);
      const agentOptions = {
        keepAlive: true,
        maxSockets: 32,
        // One secure context for every connection: CA files are otherwise parsed per connection.
        ...secureContext ? { secureContext } : {}
      };
      const proxy = this.options.outboundProxy;
      this.secureAgents = {
        direct: new https.Agent(agentOptions),
        chained: proxy ? new ChainedHttpsAgent(proxy, agentOptions) : void 0
      };
    }
    return this.secureAgents;
  }
  /** The agent for a request to `target` for `logical` (they differ under the test mapping). */
  agentFor(logical, target) {
    if (target.protocol !== "https:") return this.httpAgent;
    const { direct, chained } = this.httpsAgents();
    const port = Number(logical.port || 443);
    return chained && this.options.outboundProxy?.serves(logical.hostname, port) ? chained : direct;
  }
  /** Exponential backoff with jitter, so clients of a struggling upstream do not retry in step. */
  backoffDelay(tries) {
    return this.backoffMs * 2 ** tries * (0.75 + Math.random() / 2);
  }
  /**
   * Runs `attempt` until it succeeds, fails for good, or the retries are used up. Once `signal`
   * aborts, no further attempt starts and its reason is the error.
   */
  async withRetries(label, attempt, signal) {
    for (let tries = 0; ; tries++) {
      signal?.throwIfAborted();
      try {
        return await attempt();
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const retryable = !(error instanceof UpstreamError) || error.retryable;
        if (!retryable || tries >= this.retries) throw error;
        const delay = this.backoffDelay(tries);
        const reason = error instanceof UpstreamError ? error.message : `${label}: ${error.message}`;
        this.options.onRetry?.(`${reason}; retrying in ${Math.round(delay)} ms`);
        await sleepUnlessAborted(delay, signal);
      }
    }
  }
  /** Where pages of this upstream may send the proxy (file-hosts.ts). */
  fileHosts(upstream) {
    let policy = this.hostPolicies.get(upstream);
    if (!policy) {
      policy = new FileHostPolicy(upstream.indexUrl, this.options.allowFileHosts, this.options.hostLookup);
      this.hostPolicies.set(upstream, policy);
    }
    return policy;
  }
  /** One request with redirects and retries; a 429/5xx answer counts as a failed attempt. */
  request(url, options) {
    return this.withRetries(redactUrl(url, options.upstream.indexUrl), async () => {
      const response = await this.requestOnce(url, options);
      if (RETRYABLE_STATUS(response.status)) {
        response.body.destroy();
        throw new UpstreamError(
          `${redactUrl(response.url, options.upstream.indexUrl)} answered ${response.status}`,
          true,
          response.status
        );
      }
      return response;
    });
  }
  /** A single attempt, following redirects. */
  async requestOnce(url, options) {
    let current = url;
    for (let hop = 0; ; hop++) {
      const refused = this.fileHosts(options.upstream).refusal(current);
      if (refused) {
        throw new UpstreamError(
          `${redactUrl(url, options.upstream.indexUrl)}: ${hop > 0 ? "redirected to" : "links to"} ${new URL(current).host}, refused: ${refused}`,
          false
        );
      }
      const response = await this.send(current, options);
      const location = response.headers.location;
      if (!REDIRECT_STATUS.has(response.statusCode ?? 0) || !location) {
        return {
          status: response.statusCode ?? 0,
          headers: response.headers,
          url: current,
          body: decodedBody(response, options.decode ?? true),
          contentLength: announcedLength(response)
        };
      }
      response.resume();
      if (hop >= this.maxRedirects)
        throw new UpstreamError(
          `too many redirects from ${redactUrl(url, options.upstream.indexUrl)}`,
          false
        );
      current = new URL(location, current).toString();
      if (!/^https?:$/.test(new URL(current).protocol)) {
        throw new UpstreamError(
          `redirect to an unsupported scheme from ${redactUrl(url, options.upstream.indexUrl)}`,
          false
        );
      }
    }
  }
  send(url, options) {
    const logical = new URL(url);
    const headers = { "user-agent": "pypi-cache-proxy", ...options.headers };
    if (options.upstream.authorization && logical.origin === new URL(options.upstream.indexUrl).origin) {
      headers.authorization = options.upstream.authorization;
    }
    let target;
    try {
      target = this.options.mapUrl ? this.options.mapUrl(logical) : logical;
    } catch (error) {
      return Promise.reject(new UpstreamError(`${redactUrl(url)}: ${error.message}`, false));
    }
    const secure = target.protocol === "https:";
    const request = (secure ? https : http).request;
    const agent = this.agentFor(logical, target);
    return new Promise((resolve, reject) => {
      const req = request(target, {
        method: options.method ?? "GET",
        // The certificate is checked against the logical host (a TLS stand-in plays it in tests).
        ...secure && target.hostname !== logical.hostname ? { servername: logical.hostname } : {},
        headers: target.host !== logical.host ? { host: logical.host, ...headers } : headers,
        agent,
        // Host names are checked once resolved, before any socket connects (a name that points
        // at 169.254.169.254 is refused like the literal). Mapped test targets are literals.
        // Through the job's proxy too, where this machine can resolve the name (outbound-proxy.ts).
        ...target === logical ? { lookup: this.fileHosts(options.upstream).lookup } : {},
        signal: options.signal
      });
      req.setTimeout(this.timeoutMs, () => {
        req.destroy(
          new UpstreamError(
            `${redactUrl(url, options.upstream.indexUrl)}: no data for ${this.timeoutMs} ms`,
            true
          )
        );
      });
      req.once("response", resolve);
      req.once("error", (error) => {
        reject(
          options.signal?.aborted ? options.signal.reason : error instanceof UpstreamError ? error : new UpstreamError(
            `${redactUrl(url, options.upstream.indexUrl)}: ${error.message}`,
            // A refused address stays refused, and so does the job proxy's 4xx to CONNECT
            // (407: credentials refused; 403: its rules), and a certificate the job does not
            // trust: no retry.
            !(error instanceof FileHostError) && !(error instanceof OutboundProxyError && (error.status ?? 500) < 500) && !isCertificateRejection(error)
          )
        );
      });
      req.end();
    });
  }
  close() {
    this.httpAgent.destroy();
    this.secureAgents?.direct.destroy();
    this.secureAgents?.chained?.destroy();
  }
};
var BodyTooLargeError = class extends UpstreamError {
  constructor(maxBytes) {
    super(`upstream body larger than ${maxBytes} bytes`, false);
    this.maxBytes = maxBytes;
  }
  maxBytes;
  static {
    __name(this, "BodyTooLargeError");
  }
};
async function readBody(body, maxBytes) {
  const segments = new BodySegments();
  for await (const chunk of body) {
    if (segments.length + chunk.length > maxBytes) {
      body.destroy();
      throw new BodyTooLargeError(maxBytes);
    }
    segments.append(chunk);
  }
  return segments;
}
__name(readBody, "readBody");

// src/proxy/http/home-page.ts
function lines(upstreams) {
  const first = upstreams[0]?.name ?? "";
  return [
    ...upstreams.map(({ name }) => ({
      path: simplePrefix(name, first),
      what: `the index of upstream ${name}: point pip or uv here`
    })),
    { path: "/files/...", what: "the files those pages link to" },
    { path: "/-/stats", what: "counters: requests, from the store, from upstream", link: true },
    { path: "/-/health", what: "liveness, for scripts" },
    { path: "/-/manifest", what: "what this run used (saved with the store)" }
  ];
}
__name(lines, "lines");
function homePage(upstreams, accept) {
  const routes = lines(upstreams);
  const wantsHtml = accept === void 0 || /text\/html|\*\/\*/.test(accept);
  if (!wantsHtml) {
    const text = routes.map((r) => `${r.path.padEnd(14)} ${r.what}`).join("\n");
    return {
      type: "text/plain; charset=utf-8",
      body: `pypi-cache-proxy: a caching proxy for the Python simple repository API (PEP 503/691).
${text}
`
    };
  }
  const items = routes.map((r) => {
    const path = r.link ? `<a href="${escapeHtml(r.path)}">${escapeHtml(r.path)}</a>` : escapeHtml(r.path);
    return `<li><code>${path}</code>: ${escapeHtml(r.what)}</li>`;
  }).join("\n");
  return {
    type: "text/html; charset=utf-8",
    body: `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>pypi-cache-proxy</title></head>
<body><h1>pypi-cache-proxy</h1>
<p>A caching proxy for the Python simple repository API (PEP 503/691), from pypi-cache-action.</p>
<ul>
${items}
</ul></body></html>
`
  };
}
__name(homePage, "homePage");

// src/proxy/http/server.ts
function statusFor(error) {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof BadRequestError) return 400;
  if (error instanceof UpstreamDeadlineError) return 504;
  if (error instanceof UpstreamError && error.status === void 0 && /no data for/.test(error.message))
    return 504;
  if (error instanceof UpstreamError || error instanceof IntegrityError) return 502;
  return 500;
}
__name(statusFor, "statusFor");
function answerFailure(ctx, res, error, request) {
  const status = statusFor(error);
  const clientLeft = error.code === "ERR_STREAM_PREMATURE_CLOSE";
  if (status === 404) ctx.stats.notFound++;
  if (!clientLeft && (status >= 500 || res.headersSent)) {
    ctx.stats.errors++;
    ctx.log.warn(`${request}: ${error.message}`);
  }
  if (res.headersSent) res.destroy();
  else sendText(res, status, status === 404 ? "not found" : ctx.log.mask(error.message));
}
__name(answerFailure, "answerFailure");
function sendText(res, status, text, headers = {}) {
  const body = Buffer.from(`${text}
`);
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": body.length,
    "cache-control": "no-store",
    ...headers
  });
  res.end(res.req.method === "HEAD" ? void 0 : body);
}
__name(sendText, "sendText");
function sendJson(res, value) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": body.length,
    "cache-control": "no-store"
  });
  res.end(res.req.method === "HEAD" ? void 0 : body);
}
__name(sendJson, "sendJson");
function upstreamNamed(ctx, name) {
  const upstream = ctx.upstreams.find((candidate) => candidate.name === name);
  if (!upstream) throw new NotFoundError(`no upstream ${name}`);
  return upstream;
}
__name(upstreamNamed, "upstreamNamed");
async function answer(ctx, route, req, res) {
  switch (route.kind) {
    case "home": {
      const page = homePage(ctx.upstreams, req.headers.accept);
      const body = Buffer.from(page.body);
      res.writeHead(200, {
        "content-type": page.type,
        "content-length": body.length,
        "cache-control": "no-store",
        vary: "Accept"
      });
      res.end(req.method === "HEAD" ? void 0 : body);
      return "proxy";
    }
    case "health":
      sendJson(res, { status: "ok" });
      return "proxy";
    case "stats":
      sendJson(res, ctx.stats.snapshot());
      return "proxy";
    case "manifest":
      sendJson(res, ctx.manifest());
      return "proxy";
    case "redirect":
      sendText(res, 301, `moved to ${route.location}`, { location: route.location });
      return "proxy";
    case "project-list": {
      ctx.stats.pageRequests++;
      const { value: list, source } = await ctx.pages.projectList(upstreamNamed(ctx, route.upstream));
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(
        `${route.upstream}/`,
        format,
        list,
        () => format === "json" ? renderJsonProjectList(list) : renderHtmlProjectList(list, route.prefix, normalizeProjectName)
      );
      await ctx.renderer.send(req, res, rendered, format);
      return source;
    }
    case "project": {
      ctx.stats.pageRequests++;
      const { value: page, source } = await ctx.pages.project(
        upstreamNamed(ctx, route.upstream),
        route.project
      );
      const format = negotiatePageFormat(req.headers.accept);
      const href = /* @__PURE__ */ __name((file) => file.direct ? file.url : fileHref(route.upstream, route.project, indexSha256(file), file.filename), "href");
      const rendered = ctx.renderer.get(
        `${route.upstream}/${route.project}`,
        format,
        page,
        () => format === "json" ? renderJsonPage(page, href) : renderHtmlPage(page, href)
      );
      await ctx.renderer.send(req, res, rendered, format);
      return source;
    }
    case "file": {
      ctx.stats.fileRequests++;
      const resolved = await ctx.files.resolve(upstreamNamed(ctx, route.upstream), route);
      return sendFile(req, res, resolved);
    }
  }
}
__name(answer, "answer");
function hasBody(req) {
  return req.headers["transfer-encoding"] !== void 0 || Number(req.headers["content-length"] ?? 0) > 0;
}
__name(hasBody, "hasBody");
async function handle(ctx, routes, req, res) {
  const started = Date.now();
  const bodyBytes = countBodyBytes(res);
  if (!req.url?.startsWith("/-/")) ctx.stats.requests++;
  let source = "proxy";
  try {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "only GET and HEAD", { allow: "GET, HEAD" });
    } else if (hasBody(req)) {
      sendText(res, 413, "requests carry no body here", { connection: "close" });
    } else {
      source = await answer(ctx, routes.match(req.url ?? "/"), req, res);
      if (source === "store" || source === "memory") {
        ctx.stats.servedFromStore++;
        ctx.stats.storeBytes += bodyBytes();
      }
    }
  } catch (error) {
    answerFailure(ctx, res, error, `${req.method} ${req.url?.slice(0, 200)}`);
  } finally {
    ctx.log.access({
      method: req.method ?? "",
      path: (req.url ?? "").slice(0, 300),
      status: res.statusCode,
      bytes: bodyBytes(),
      ms: Date.now() - started,
      source
    });
  }
}
__name(handle, "handle");
function createProxyServer(ctx) {
  const routes = new RouteTable(ctx.upstreams.map((upstream) => upstream.name));
  const server = http2.createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 12e4, headersTimeout: 3e4 },
    (req, res) => {
      handle(ctx, routes, req, res).catch((error) => {
        ctx.log.warn(`unexpected: ${error.message}`);
        res.destroy();
      });
    }
  );
  return server;
}
__name(createProxyServer, "createProxyServer");

// src/proxy/intercept/intercepted-host-names.ts
var InterceptConfigError = class extends Error {
  static {
    __name(this, "InterceptConfigError");
  }
};
var HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
function checkedHostName(host) {
  const lower = host.trim().toLowerCase().replace(/\.$/, "");
  if (!HOST_NAME.test(lower) || /^[0-9.]+$/.test(lower)) {
    throw new InterceptConfigError(
      `intercepted host ${JSON.stringify(host)}: not a DNS host name (like files.example.org; IP addresses are not accepted)`
    );
  }
  return lower;
}
__name(checkedHostName, "checkedHostName");

// src/proxy/intercept/locked-hashes.ts
import { readFile } from "node:fs/promises";
function lockedUrlKey(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return void 0;
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    return void 0;
  }
}
__name(lockedUrlKey, "lockedUrlKey");
function parseLockedHashes(text, origin) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin}: not JSON (${error.message})`);
  }
  const files = parsed?.files;
  if (typeof files !== "object" || files === null || Array.isArray(files)) {
    throw new Error(`${origin}: expected {"files": {"<url>": "<sha256>"}}`);
  }
  const hashes = /* @__PURE__ */ new Map();
  for (const [url, sha256] of Object.entries(files)) {
    const key = lockedUrlKey(url);
    if (key && typeof sha256 === "string" && isSha256Hex(sha256.toLowerCase()))
      hashes.set(key, sha256.toLowerCase());
  }
  return hashes;
}
__name(parseLockedHashes, "parseLockedHashes");
async function readLockedHashesFile(path) {
  return parseLockedHashes(await readFile(path, "utf8"), `--locked-hashes ${path}`);
}
__name(readLockedHashesFile, "readLockedHashesFile");

export {
  NotFoundError,
  BadRequestError,
  IntegrityError,
  FileTooLargeError,
  pathDigestOf,
  Blake2b256,
  UpstreamError,
  UpstreamDeadlineError,
  sleep,
  contentEncoding,
  UpstreamClient,
  BodyTooLargeError,
  readBody,
  splitTarget,
  simpleRoute,
  FileService,
  indexSha256,
  sendFile,
  countBodyBytes,
  CONTENT_TYPES,
  negotiatePageFormat,
  answerFailure,
  sendText,
  createProxyServer,
  OriginMap,
  InterceptConfigError,
  checkedHostName,
  lockedUrlKey,
  readLockedHashesFile,
  TunnelRefusedError,
  parseConnectTarget,
  refuseConnect,
  openPlainTunnel,
  handleConnect
};
