import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  __name
} from "./chunk-7UH2FPMM.js";

// src/system/folder-size.ts
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
async function measureFolder(folder) {
  const total = { files: 0, bytes: 0 };
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return total;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await measureFolder(path);
      total.files += inner.files;
      total.bytes += inner.bytes;
    } else if (entry.isFile()) {
      total.files += 1;
      total.bytes += (await stat(path)).size;
    }
  }
  return total;
}
__name(measureFolder, "measureFolder");
async function measureFolders(folders) {
  const sizes = await Promise.all(folders.map(measureFolder));
  return sizes.reduce((sum, size) => ({ files: sum.files + size.files, bytes: sum.bytes + size.bytes }), {
    files: 0,
    bytes: 0
  });
}
__name(measureFolders, "measureFolders");
function formatBytes(bytes) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
__name(formatBytes, "formatBytes");

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
        const decoded = safeDecode(segment);
        if (isSecretLooking(decoded)) secrets.add(decoded);
        if (isSecretLooking(segment)) secrets.add(segment);
      }
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

// src/proxy/store/store-dir.ts
import { constants } from "node:fs";
import { access, mkdir, stat as stat2 } from "node:fs/promises";
import { dirname, join as join2, resolve } from "node:path";
var StoreDirError = class extends Error {
  constructor(storeDir, reason) {
    super(`store ${storeDir}: ${reason}`);
    this.storeDir = storeDir;
    this.reason = reason;
  }
  storeDir;
  reason;
  static {
    __name(this, "StoreDirError");
  }
};
var READ_ONLY_CODES = /* @__PURE__ */ new Set(["EACCES", "EPERM", "EROFS"]);
function isReadOnlyError(error) {
  return READ_ONLY_CODES.has(error.code ?? "");
}
__name(isReadOnlyError, "isReadOnlyError");
function describe(path, error) {
  const code = error.code;
  if (code === "ENOENT") return `${dirname(path)} does not let a folder be created in it`;
  if (code === "ENOTDIR") return "a part of the path is a file, not a folder";
  if (code && READ_ONLY_CODES.has(code)) return "a folder on the path cannot be created (read-only)";
  return error.message;
}
__name(describe, "describe");
async function isDirectory(root, path) {
  try {
    return (await stat2(path)).isDirectory();
  } catch (error) {
    const code = error.code;
    if (code === "ENOENT" || code === "ENOTDIR") return void 0;
    throw new StoreDirError(resolve(root), describe(path, error));
  }
}
__name(isDirectory, "isDirectory");
async function ensureStoreDir(root) {
  const missing = [];
  for (let path = resolve(root); ; path = dirname(path)) {
    const directory = await isDirectory(root, path);
    if (directory === true) break;
    if (directory === false) {
      throw new StoreDirError(
        resolve(root),
        path === resolve(root) ? "it is a file, not a folder" : `${path} is a file, not a folder`
      );
    }
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      await mkdir(path);
    } catch (error) {
      if (error.code === "EEXIST" && await isDirectory(root, path)) continue;
      throw new StoreDirError(resolve(root), describe(path, error));
    }
  }
}
__name(ensureStoreDir, "ensureStoreDir");
async function canWriteIn(root) {
  try {
    await access(root, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
__name(canWriteIn, "canWriteIn");
function layoutFile(root) {
  return join2(root, "layout.json");
}
__name(layoutFile, "layoutFile");

// src/proxy/store/manifest.ts
import { readdir as readdir2, readFile as readFile3, rename as rename2, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";

// src/proxy/store/store.ts
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir as mkdir2, mkdtemp, readFile as readFile2, rename, rm as rm2, stat as stat3, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join4, resolve as resolve2, sep } from "node:path";

// src/proxy/store/store-lock.ts
import { readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join as join3 } from "node:path";
var StoreLockedError = class extends Error {
  static {
    __name(this, "StoreLockedError");
  }
};
function processStart(pid) {
  try {
    const stat4 = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat4.slice(stat4.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return void 0;
  }
}
__name(processStart, "processStart");
function isAlive(holder) {
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (error.code !== "EPERM") return false;
  }
  const start = processStart(holder.pid);
  return holder.processStart === void 0 || start === void 0 || start === holder.processStart;
}
__name(isAlive, "isAlive");
var StoreLock = class _StoreLock {
  constructor(path) {
    this.path = path;
  }
  path;
  static {
    __name(this, "StoreLock");
  }
  static async acquire(root) {
    const path = join3(root, "lock");
    const mine = {
      pid: process.pid,
      host: hostname(),
      processStart: processStart(process.pid),
      since: (/* @__PURE__ */ new Date()).toISOString()
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await writeFile(path, `${JSON.stringify(mine)}
`, { flag: "wx" });
        return new _StoreLock(path);
      } catch (error) {
        if (error.code !== "EEXIST" || attempt > 0) throw error;
      }
      const holder = await readHolder(path);
      if (holder && isAlive(holder)) {
        throw new StoreLockedError(
          `the store ${root} is in use by another proxy: ${path} is held by pid ${holder.pid} (since ${holder.since}); stop it or use another --store`
        );
      }
      await rm(path, { force: true });
    }
  }
  /** Removes the lock if it is still this process's. */
  async release() {
    const holder = await readHolder(this.path);
    if (holder?.pid === process.pid && holder.host === hostname()) await rm(this.path, { force: true });
  }
};
async function readHolder(path) {
  try {
    const holder = JSON.parse(await readFile(path, "utf8"));
    return Number.isSafeInteger(holder.pid) ? holder : void 0;
  } catch {
    return void 0;
  }
}
__name(readHolder, "readHolder");

// src/proxy/store/store.ts
var STORE_LAYOUT_VERSION = 1;
var StorePathError = class extends Error {
  static {
    __name(this, "StorePathError");
  }
};
function pathInside(root, ...parts) {
  const base = resolve2(root);
  const full = resolve2(base, ...parts);
  if (!full.startsWith(base + sep)) throw new StorePathError(`path escapes the store: ${parts.join("/")}`);
  return full;
}
__name(pathInside, "pathInside");
function checked(kind, value, valid) {
  if (!valid(value)) throw new StorePathError(`invalid ${kind}: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}
__name(checked, "checked");
function fileRelativePath(sha256) {
  checked("sha256", sha256, isSha256Hex);
  return join4("files", "sha256", sha256.slice(0, 2), sha256);
}
__name(fileRelativePath, "fileRelativePath");
function pageRelativePath(upstream, project) {
  checked("upstream", upstream, isValidUpstreamName);
  checked("project", project, isNormalizedProjectName);
  return join4("pages", upstream, "projects", `${project}.json`);
}
__name(pageRelativePath, "pageRelativePath");
function indexRelativePath(upstream) {
  return join4("pages", checked("upstream", upstream, isValidUpstreamName), "index.json");
}
__name(indexRelativePath, "indexRelativePath");
function nameRelativePath(upstream, project, filename) {
  checked("upstream", upstream, isValidUpstreamName);
  checked("project", project, isNormalizedProjectName);
  return join4("names", upstream, project, checked("filename", filename, isValidFileName));
}
__name(nameRelativePath, "nameRelativePath");
async function readJson(path) {
  try {
    return JSON.parse(await readFile2(path, "utf8"));
  } catch (error) {
    if (error instanceof SyntaxError || error.code === "ENOENT") return void 0;
    throw error;
  }
}
__name(readJson, "readJson");
var ContentStore = class _ContentStore {
  constructor(root) {
    this.root = root;
  }
  root;
  static {
    __name(this, "ContentStore");
  }
  lock;
  /** Read-only stores only: this run's downloads, outside the store, removed on close. */
  scratch;
  /** True when the store could only be opened for reading: nothing new is stored. */
  get readOnly() {
    return this.scratch !== void 0;
  }
  /**
   * Creates the folder when missing, takes the store's lock (StoreLockedError while another proxy
   * holds it), then empties tmp/. A populated store this process cannot write opens read-only;
   * StoreDirError for a path that is no folder, cannot be created, or is empty and not writable.
   */
  static async open(root) {
    const store = new _ContentStore(resolve2(root));
    await ensureStoreDir(store.root);
    if (!await canWriteIn(store.root)) return store.openReadOnly();
    try {
      store.lock = await StoreLock.acquire(store.root);
    } catch (error) {
      if (isReadOnlyError(error)) return store.openReadOnly();
      throw error;
    }
    await rm2(store.tempDir, { recursive: true, force: true });
    await mkdir2(store.tempDir, { recursive: true });
    await store.writeLayout();
    return store;
  }
  async openReadOnly() {
    if (!existsSync(layoutFile(this.root))) {
      throw new StoreDirError(this.root, "the folder is not writable and holds no store (no layout.json)");
    }
    this.scratch = await mkdtemp(join4(tmpdir(), "pypi-cache-proxy-readonly-"));
    return this;
  }
  /**
   * Written only when it differs: a restored store on a full disk must still open, and
   * rewriting the file in place there would leave it empty.
   */
  async writeLayout() {
    const content = `${JSON.stringify({ layout: STORE_LAYOUT_VERSION })}
`;
    const current = await readFile2(layoutFile(this.root), "utf8").catch(() => void 0);
    if (current !== content) await this.writeAtomically("layout.json", content);
  }
  /** Gives the store up for the next owner. */
  async close() {
    await this.lock?.release();
    this.lock = void 0;
    if (this.scratch) await rm2(this.scratch, { recursive: true, force: true });
  }
  get tempDir() {
    return this.scratch ?? pathInside(this.root, "tmp");
  }
  /** A fresh path in tmp/ on the same file system as the store, so the commit is a rename. */
  tempPath() {
    return pathInside(this.tempDir, `${Date.now()}-${randomBytes(8).toString("hex")}`);
  }
  filePath(sha256) {
    return pathInside(this.root, fileRelativePath(sha256));
  }
  async fileSize(sha256) {
    try {
      return (await stat3(this.filePath(sha256))).size;
    } catch (error) {
      if (error.code === "ENOENT") return void 0;
      throw error;
    }
  }
  /**
   * Moves a verified temp file to its content address and returns where it is now. Callers
   * check the hash first. A read-only store keeps it in its temp folder, for this run only.
   */
  async commitFile(tempPath, sha256) {
    if (this.readOnly) return tempPath;
    const target = this.filePath(sha256);
    await mkdir2(resolve2(target, ".."), { recursive: true });
    await rename(tempPath, target);
    return target;
  }
  async readPage(upstream, project) {
    return readJson(pathInside(this.root, pageRelativePath(upstream, project)));
  }
  async writePage(upstream, project, stored) {
    return this.writeAtomically(pageRelativePath(upstream, project), JSON.stringify(stored));
  }
  async readProjectList(upstream) {
    return readJson(pathInside(this.root, indexRelativePath(upstream)));
  }
  async writeProjectList(upstream, stored) {
    return this.writeAtomically(indexRelativePath(upstream), JSON.stringify(stored));
  }
  async readName(upstream, project, filename) {
    try {
      const sha256 = (await readFile2(pathInside(this.root, nameRelativePath(upstream, project, filename)), "utf8")).trim();
      return isSha256Hex(sha256) ? sha256 : void 0;
    } catch (error) {
      if (error.code === "ENOENT") return void 0;
      throw error;
    }
  }
  async writeName(upstream, project, filename, sha256) {
    return this.writeAtomically(
      nameRelativePath(upstream, project, filename),
      `${checked("sha256", sha256, isSha256Hex)}
`
    );
  }
  async writeAtomically(relativePath, content) {
    if (this.readOnly) return;
    const target = pathInside(this.root, relativePath);
    const temp = this.tempPath();
    await mkdir2(resolve2(target, ".."), { recursive: true });
    try {
      await writeFile2(temp, content);
      await rename(temp, target);
    } catch (error) {
      await rm2(temp, { force: true });
      throw error;
    }
  }
};

// src/proxy/store/manifest.ts
var ManifestRecorder = class {
  static {
    __name(this, "ManifestRecorder");
  }
  startedAt = (/* @__PURE__ */ new Date()).toISOString();
  pages = /* @__PURE__ */ new Map();
  indexes = /* @__PURE__ */ new Set();
  files = /* @__PURE__ */ new Set();
  names = /* @__PURE__ */ new Map();
  page(upstream, project) {
    this.pages.set(`${upstream}/${project}`, { upstream, project });
  }
  index(upstream) {
    this.indexes.add(upstream);
  }
  file(sha256) {
    this.files.add(sha256);
  }
  name(upstream, project, filename) {
    this.names.set(`${upstream}/${project}/${filename}`, { upstream, project, filename });
  }
  build() {
    const byKey = /* @__PURE__ */ __name((a, b) => `${a.upstream}/${a.project}`.localeCompare(`${b.upstream}/${b.project}`), "byKey");
    return {
      version: 1,
      layout: STORE_LAYOUT_VERSION,
      startedAt: this.startedAt,
      finishedAt: (/* @__PURE__ */ new Date()).toISOString(),
      pages: [...this.pages.values()].sort(byKey),
      indexes: [...this.indexes].sort(),
      files: [...this.files].sort(),
      names: [...this.names.values()].sort(byKey)
    };
  }
};
async function writeManifest(path, manifest) {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile3(temp, `${JSON.stringify(manifest, null, 2)}
`);
    await rename2(temp, path);
  } catch (error) {
    await rm3(temp, { force: true });
    throw error;
  }
}
__name(writeManifest, "writeManifest");
async function readManifest(path) {
  const manifest = JSON.parse(await readFile3(path, "utf8"));
  if (manifest.version !== 1)
    throw new Error(`${path}: unsupported manifest version ${String(manifest.version)}`);
  return manifest;
}
__name(readManifest, "readManifest");
async function listFiles(dir) {
  try {
    const entries = await readdir2(dir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => `${entry.parentPath}/${entry.name}`);
  } catch (error) {
    if (error.code === "ENOENT") return [];
    throw error;
  }
}
__name(listFiles, "listFiles");
async function pruneStoreToManifest(storeDir, manifest) {
  const keep = /* @__PURE__ */ new Set();
  const tryKeep = /* @__PURE__ */ __name((relativePath) => {
    try {
      keep.add(pathInside(storeDir, relativePath()));
    } catch {
    }
  }, "tryKeep");
  for (const sha256 of manifest.files ?? []) tryKeep(() => fileRelativePath(sha256));
  for (const page of manifest.pages ?? []) tryKeep(() => pageRelativePath(page.upstream, page.project));
  for (const upstream of manifest.indexes ?? []) tryKeep(() => indexRelativePath(upstream));
  for (const name of manifest.names ?? [])
    tryKeep(() => nameRelativePath(name.upstream, name.project, name.filename));
  const result = { kept: 0, removed: 0 };
  for (const area of ["files", "pages", "names"]) {
    for (const path of await listFiles(pathInside(storeDir, area))) {
      if (keep.has(path)) {
        result.kept++;
      } else {
        await rm3(path, { force: true });
        result.removed++;
      }
    }
  }
  await rm3(pathInside(storeDir, "tmp"), { recursive: true, force: true });
  return result;
}
__name(pruneStoreToManifest, "pruneStoreToManifest");
async function countStoredFiles(storeDir) {
  try {
    const entries = await readdir2(pathInside(storeDir, "files"), { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).length;
  } catch {
    return 0;
  }
}
__name(countStoredFiles, "countStoredFiles");

// src/proxy/upstream/outbound-proxy.ts
import https from "node:https";
import net from "node:net";
import tls from "node:tls";

// src/proxy/upstream/file-hosts.ts
import dns from "node:dns";
import { isIP } from "node:net";
var COMPANION_HOSTS = {
  "pypi.org": ["files.pythonhosted.org"],
  "test.pypi.org": ["test-files.pythonhosted.org"]
};
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
function addressKind(address) {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4 = ipv4Octets(bare);
  if (v4) {
    if (v4[0] === 127 || v4.every((octet) => octet === 0)) return "loopback";
    if (v4[0] === 169 && v4[1] === 254) return "link-local";
    return "other";
  }
  const groups = isIP(bare) === 6 ? ipv6Groups(bare) : void 0;
  if (!groups) return "other";
  if (groups.slice(0, 7).every((g) => g === 0) && (groups[7] ?? 0) <= 1) return "loopback";
  if (((groups[0] ?? 0) & 65472) === 65152) return "link-local";
  return "other";
}
__name(addressKind, "addressKind");
var systemLookup = /* @__PURE__ */ __name((hostname2) => dns.promises.lookup(hostname2, { all: true }), "systemLookup");
var FileHostError = class extends Error {
  static {
    __name(this, "FileHostError");
  }
};
var FileHostPolicy = class {
  constructor(indexUrl, configured = [], resolve3 = systemLookup) {
    this.resolve = resolve3;
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
    return isIP(host) ? this.addressRefusal(host) : void 0;
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
  checksAddressesOf(hostname2) {
    return bareHost(hostname2) !== this.indexHost;
  }
  /**
   * A `lookup` for http.request (net.connect calls it for host names, never for literals): the
   * addresses come from `resolve` and are refused before any socket connects to them.
   */
  lookup = /* @__PURE__ */ __name((hostname2, options, callback) => {
    this.resolve(hostname2).then(
      (addresses) => {
        const checked2 = this.checksAddressesOf(hostname2);
        const refused = checked2 ? addresses.map((a) => this.addressRefusal(a.address)).find(Boolean) : void 0;
        if (refused) {
          callback(new FileHostError(`${hostname2} resolves to a refused address: ${refused}`), "", 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? "", addresses[0]?.family ?? 4);
      },
      (error) => callback(error, "", 0)
    );
  }, "lookup");
};
function bareHost(hostname2) {
  return hostname2.toLowerCase().replace(/^\[|\]$/g, "");
}
__name(bareHost, "bareHost");
function hostMatches(host, pattern) {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === bareHost(pattern);
}
__name(hostMatches, "hostMatches");

// src/proxy/upstream/outbound-proxy.ts
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
  /** `url`: http://[user:password@]host[:port][/]; `noProxy`: the job's NO_PROXY. */
  constructor(url, noProxy = new NoProxyList(void 0), connectTimeoutMs = DEFAULT_OUTBOUND_CONNECT_TIMEOUT_MS) {
    this.noProxy = noProxy;
    this.connectTimeoutMs = connectTimeoutMs;
    let parsed;
    try {
      parsed = new URL(url.includes("://") ? url : `http://${url}`);
    } catch {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: not a URL; expected http://[user:password@]host:port (the job's HTTPS_PROXY)`
      );
    }
    const display = `${parsed.protocol}//${parsed.host}`;
    if (parsed.protocol !== "http:") {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: ${display} is not an http:// proxy; only http://host:port proxies (CONNECT) are supported`
      );
    }
    if (parsed.pathname !== "/" && parsed.pathname !== "" || parsed.search || parsed.hash) {
      throw new OutboundProxyConfigError(
        `${OUTBOUND_PROXY_ENV}: ${display} has a path, query or fragment; expected http://[user:password@]host:port`
      );
    }
    this.display = display;
    this.host = parsed.hostname.replace(/^\[|\]$/g, "");
    this.port = Number(parsed.port || 80);
    this.authorization = parsed.username || parsed.password ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString("base64")}` : void 0;
  }
  noProxy;
  connectTimeoutMs;
  static {
    __name(this, "OutboundProxy");
  }
  /** `http://host:port`: what messages may show (never the credentials). */
  display;
  host;
  port;
  authorization;
  /** The proxy from the daemon's environment, or undefined when the job had none. */
  static fromEnv(env) {
    const url = env[OUTBOUND_PROXY_ENV]?.trim();
    return url ? new _OutboundProxy(url, new NoProxyList(env[OUTBOUND_NO_PROXY_ENV])) : void 0;
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
    return new Promise((resolve3, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
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
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer.subarray(0, end).toString("latin1"))?.[1]);
        if (status !== 200) {
          fail(statusReason(status, this.authorization !== void 0), status || void 0);
          return;
        }
        cleanup();
        socket.pause();
        const rest = answer.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        resolve3(socket);
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
      socket.once("connect", () => {
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
  return new Promise((resolve3, reject) => {
    lookup(host, { all: true }, (error) => {
      if (error instanceof FileHostError) reject(error);
      else resolve3();
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
        const secure = tls.connect({ ...options, socket, host });
        callback(null, secure);
      },
      (error) => callback(error)
    );
    return void 0;
  }
};

// src/proxy/shutdown-grace.ts
var DEFAULT_SHUTDOWN_GRACE_MS = 5e3;

// src/proxy/intercept/pypi-hosts.ts
var PYPI_PAGES_HOST = "pypi.org";
var PYPI_FILES_HOST = "files.pythonhosted.org";
var PYPI_HOSTS = [PYPI_PAGES_HOST, PYPI_FILES_HOST];

// src/proxy/upstream/file-host-pattern.ts
var HOST_NAME = /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
var ADDRESS = /^\[?[0-9A-Fa-f:.]+\]?$/;
function isFileHostPattern(value) {
  return HOST_NAME.test(value) || ADDRESS.test(value);
}
__name(isFileHostPattern, "isFileHostPattern");

export {
  measureFolders,
  formatBytes,
  DEFAULT_SHUTDOWN_GRACE_MS,
  normalizeProjectName,
  isValidProjectName,
  isNormalizedProjectName,
  isValidFileName,
  isSha256Hex,
  isValidUpstreamName,
  credentialsEnvName,
  redactIndexUrl,
  indexUrlSecrets,
  maskSecrets,
  redactUrl,
  UPSTREAMS_ENV,
  UpstreamConfigError,
  parseUpstreams,
  PYPI_PAGES_HOST,
  PYPI_FILES_HOST,
  PYPI_HOSTS,
  StoreDirError,
  pathInside,
  fileRelativePath,
  pageRelativePath,
  nameRelativePath,
  ContentStore,
  ManifestRecorder,
  writeManifest,
  readManifest,
  pruneStoreToManifest,
  countStoredFiles,
  isFileHostPattern,
  addressKind,
  FileHostError,
  FileHostPolicy,
  OUTBOUND_PROXY_ENV,
  OUTBOUND_NO_PROXY_ENV,
  OutboundProxyConfigError,
  OutboundProxyError,
  OutboundProxy,
  ChainedHttpsAgent
};
