import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);
import {
  isNormalizedProjectName,
  isSha256Hex,
  isValidFileName,
  isValidUpstreamName
} from "./chunk-K6M7SHUM.js";
import {
  __name
} from "./chunk-WTG47EWH.js";

// src/proxy/http/listen-ports.ts
var PORTS_IN_USE_EXIT_CODE = 3;
var MAX_CANDIDATES = 1e3;
var PortsInUseError = class extends Error {
  constructor(ports, host) {
    const what = ports.length === 1 ? `port ${ports[0]} on ${host} is` : `ports ${formatPorts(ports)} on ${host} are all`;
    super(`${what} in use by another process (EADDRINUSE); free one or choose another port`);
    this.ports = ports;
    this.host = host;
  }
  ports;
  host;
  static {
    __name(this, "PortsInUseError");
  }
};
function parsePorts(value) {
  const ports = [];
  for (const item of value.split(",")) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item.trim());
    const first = Number(match?.[1]);
    const last = match?.[2] === void 0 ? first : Number(match[2]);
    if (!match || first > 65535 || last > 65535 || last < first)
      return `expected a port 0-65535, a range A-B, or a comma-separated list of them`;
    for (let port = first; port <= last; port++) ports.push(port);
    if (ports.length > MAX_CANDIDATES) return `more than ${MAX_CANDIDATES} ports`;
  }
  return ports;
}
__name(parsePorts, "parsePorts");
function formatPorts(ports) {
  const parts = [];
  for (let i = 0; i < ports.length; ) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1] === ports[j] + 1 && ports[j] !== 0) j++;
    parts.push(j === i ? String(ports[i]) : `${ports[i]}-${ports[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
__name(formatPorts, "formatPorts");
async function listenOnFirstFree(server, host, ports) {
  for (const port of ports) {
    const bound = await new Promise((resolve3, reject) => {
      const onError = /* @__PURE__ */ __name((error) => {
        if (error.code === "EADDRINUSE") resolve3(false);
        else reject(error);
      }, "onError");
      server.once("error", onError);
      server.listen(port, host, () => {
        server.off("error", onError);
        resolve3(true);
      });
    });
    if (bound) return;
  }
  throw new PortsInUseError(ports, host);
}
__name(listenOnFirstFree, "listenOnFirstFree");

// src/proxy/store/store-dir.ts
import { constants } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
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
    return (await stat(path)).isDirectory();
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
  return join(root, "layout.json");
}
__name(layoutFile, "layoutFile");

// src/proxy/store/manifest.ts
import { readdir, readFile as readFile3, rename as rename2, rm as rm3, writeFile as writeFile3 } from "node:fs/promises";

// src/proxy/store/store.ts
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir as mkdir2, mkdtemp, readFile as readFile2, rename, rm as rm2, stat as stat2, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join as join3, resolve as resolve2, sep } from "node:path";

// src/proxy/store/store-lock.ts
import { readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join as join2 } from "node:path";

// src/proxy/process-state.ts
import { readFileSync } from "node:fs";
function statFields(pid) {
  try {
    const stat4 = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat4.slice(stat4.lastIndexOf(")") + 2).split(" ");
  } catch {
    return void 0;
  }
}
__name(statFields, "statFields");
function hasExited(pid) {
  const state = statFields(pid)?.[0];
  return state === "Z" || state === "X";
}
__name(hasExited, "hasExited");
function isRunning(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  return !hasExited(pid);
}
__name(isRunning, "isRunning");
function processStartTime(pid) {
  return statFields(pid)?.[19];
}
__name(processStartTime, "processStartTime");

// src/proxy/store/store-lock.ts
var StoreLockedError = class extends Error {
  static {
    __name(this, "StoreLockedError");
  }
};
function isAlive(holder) {
  if (holder.host !== hostname() || !isRunning(holder.pid)) return false;
  const start = processStartTime(holder.pid);
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
    const path = join2(root, "lock");
    const mine = {
      pid: process.pid,
      host: hostname(),
      processStart: processStartTime(process.pid),
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
  return join3("files", "sha256", sha256.slice(0, 2), sha256);
}
__name(fileRelativePath, "fileRelativePath");
function pageRelativePath(upstream, project) {
  checked("upstream", upstream, isValidUpstreamName);
  checked("project", project, isNormalizedProjectName);
  return join3("pages", upstream, "projects", `${project}.json`);
}
__name(pageRelativePath, "pageRelativePath");
function indexRelativePath(upstream) {
  return join3("pages", checked("upstream", upstream, isValidUpstreamName), "index.json");
}
__name(indexRelativePath, "indexRelativePath");
function nameRelativePath(upstream, project, filename) {
  checked("upstream", upstream, isValidUpstreamName);
  checked("project", project, isNormalizedProjectName);
  return join3("names", upstream, project, checked("filename", filename, isValidFileName));
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
    this.scratch = await mkdtemp(join3(tmpdir(), "pypi-cache-proxy-readonly-"));
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
      return (await stat2(this.filePath(sha256))).size;
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
    const byKey = /* @__PURE__ */ __name((a, b) => {
      const [left, right] = [`${a.upstream}/${a.project}`, `${b.upstream}/${b.project}`];
      return left < right ? -1 : left > right ? 1 : 0;
    }, "byKey");
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
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
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
    const entries = await readdir(pathInside(storeDir, "files"), { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).length;
  } catch {
    return 0;
  }
}
__name(countStoredFiles, "countStoredFiles");

// src/system/folder-size.ts
import { readdir as readdir2, stat as stat3 } from "node:fs/promises";
import { join as join4 } from "node:path";
async function measureFolder(folder) {
  const total = { files: 0, bytes: 0 };
  let entries;
  try {
    entries = await readdir2(folder, { withFileTypes: true });
  } catch {
    return total;
  }
  for (const entry of entries) {
    const path = join4(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await measureFolder(path);
      total.files += inner.files;
      total.bytes += inner.bytes;
    } else if (entry.isFile()) {
      total.files += 1;
      total.bytes += (await stat3(path)).size;
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

// src/proxy/shutdown-grace.ts
var DEFAULT_SHUTDOWN_GRACE_MS = 5e3;

// src/proxy/upstream/file-host-pattern.ts
var HOST_NAME = /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
var ADDRESS = /^\[?[0-9A-Fa-f:.]+\]?$/;
function isFileHostPattern(value) {
  return HOST_NAME.test(value) || ADDRESS.test(value);
}
__name(isFileHostPattern, "isFileHostPattern");

export {
  PORTS_IN_USE_EXIT_CODE,
  PortsInUseError,
  parsePorts,
  formatPorts,
  listenOnFirstFree,
  isRunning,
  DEFAULT_SHUTDOWN_GRACE_MS,
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
  measureFolders,
  formatBytes
};
