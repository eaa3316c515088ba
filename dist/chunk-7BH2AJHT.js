import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  PYPI_FILES_HOST,
  PYPI_PAGES_HOST
} from "./chunk-M6CONMEC.js";
import {
  BadRequestError,
  IntegrityError,
  InterceptConfigError,
  NotFoundError,
  answerFailure,
  checkedHostName,
  countBodyBytes,
  handleConnect,
  indexSha256,
  lockedUrlKey,
  negotiatePageFormat,
  pathDigestOf,
  sendFile,
  sendText,
  simpleRoute,
  splitTarget
} from "./chunk-N65JQTLL.js";
import {
  isNormalizedProjectName,
  isSha256Hex,
  isValidFileName,
  normalizeProjectName
} from "./chunk-K6M7SHUM.js";
import {
  renderHtmlPage,
  renderHtmlProjectList,
  renderJsonPage,
  renderJsonProjectList
} from "./chunk-HKO227F4.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/proxy/intercept/intercept-hosts.ts
var PYPI_INDEX_URL = "https://pypi.org/simple/";
function hostKey(host, port) {
  return `${host.toLowerCase()}:${port}`;
}
__name(hostKey, "hostKey");
var InterceptHosts = class {
  static {
    __name(this, "InterceptHosts");
  }
  byKey = /* @__PURE__ */ new Map();
  /**
   * `mirrors`: names of configured upstreams to intercept too. Public PyPI's files are
   * checked against the upstream that indexes pypi.org, or an internal one when none does.
   */
  constructor(upstreams, mirrors = []) {
    const pypi = upstreams.find((u) => new URL(u.indexUrl).hostname === PYPI_PAGES_HOST) ?? {
      name: upstreams.some((u) => u.name === "pypi") ? "pypi-org" : "pypi",
      indexUrl: PYPI_INDEX_URL
    };
    this.add({
      host: PYPI_PAGES_HOST,
      port: 443,
      upstream: pypi,
      indexPath: "/simple/",
      pathDigests: false,
      otherPaths: "passthrough"
    });
    this.add({ host: PYPI_FILES_HOST, port: 443, upstream: pypi, pathDigests: true, otherPaths: "file" });
    for (const name of mirrors) {
      const upstream = upstreams.find((u) => u.name === name);
      if (!upstream) {
        throw new InterceptConfigError(
          `--intercept-upstream ${JSON.stringify(name)}: no such upstream (configured: ${upstreams.map((u) => u.name).join(", ")})`
        );
      }
      const url = new URL(upstream.indexUrl);
      if (url.protocol !== "https:") {
        throw new InterceptConfigError(
          `--intercept-upstream ${name}: ${url.protocol} index; only https mirrors are intercepted (plain http needs no interception)`
        );
      }
      const host = checkedHostName(url.hostname);
      if (this.byKey.has(hostKey(host, Number(url.port || 443)))) continue;
      this.add({
        host,
        port: Number(url.port || 443),
        upstream,
        indexPath: url.pathname,
        pathDigests: false,
        otherPaths: "file"
      });
    }
  }
  add(entry) {
    this.byKey.set(hostKey(entry.host, entry.port), entry);
  }
  find(host, port) {
    return this.byKey.get(hostKey(host.replace(/\.$/, ""), port));
  }
  /** The names the job CA may vouch for. */
  get names() {
    return [...new Set([...this.byKey.values()].map((entry) => entry.host))];
  }
  get all() {
    return [...this.byKey.values()];
  }
};

// src/proxy/intercept/intercepted-files.ts
function projectOfFilename(filename) {
  let name;
  if (filename.endsWith(".whl")) name = filename.split("-")[0];
  else {
    const base = filename.replace(/\.(tar\.gz|tar\.bz2|tgz|zip|tar)$/, "");
    if (base === filename) return void 0;
    name = base.slice(0, Math.max(0, base.lastIndexOf("-")));
  }
  const project = normalizeProjectName(name ?? "");
  return isNormalizedProjectName(project) ? project : void 0;
}
__name(projectOfFilename, "projectOfFilename");
function withoutFragment(url) {
  return url.split("#", 1)[0] ?? url;
}
__name(withoutFragment, "withoutFragment");
function sha256OnPage(page, urlKey, metadata) {
  const entry = page?.files.find(
    (file) => lockedUrlKey(metadata ? `${withoutFragment(file.url)}.metadata` : withoutFragment(file.url)) === urlKey
  );
  if (!entry) return void 0;
  if (!metadata) return indexSha256(entry);
  const hashes = entry.coreMetadata;
  return hashes && hashes !== true && isSha256Hex(hashes.sha256 ?? "") ? hashes.sha256 : void 0;
}
__name(sha256OnPage, "sha256OnPage");
var InterceptedFiles = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  static {
    __name(this, "InterceptedFiles");
  }
  async resolve(request) {
    const { upstream, url } = request;
    const recordName = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf("/") + 1));
    const metadata = recordName.endsWith(".metadata");
    const filename = metadata ? recordName.slice(0, -".metadata".length) : recordName;
    const project = isValidFileName(recordName) ? projectOfFilename(filename) : void 0;
    const urlKey = lockedUrlKey(url);
    if (!project || !urlKey) throw new NotFoundError("not a distribution file");
    let verifiedBy = "page";
    let sha256 = sha256OnPage(await this.deps.pages.known(upstream, project), urlKey, metadata);
    if (!sha256) {
      sha256 = this.deps.lockedHashes.get(urlKey);
      verifiedBy = "lockfile";
    }
    const blake2b256 = request.pathDigests && !metadata ? pathDigestOf(url.pathname) : void 0;
    if (!sha256 && !blake2b256) {
      const { value: page } = await this.deps.pages.project(upstream, project);
      sha256 = sha256OnPage(page, urlKey, metadata);
      verifiedBy = "page";
      if (!sha256) {
        throw new IntegrityError(
          `${urlKey}: no sha256 on the ${project} page of ${upstream.name}, none in the lockfile, no digest in the path; not downloaded`
        );
      }
    }
    if (!sha256) verifiedBy = "path-digest";
    const known = sha256 ?? await this.deps.store.readName(upstream.name, project, recordName);
    const stored = known && await this.stored(known);
    if (stored) {
      if (!sha256) this.deps.manifest.name(upstream.name, project, recordName);
      return { resolved: stored, verifiedBy: "store" };
    }
    const source = verifiedBy;
    const download = this.deps.downloads.get({
      key: sha256 ?? `blake2b:${blake2b256}`,
      upstream,
      url: urlKey,
      expectedSha256: sha256,
      // A known sha256 checks every byte by itself; the path's blake2b-256 is checked only when
      // it is all there is (it cost ~7 s of CPU per 247 MB cold pass on top: issue 10).
      expectedBlake2b256: sha256 ? void 0 : blake2b256,
      onCommitted: /* @__PURE__ */ __name(async (committed) => {
        this.deps.manifest.file(committed);
        await this.deps.store.writeName(upstream.name, project, recordName, committed);
        this.deps.manifest.name(upstream.name, project, recordName);
        this.deps.stats.verified[source]++;
      }, "onCommitted")
    });
    return { resolved: { kind: "download", download, expectedSha256: sha256 }, verifiedBy };
  }
  stored(sha256) {
    return this.deps.storedFiles.find(sha256);
  }
};

// src/proxy/intercept/intercepted-requests.ts
import http from "node:http";
import { pipeline } from "node:stream/promises";
function interceptedRoute(host, target) {
  const segments = splitTarget(target);
  if (host.indexPath) {
    const index = host.indexPath.split("/").filter(Boolean);
    if (index.every((segment, i) => segments[i] === segment)) {
      const rest = segments.slice(index.length);
      if (rest.length === 0) return { kind: "redirect", location: host.indexPath };
      const route = simpleRoute(rest, host.upstream.name, host.indexPath);
      if (route.kind === "redirect" || route.kind === "project-list" || route.kind === "project")
        return route;
      throw new NotFoundError("no such page");
    }
  }
  return { kind: host.otherPaths };
}
__name(interceptedRoute, "interceptedRoute");
var fileUrl = /* @__PURE__ */ __name((file) => file.url.split("#", 1)[0] ?? file.url, "fileUrl");
function hostMatches(header, host) {
  if (!header) return false;
  const value = header.toLowerCase().replace(/\.$/, "");
  return value === host.host || value === `${host.host}:${host.port}`;
}
__name(hostMatches, "hostMatches");
var PASSED_REQUEST_HEADERS = ["accept", "range", "if-none-match", "if-modified-since", "user-agent"];
var PASSED_RESPONSE_HEADERS = [
  "content-type",
  "cache-control",
  "etag",
  "last-modified",
  "location",
  "content-range",
  "accept-ranges",
  "vary"
];
async function passThrough(ctx, host, req, res) {
  const headers = {};
  for (const name of PASSED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const response = await ctx.client.requestOnce(`https://${host.host}${req.url}`, {
    upstream: host.upstream,
    method: req.method === "HEAD" ? "HEAD" : "GET",
    headers
  });
  ctx.stats.fetchedUpstream++;
  const out = {};
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = response.headers[name];
    if (value !== void 0) out[name] = value;
  }
  if (response.contentLength !== void 0) out["content-length"] = String(response.contentLength);
  res.writeHead(response.status, out);
  await pipeline(response.body, res);
}
__name(passThrough, "passThrough");
async function answer(ctx, host, req, res) {
  const route = interceptedRoute(host, req.url ?? "/");
  const upstream = host.upstream;
  switch (route.kind) {
    case "redirect":
      sendText(res, 301, `moved to ${route.location}`, { location: route.location });
      return { source: "proxy" };
    case "project-list": {
      ctx.stats.pageRequests++;
      const { value: list, source } = await ctx.pages.projectList(upstream);
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(
        `intercept:${upstream.name}/`,
        format,
        list,
        () => format === "json" ? renderJsonProjectList(list) : renderHtmlProjectList(list, route.prefix, normalizeProjectName)
      );
      await ctx.renderer.send(req, res, rendered, format);
      return { source };
    }
    case "project": {
      ctx.stats.pageRequests++;
      const { value: page, source } = await ctx.pages.project(upstream, route.project);
      const format = negotiatePageFormat(req.headers.accept);
      const rendered = ctx.renderer.get(
        `intercept:${upstream.name}/${route.project}`,
        format,
        page,
        () => format === "json" ? renderJsonPage(page, fileUrl) : renderHtmlPage(page, fileUrl)
      );
      await ctx.renderer.send(req, res, rendered, format);
      return { source };
    }
    case "file": {
      ctx.stats.fileRequests++;
      const url = new URL(req.url ?? "/", `https://${host.host}`);
      const file = await ctx.files.resolve({ upstream, url, pathDigests: host.pathDigests });
      return { source: await sendFile(req, res, file.resolved), verifiedBy: file.verifiedBy };
    }
    case "passthrough":
      await passThrough(ctx, host, req, res);
      return { source: "upstream" };
  }
}
__name(answer, "answer");
async function handle(ctx, host, req, res) {
  const started = Date.now();
  const bodyBytes = countBodyBytes(res);
  ctx.stats.requests++;
  let source = "proxy";
  let verifiedBy;
  try {
    if (!hostMatches(req.headers.host, host)) {
      sendText(res, 421, `this connection is for ${host.host}`, { connection: "close" });
    } else if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "only GET and HEAD", { allow: "GET, HEAD" });
    } else if (!req.url?.startsWith("/")) {
      throw new BadRequestError("request target must be a path");
    } else {
      ({ source, verifiedBy } = await answer(ctx, host, req, res));
      if (source === "store" || source === "memory") {
        ctx.stats.servedFromStore++;
        ctx.stats.storeBytes += bodyBytes();
      }
    }
  } catch (error) {
    answerFailure(ctx, res, error, `${req.method} https://${host.host}${req.url?.slice(0, 200)}`);
  } finally {
    ctx.log.access({
      method: req.method ?? "",
      host: host.host,
      path: (req.url ?? "").slice(0, 300),
      status: res.statusCode,
      bytes: bodyBytes(),
      ms: Date.now() - started,
      source,
      verifiedBy
    });
  }
}
__name(handle, "handle");
function createInterceptedRequestServer(ctx, hostOf) {
  return http.createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 12e4, headersTimeout: 3e4 },
    (req, res) => {
      const host = hostOf(req.socket);
      if (!host) {
        res.destroy();
        return;
      }
      handle(ctx, host, req, res).catch((error) => {
        ctx.log.warn(`unexpected: ${error.message}`);
        res.destroy();
      });
    }
  );
}
__name(createInterceptedRequestServer, "createInterceptedRequestServer");

// src/proxy/intercept/job-ca.ts
import { webcrypto as webcrypto2 } from "node:crypto";

// src/proxy/intercept/x509/certificate.ts
import { createHash, webcrypto } from "node:crypto";
import { isIP } from "node:net";

// src/proxy/intercept/x509/der.ts
var SEQUENCE = 48;
var SET = 49;
function tlv(tag, ...contents) {
  const body = Buffer.concat(contents);
  const length = body.length;
  if (length < 128) return Buffer.concat([Buffer.from([tag, length]), body]);
  const lengthBytes = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 128 | lengthBytes.length, ...lengthBytes]), body]);
}
__name(tlv, "tlv");
var sequence = /* @__PURE__ */ __name((...items) => tlv(SEQUENCE, ...items), "sequence");
var set = /* @__PURE__ */ __name((...items) => tlv(SET, ...items), "set");
var boolean = /* @__PURE__ */ __name((value) => tlv(1, Buffer.from([value ? 255 : 0])), "boolean");
var octetString = /* @__PURE__ */ __name((bytes) => tlv(4, bytes), "octetString");
var utf8String = /* @__PURE__ */ __name((text) => tlv(12, Buffer.from(text, "utf8")), "utf8String");
function unsignedInteger(bytes) {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const digits = Buffer.from(bytes.subarray(start));
  if (digits.length === 0) return tlv(2, Buffer.from([0]));
  return (digits[0] ?? 0) & 128 ? tlv(2, Buffer.from([0]), digits) : tlv(2, digits);
}
__name(unsignedInteger, "unsignedInteger");
function smallInteger(value) {
  if (!Number.isInteger(value) || value < 0 || value > 255)
    throw new RangeError(`${value}: not an integer from 0 to 255`);
  return unsignedInteger(Buffer.from([value]));
}
__name(smallInteger, "smallInteger");
function ia5Name(n, text) {
  if (!/^[\x21-\x7e]+$/.test(text))
    throw new RangeError(`${JSON.stringify(text)}: not a printable ASCII name`);
  return implicitPrimitive(n, Buffer.from(text, "ascii"));
}
__name(ia5Name, "ia5Name");
var bitString = /* @__PURE__ */ __name((bytes) => tlv(3, Buffer.from([0]), bytes), "bitString");
function namedBits(bits) {
  if (bits.length === 0) return tlv(3, Buffer.from([0]));
  if (!bits.every((bit) => Number.isInteger(bit) && bit >= 0))
    throw new RangeError(`${bits}: not bit numbers`);
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | 128 >> (bit & 7);
  return tlv(3, Buffer.from([7 - (highest & 7)]), bytes);
}
__name(namedBits, "namedBits");
function objectIdentifier(dotted) {
  if (!/^[0-2]\.(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/.test(dotted))
    throw new RangeError(`${dotted}: not an object identifier`);
  const arcs = dotted.split(".").map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  if (!arcs.every(Number.isSafeInteger) || first < 2 && second >= 40)
    throw new RangeError(`${dotted}: an arc out of range`);
  const bytes = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128 = [arc & 127];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128))
      base128.unshift(128 | value & 127);
    bytes.push(...base128);
  }
  return tlv(6, Buffer.from(bytes));
}
__name(objectIdentifier, "objectIdentifier");
function time(date) {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999)
    throw new RangeError(`${String(date)}: not a date from year 1 to 9999`);
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  if (year >= 1950 && year < 2050) return tlv(23, Buffer.from(digits.slice(2), "latin1"));
  return tlv(24, Buffer.from(digits, "latin1"));
}
__name(time, "time");
var implicitPrimitive = /* @__PURE__ */ __name((n, contents) => tlv(128 | n, contents), "implicitPrimitive");
var contextConstructed = /* @__PURE__ */ __name((n, ...contents) => tlv(160 | n, ...contents), "contextConstructed");
function sequenceElements(der) {
  const outer = readTlv(der, 0);
  if (outer.tag !== SEQUENCE || outer.end !== der.length) throw new Error("not one DER SEQUENCE");
  const elements = [];
  for (let at = outer.contentStart; at < outer.end; ) {
    const element = readTlv(der, at);
    elements.push(Buffer.from(der.subarray(at, element.end)));
    at = element.end;
  }
  return elements;
}
__name(sequenceElements, "sequenceElements");
function subjectPublicKeyBits(spki) {
  const [, key] = sequenceElements(spki);
  if (!key) throw new Error("SubjectPublicKeyInfo without a key");
  const field = readTlv(key, 0);
  if (field.tag !== 3 || key[field.contentStart] !== 0)
    throw new Error("subjectPublicKey is not a whole-byte BIT STRING");
  return Buffer.from(key.subarray(field.contentStart + 1, field.end));
}
__name(subjectPublicKeyBits, "subjectPublicKeyBits");
function readTlv(der, at) {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === void 0 || first === void 0) throw new Error("DER ends inside a header");
  let length = first;
  let contentStart = at + 2;
  if (first & 128) {
    const count = first & 127;
    if (count === 0 || count > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart + i] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error("DER ends inside a value");
  return { tag, contentStart, end };
}
__name(readTlv, "readTlv");

// src/proxy/intercept/x509/certificate.ts
var ECDSA_WITH_SHA256 = sequence(objectIdentifier("1.2.840.10045.4.3.2"));
var SIGNING = { name: "ECDSA", hash: "SHA-256" };
var ATTRIBUTE_TYPES = { CN: "2.5.4.3", O: "2.5.4.10" };
function distinguishedName(attributes) {
  return sequence(
    ...attributes.map(
      ([type, value]) => set(sequence(objectIdentifier(ATTRIBUTE_TYPES[type]), utf8String(value)))
    )
  );
}
__name(distinguishedName, "distinguishedName");
async function signCertificate(fields, signingKey) {
  const tbs = sequence(
    contextConstructed(0, smallInteger(2)),
    // v3
    unsignedInteger(fields.serial),
    ECDSA_WITH_SHA256,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.publicKey,
    ...fields.extensions.length > 0 ? [contextConstructed(3, sequence(...fields.extensions.map(extension)))] : []
  );
  const signature = Buffer.from(await webcrypto.subtle.sign(SIGNING, signingKey, tbs));
  return sequence(tbs, ECDSA_WITH_SHA256, bitString(ecdsaSignatureValue(signature)));
}
__name(signCertificate, "signCertificate");
function pem(label, der) {
  const base64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----
${base64}${base64.endsWith("\n") ? "" : "\n"}-----END ${label}-----
`;
}
__name(pem, "pem");
var certificatePem = /* @__PURE__ */ __name((der) => pem("CERTIFICATE", der), "certificatePem");
function extension({ oid, critical, value }) {
  return critical ? sequence(objectIdentifier(oid), boolean(true), octetString(value)) : sequence(objectIdentifier(oid), octetString(value));
}
__name(extension, "extension");
function ecdsaSignatureValue(p1363) {
  if (p1363.length === 0 || p1363.length % 2 !== 0) throw new Error("not an r || s signature");
  const half = p1363.length / 2;
  return sequence(unsignedInteger(p1363.subarray(0, half)), unsignedInteger(p1363.subarray(half)));
}
__name(ecdsaSignatureValue, "ecdsaSignatureValue");
function basicConstraints(ca) {
  const value = ca ? sequence(boolean(true), smallInteger(ca.pathLength)) : sequence();
  return { oid: "2.5.29.19", critical: true, value };
}
__name(basicConstraints, "basicConstraints");
var KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };
function keyUsage(usages) {
  return { oid: "2.5.29.15", critical: true, value: namedBits(usages.map((usage) => KEY_USAGE[usage])) };
}
__name(keyUsage, "keyUsage");
function serverAuthOnly() {
  return { oid: "2.5.29.37", critical: false, value: sequence(objectIdentifier("1.3.6.1.5.5.7.3.1")) };
}
__name(serverAuthOnly, "serverAuthOnly");
function subjectAltName(name, type) {
  const general = type === "dns" ? ia5Name(2, name) : implicitPrimitive(7, ipBytes(name));
  return { oid: "2.5.29.17", critical: false, value: sequence(general) };
}
__name(subjectAltName, "subjectAltName");
function keyIdentifier(spki) {
  return createHash("sha1").update(subjectPublicKeyBits(spki)).digest();
}
__name(keyIdentifier, "keyIdentifier");
function subjectKeyIdentifier(spki) {
  return { oid: "2.5.29.14", critical: false, value: octetString(keyIdentifier(spki)) };
}
__name(subjectKeyIdentifier, "subjectKeyIdentifier");
function authorityKeyIdentifier(issuerSpki) {
  return {
    oid: "2.5.29.35",
    critical: false,
    value: sequence(implicitPrimitive(0, keyIdentifier(issuerSpki)))
  };
}
__name(authorityKeyIdentifier, "authorityKeyIdentifier");
function nameConstraints(permittedDnsNames) {
  const subtree = /* @__PURE__ */ __name((name) => sequence(name), "subtree");
  const permitted = permittedDnsNames.map((host) => subtree(ia5Name(2, host)));
  const excluded = [Buffer.alloc(8), Buffer.alloc(32)].map(
    (addressAndMask) => subtree(implicitPrimitive(7, addressAndMask))
  );
  return {
    oid: "2.5.29.30",
    critical: true,
    value: sequence(contextConstructed(0, ...permitted), contextConstructed(1, ...excluded))
  };
}
__name(nameConstraints, "nameConstraints");
function ipBytes(address) {
  const family = isIP(address);
  if (family === 4) return Buffer.from(address.split(".").map(Number));
  if (family === 6) return ipv6Bytes(address);
  throw new Error(`${address}: not an IP address`);
}
__name(ipBytes, "ipBytes");
function ipv6Bytes(address) {
  if (address.includes(".") || address.includes("%"))
    throw new Error(`${address}: an IPv6 address with an IPv4 tail or a zone is not supported`);
  const [head = "", tail] = address.split("::");
  const groups = /* @__PURE__ */ __name((part) => part === "" ? [] : part.split(":"), "groups");
  const front = groups(head);
  const back = tail === void 0 ? [] : groups(tail);
  const zeros = 8 - front.length - back.length;
  const all = [...front, ...Array.from({ length: tail === void 0 ? 0 : zeros }, () => "0"), ...back];
  const bytes = Buffer.alloc(16);
  for (const [i, group] of all.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return bytes;
}
__name(ipv6Bytes, "ipv6Bytes");

// src/proxy/intercept/job-ca.ts
var KEY_PARAMS = { name: "ECDSA", namedCurve: "P-256" };
var DEFAULT_CA_VALIDITY_MS = 7 * 60 * 60 * 1e3;
var CLOCK_SKEW_MS = 5 * 60 * 1e3;
function randomSerial() {
  const bytes = webcrypto2.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 127;
  return bytes;
}
__name(randomSerial, "randomSerial");
var wholeSeconds = /* @__PURE__ */ __name((ms) => new Date(Math.floor(ms / 1e3) * 1e3), "wholeSeconds");
var JobCa = class _JobCa {
  constructor(certPem, certificate, hosts, signingKey, leafPublicKey, leafKeyPem) {
    this.certPem = certPem;
    this.certificate = certificate;
    this.hosts = hosts;
    this.signingKey = signingKey;
    this.leafPublicKey = leafPublicKey;
    this.leafKeyPem = leafKeyPem;
  }
  certPem;
  certificate;
  hosts;
  signingKey;
  leafPublicKey;
  leafKeyPem;
  static {
    __name(this, "JobCa");
  }
  leaves = /* @__PURE__ */ new Map();
  static async create(options) {
    const hosts = [...new Set(options.hosts.map(checkedHostName))];
    if (hosts.length === 0) throw new InterceptConfigError("interception needs at least one host");
    const now = (options.now ?? /* @__PURE__ */ new Date()).getTime();
    const caKeys = await webcrypto2.subtle.generateKey(KEY_PARAMS, false, [
      "sign",
      "verify"
    ]);
    const publicKey = Buffer.from(await webcrypto2.subtle.exportKey("spki", caKeys.publicKey));
    const subject = distinguishedName([
      ["CN", `pypi-cache-action job CA ${new Date(now).toISOString()}`],
      ["O", "pypi-cache-action"]
    ]);
    const validity = {
      notBefore: wholeSeconds(now - CLOCK_SKEW_MS),
      notAfter: wholeSeconds(now + (options.validityMs ?? DEFAULT_CA_VALIDITY_MS))
    };
    const der = await signCertificate(
      {
        serial: randomSerial(),
        issuer: subject,
        subject,
        ...validity,
        publicKey,
        extensions: [
          basicConstraints({ pathLength: 0 }),
          keyUsage(["keyCertSign", "cRLSign"]),
          nameConstraints(hosts),
          subjectKeyIdentifier(publicKey)
        ]
      },
      caKeys.privateKey
    );
    const leafKeys = await webcrypto2.subtle.generateKey(KEY_PARAMS, true, [
      "sign",
      "verify"
    ]);
    const leafPublicKey = Buffer.from(await webcrypto2.subtle.exportKey("spki", leafKeys.publicKey));
    const leafKeyPem = pem(
      "PRIVATE KEY",
      new Uint8Array(await webcrypto2.subtle.exportKey("pkcs8", leafKeys.privateKey))
    );
    return new _JobCa(
      certificatePem(der),
      { subject, publicKey, ...validity },
      new Set(hosts),
      caKeys.privateKey,
      leafPublicKey,
      leafKeyPem
    );
  }
  /** The leaf for an intercepted host; the same one for the whole job. */
  leafFor(host) {
    const name = checkedHostName(host);
    if (!this.hosts.has(name)) throw new InterceptConfigError(`${name} is not an intercepted host`);
    let leaf = this.leaves.get(name);
    if (!leaf) {
      leaf = this.signLeafUnchecked(name);
      this.leaves.set(name, leaf);
    }
    return leaf;
  }
  /**
   * Signs a leaf for any name, with no check of ours. Tests use it to prove that the name
   * constraints, not this class, are what keeps the CA from vouching for other sites.
   */
  async signLeafUnchecked(name, nameType = "dns") {
    const ca = this.certificate;
    if (Date.now() >= ca.notAfter.getTime()) throw new InterceptConfigError("the job CA has expired");
    const der = await signCertificate(
      {
        serial: randomSerial(),
        issuer: ca.subject,
        subject: distinguishedName([["CN", name]]),
        notBefore: wholeSeconds(Math.max(Date.now() - CLOCK_SKEW_MS, ca.notBefore.getTime())),
        notAfter: ca.notAfter,
        publicKey: this.leafPublicKey,
        extensions: [
          basicConstraints(false),
          keyUsage(["digitalSignature"]),
          serverAuthOnly(),
          subjectAltName(name, nameType),
          authorityKeyIdentifier(ca.publicKey)
        ]
      },
      this.signingKey
    );
    return { certPem: `${certificatePem(der)}${this.certPem}`, keyPem: this.leafKeyPem };
  }
};

// src/proxy/intercept/interception.ts
async function attachInterception(server, spec) {
  const { deps, options } = spec;
  const hosts = new InterceptHosts(spec.upstreams, options.mirrors);
  const ca = await JobCa.create({ hosts: hosts.names });
  const files = new InterceptedFiles({ ...deps, lockedHashes: options.lockedHashes ?? /* @__PURE__ */ new Map() });
  const hostBySocket = /* @__PURE__ */ new WeakMap();
  const requests = createInterceptedRequestServer(
    { ...deps, files },
    (socket) => typeof socket === "object" && socket !== null ? hostBySocket.get(socket) : void 0
  );
  const open = /* @__PURE__ */ new Set();
  server.on("connect", (req, socket, head) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    handleConnect(
      {
        hosts,
        ca,
        origins: spec.origins,
        outbound: spec.outbound,
        requests,
        mark: /* @__PURE__ */ __name((secure, host) => {
          hostBySocket.set(secure, host);
          open.add(secure);
          secure.once("close", () => open.delete(secure));
        }, "mark"),
        stats: deps.stats,
        log: deps.log,
        handshakeTimeoutMs: options.handshakeTimeoutMs
      },
      req,
      socket,
      head
    );
  });
  return {
    caCertPem: ca.certPem,
    close: /* @__PURE__ */ __name(() => {
      for (const socket of open) socket.destroy();
      requests.close();
    }, "close")
  };
}
__name(attachInterception, "attachInterception");
export {
  attachInterception
};
